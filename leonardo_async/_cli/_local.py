"""``leonardo-async me``, and the commands that need no API: demo, fake-server."""

from __future__ import annotations

import argparse
import asyncio
from typing import Any

from ._common import (
    Parents,
    at_least_one,
    client,
    command,
    emit,
    not_negative,
    port,
)
from ._console import table, to_jsonable


async def _me(args: argparse.Namespace) -> int:
    async with client(args) as api:
        me = await api.users.me()
    emit(
        args,
        me,
        lambda: table([[k, v] for k, v in to_jsonable(me).items()], ["field", "value"]),
    )
    return 0


async def _fake_server(args: argparse.Namespace) -> int:
    from ..testing import FakeLeonardo

    fake = FakeLeonardo(
        training_seconds=args.training_seconds,
        generation_seconds=args.generation_seconds,
        api_key=args.api_key,
        host=args.host,
        port=args.port,
    )
    async with fake:
        # Lines a shell can paste as they are.
        print(f"export LEONARDO_BASE_URL={fake.base_url}", flush=True)
        print(f"export LEONARDO_API_KEY={fake.api_key}", flush=True)
        print(f"# user id {fake.user_id}; Ctrl-C to stop", flush=True)
        await asyncio.Event().wait()
    return 0  # pragma: no cover - only left by an interrupt


async def _demo(args: argparse.Namespace) -> int:
    from ._demo import run_demo

    return await run_demo(args.trainings, args.training_seconds, args.images)


def add_commands(commands: Any, parents: Parents) -> None:
    """Add ``demo``, ``fake-server`` and ``me``."""
    demo = command(
        commands,
        "demo",
        _demo,
        "run the whole story on an embedded fake server",
        "leonardo-async demo --trainings 5 --training-seconds 2",
    )
    demo.add_argument(
        "--trainings",
        type=at_least_one,
        default=5,
        help="trainings to start (default 5)",
    )
    demo.add_argument(
        "--training-seconds",
        type=not_negative,
        default=2.0,
        help="how long each takes (default 2)",
    )
    demo.add_argument(
        "--images",
        type=at_least_one,
        default=4,
        help="sample images to upload (default 4)",
    )
    fake = command(
        commands,
        "fake-server",
        _fake_server,
        "serve the fake API until interrupted",
        "leonardo-async fake-server --port 8765 --api-key test-key",
    )
    fake.add_argument("--host", default="127.0.0.1")
    fake.add_argument("--port", type=port, default=0, help="0 picks a free port")
    fake.add_argument("--training-seconds", type=not_negative, default=5.0)
    fake.add_argument("--generation-seconds", type=not_negative, default=1.0)
    fake.add_argument("--api-key", help="the key it accepts (default: random)")
    command(
        commands,
        "me",
        _me,
        "show who the key belongs to",
        "leonardo-async me --json",
        [parents.common],
    )
