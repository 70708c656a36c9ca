"""``leonardo-async me``, and the commands that need no API: demo, fake-server."""

from __future__ import annotations

import argparse
import asyncio
from typing import Any

from ._common import (
    Parents,
    UsageError,
    at_least_one,
    client,
    command,
    emit,
    not_negative,
    port,
)
from ._console import table, to_jsonable

#: How many sample images the demo has (``_cli/samples``).
SAMPLE_IMAGES = 6


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

    if args.images > SAMPLE_IMAGES:
        raise UsageError(f"--images: the demo has {SAMPLE_IMAGES} sample images")
    return await run_demo(args.trainings, args.training_seconds, args.images, args.out)


def add_commands(commands: Any, parents: Parents) -> None:
    """Add ``demo``, ``fake-server`` and ``me``."""
    demo = command(
        commands,
        "demo",
        _demo,
        "run the whole journey on an embedded fake server",
        "leonardo-async demo --trainings 3 --out demo-images/",
    )
    demo.add_argument(
        "--trainings",
        type=at_least_one,
        default=3,
        help="custom-model trainings to start (default 3)",
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
        help=f"sample images to upload (default 4, at most {SAMPLE_IMAGES})",
    )
    demo.add_argument(
        "--out", help="the folder for the generated images (default: a new one)"
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
