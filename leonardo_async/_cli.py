"""The ``leonardo-async`` command: the demo, the fake server, and the real API.

Exit codes: 0 success, 1 an API or connection error, 2 bad usage, 3 a training
failed, 4 a wait timed out, 130 interrupted.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import sys
import time
from collections.abc import Callable, Coroutine, Iterator, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any, TextIO

import attrs

from ._client import LeonardoClient
from ._data import CustomModel, CustomModelType, JobStatus, SdVersion, Strength
from ._errors import LeonardoError, TrainingFailedError, TrainingTimeoutError

EXIT_OK = 0
EXIT_API_ERROR = 1
EXIT_USAGE = 2
EXIT_TRAINING_FAILED = 3
EXIT_WAIT_TIMEOUT = 4
EXIT_INTERRUPTED = 130

EXAMPLES = """\
examples:
  leonardo-async demo                          # the whole story, offline
  leonardo-async platform-models
  leonardo-async models list --user USER_ID --json
  leonardo-async models train --name my-style --dataset-id DATASET_ID \\
      --instance-prompt "a photo of sks" --resolution 768 --wait
  leonardo-async models wait MODEL_ID [MODEL_ID ...]
  leonardo-async models delete MODEL_ID --yes
  leonardo-async fake-server --port 8765       # for tests in any language

The key comes from LEONARDO_API_KEY; the API root from --base-url or
LEONARDO_BASE_URL. Exit codes: 0 ok, 1 API error, 2 usage, 3 training
failed, 4 wait timed out, 130 interrupted.
"""


class UsageError(Exception):
    """A mistake in the command line, reported with exit code 2."""


def to_jsonable(value: Any) -> Any:
    """Turn data classes, enums, decimals and datetimes into plain JSON values."""
    if attrs.has(type(value)):
        return {
            k: to_jsonable(v) for k, v in attrs.asdict(value, recurse=False).items()
        }
    if isinstance(value, (list, tuple)):
        return [to_jsonable(v) for v in value]
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, str):
        return str(value)  # an enum member becomes its value
    return value


def table(rows: Sequence[Sequence[object]], headers: Sequence[str]) -> str:
    """Render rows as an aligned plain-text table."""
    cells = [[str(h) for h in headers]] + [
        ["" if c is None else str(c) for c in row] for row in rows
    ]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    lines = [
        "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip()
        for row in cells
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def model_rows(models: Sequence[CustomModel]) -> list[list[object]]:
    """The rows of a table of custom models."""
    return [
        [
            m.id,
            m.name,
            m.status,
            m.sd_version,
            m.type,
            m.created_at and m.created_at.isoformat(timespec="seconds"),
        ]
        for m in models
    ]


MODEL_HEADERS = ["id", "name", "status", "sd_version", "type", "created_at"]


class Progress:
    """Shows the status of trainings: a live table on a terminal, lines otherwise."""

    def __init__(self, out: TextIO, *, live: bool, names: dict[str, str]) -> None:
        self._out = out
        self._names = names
        self._status: dict[str, str] = {}
        self._changed: dict[str, float] = {}
        self._started = time.monotonic()
        self._live: Any = None
        if live:
            with contextlib.suppress(ImportError):
                from rich.console import Console
                from rich.live import Live

                self._live = Live(
                    self,
                    console=Console(file=out),
                    refresh_per_second=8,
                    transient=False,
                )

    def __enter__(self) -> Progress:
        if self._live is not None:
            self._live.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._live is not None:
            self._live.refresh()
            self._live.__exit__(None, None, None)

    def __rich__(self) -> Any:
        from rich.table import Table

        view = Table(title="trainings", title_justify="left")
        for column in ("model", "name", "status", "elapsed"):
            view.add_column(column)
        now = time.monotonic()
        for model_id, name in self._names.items():
            status = self._status.get(model_id, "starting")
            style = {"COMPLETE": "green", "FAILED": "red"}.get(status, "yellow")
            done = status in ("COMPLETE", "FAILED")
            elapsed = (self._changed[model_id] if done else now) - self._started
            view.add_row(
                model_id[:8], name, f"[{style}]{status}[/]", f"{elapsed:5.1f}s"
            )
        return view

    def update(self, model: CustomModel) -> None:
        """Record a model's new status."""
        status = str(model.status)
        self._status[model.id] = status
        self._changed[model.id] = time.monotonic()
        self._names.setdefault(model.id, model.name)
        if self._live is None:
            elapsed = self._changed[model.id] - self._started
            print(
                f"{elapsed:6.1f}s  {model.id}  {model.name}  {status}",
                file=self._out,
                flush=True,
            )


def _client(args: argparse.Namespace) -> LeonardoClient:
    return LeonardoClient(base_url=args.base_url, timeout=args.timeout)


def _emit(args: argparse.Namespace, value: Any, human: Callable[[], str]) -> None:
    if args.json:
        print(json.dumps(to_jsonable(value), indent=2))
    else:
        print(human())


async def _platform_models(args: argparse.Namespace) -> int:
    async with _client(args) as client:
        models = await client.models.list_platform()
    _emit(
        args,
        models,
        lambda: table(
            [
                [m.id, m.name, "yes" if m.featured else "", m.description]
                for m in models
            ],
            ["id", "name", "featured", "description"],
        ),
    )
    return EXIT_OK


async def _models_list(args: argparse.Namespace) -> int:
    async with _client(args) as client:
        models = await client.models.list_for_user(args.user)
    _emit(args, models, lambda: table(model_rows(models), MODEL_HEADERS))
    return EXIT_OK


async def _models_get(args: argparse.Namespace) -> int:
    async with _client(args) as client:
        model = await client.models.get(args.model_id)
    _emit(args, model, lambda: table(model_rows([model]), MODEL_HEADERS))
    return EXIT_OK


async def _wait(
    client: LeonardoClient, args: argparse.Namespace, ids: list[str]
) -> int:
    live = not args.json and sys.stdout.isatty()
    out = sys.stderr if args.json else sys.stdout
    with Progress(out, live=live, names=dict.fromkeys(ids, "")) as progress:
        models = await client.wait_for_trainings(
            ids,
            timeout=args.wait_timeout,
            poll_interval=args.poll_interval,
            max_poll_interval=max(args.poll_interval, 60.0),
            on_status=progress.update,
        )
    _emit(args, models, lambda: table(model_rows(models), MODEL_HEADERS))
    failed = [m for m in models if m.status == JobStatus.FAILED]
    if failed:
        raise TrainingFailedError(failed[0])
    return EXIT_OK


async def _models_train(args: argparse.Namespace) -> int:
    async with _client(args) as client:
        job = await client.models.train(
            name=args.name,
            dataset_id=args.dataset_id,
            instance_prompt=args.instance_prompt,
            description=args.description,
            model_type=args.model_type,
            nsfw=True if args.nsfw else None,
            resolution=args.resolution,
            sd_version=args.sd_version,
            strength=args.strength,
        )
        if not args.wait:
            _emit(
                args,
                job,
                lambda: (
                    f"training started: model {job.custom_model_id}"
                    + (f" (cost {job.cost.amount} {job.cost.unit})" if job.cost else "")
                ),
            )
            return EXIT_OK
        if not args.json:
            print(f"training started: model {job.custom_model_id}", flush=True)
        return await _wait(client, args, [job.custom_model_id])


async def _models_wait(args: argparse.Namespace) -> int:
    async with _client(args) as client:
        return await _wait(client, args, list(args.model_ids))


def _confirmed(args: argparse.Namespace) -> bool:
    if args.yes:
        return True
    if not sys.stdin.isatty():
        raise UsageError("refusing to delete without confirmation: pass --yes")
    answer = input(f"Delete model {args.model_id}? This cannot be undone. [y/N] ")
    return answer.strip().lower() in ("y", "yes")


async def _models_delete(args: argparse.Namespace) -> int:
    async with _client(args) as client:
        deleted = await client.models.delete(args.model_id)
    _emit(args, {"deleted": deleted}, lambda: f"deleted model {deleted}")
    return EXIT_OK


async def _fake_server(args: argparse.Namespace) -> int:
    from .testing import FakeLeonardo

    fake = FakeLeonardo(
        training_seconds=args.training_seconds,
        api_key=args.api_key,
        host=args.host,
        port=args.port,
    )
    async with fake:
        print(f"LEONARDO_BASE_URL={fake.base_url}", flush=True)
        print(f"LEONARDO_API_KEY={fake.api_key}", flush=True)
        print(f"user id: {fake.user_id}  (Ctrl-C to stop)", flush=True)
        await asyncio.Event().wait()
    return EXIT_OK  # pragma: no cover - only left by an interrupt


async def _demo(args: argparse.Namespace) -> int:
    from .testing import FakeLeonardo

    started = time.monotonic()
    out = sys.stdout
    live = out.isatty()
    async with (
        FakeLeonardo(training_seconds=args.training_seconds) as fake,
        LeonardoClient(fake.api_key, base_url=fake.base_url) as client,
    ):
        print(f"Fake Leonardo API on {fake.base_url} (no key, no network needed)\n")
        catalogue = await client.models.list_platform()
        print("Platform models")
        print(
            table(
                [
                    [m.name, "yes" if m.featured else "", m.description]
                    for m in catalogue
                ],
                ["name", "featured", "description"],
            )
        )

        names = [f"demo-style-{i + 1}" for i in range(args.trainings)]
        fake.fail_next_training()  # one training fails, to show the error path
        print(f"\nStarting {len(names)} trainings at once...")
        dataset_id = "7f3c2a1e-5b8d-4c6f-9e0a-1b2c3d4e5f60"
        jobs = await asyncio.gather(
            *(
                client.models.train(
                    name=name,
                    dataset_id=dataset_id,
                    instance_prompt=f"a photo of sks {name}",
                    model_type=CustomModelType.ILLUSTRATIONS,
                    resolution=768,
                )
                for name in names
            )
        )
        ids = [job.custom_model_id for job in jobs]
        with Progress(
            out, live=live, names=dict(zip(ids, names, strict=True))
        ) as progress:
            finished = await client.wait_for_trainings(
                ids,
                user_id=fake.user_id,
                poll_interval=0.2,
                max_poll_interval=1.0,
                timeout=max(60.0, args.training_seconds * 10),
                on_status=progress.update,
            )
        for model in finished:
            if model.status == JobStatus.FAILED:
                print(f"  ! {model.name} failed: wait_for_training raises")
                print("    TrainingFailedError for it; the batch returns it.")

        mine = await client.models.list_for_user(fake.user_id)
        print("\nYour models")
        print(table(model_rows(mine), MODEL_HEADERS))
        deleted = await asyncio.gather(*(client.models.delete(m.id) for m in mine))
        requests = len(fake.requests)

    totals: dict[str, Decimal] = {}
    for job in jobs:
        if job.cost is not None:
            unit = str(job.cost.unit)
            totals[unit] = totals.get(unit, Decimal(0)) + job.cost.amount
    complete = sum(m.status == JobStatus.COMPLETE for m in finished)
    cost = ", ".join(f"{amount} {unit}" for unit, amount in totals.items()) or "none"
    print("\nSummary")
    print(
        table(
            [
                ["trainings started", len(jobs)],
                ["completed", complete],
                ["failed", len(finished) - complete],
                ["models deleted", len(deleted)],
                ["total cost", cost],
                ["requests made", requests],
                ["wall time", f"{time.monotonic() - started:.1f}s"],
            ],
            ["what", "value"],
        )
    )
    return EXIT_OK


def _parser() -> argparse.ArgumentParser:
    formatter = argparse.RawDescriptionHelpFormatter
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--json", action="store_true", help="print one JSON document")
    common.add_argument(
        "--base-url",
        default=None,
        help="the API root (default: LEONARDO_BASE_URL or production)",
    )
    common.add_argument(
        "--timeout", type=float, default=60.0, help="seconds per call (default 60)"
    )

    parser = argparse.ArgumentParser(
        prog="leonardo-async",
        description="The Leonardo.AI Models API from the command line.",
        epilog=EXAMPLES,
        formatter_class=formatter,
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    demo = commands.add_parser(
        "demo",
        help="run the whole story on an embedded fake server",
        formatter_class=formatter,
        epilog="example:\n  leonardo-async demo --trainings 5 --training-seconds 2",
    )
    demo.add_argument(
        "--trainings",
        type=int,
        default=5,
        help="how many trainings to start (default 5)",
    )
    demo.add_argument(
        "--training-seconds",
        type=float,
        default=2.0,
        help="how long each training takes (default 2)",
    )
    demo.set_defaults(run=_demo)

    fake = commands.add_parser(
        "fake-server",
        help="serve the fake API until interrupted",
        formatter_class=formatter,
        epilog="example:\n  leonardo-async fake-server --port 8765 --api-key test-key",
    )
    fake.add_argument("--host", default="127.0.0.1")
    fake.add_argument("--port", type=int, default=0, help="0 picks a free port")
    fake.add_argument("--training-seconds", type=float, default=5.0)
    fake.add_argument(
        "--api-key", default=None, help="the key it accepts (default: random)"
    )
    fake.set_defaults(run=_fake_server)

    platform = commands.add_parser(
        "platform-models",
        parents=[common],
        help="list the platform models",
        formatter_class=formatter,
        epilog="example:\n  leonardo-async platform-models --json",
    )
    platform.set_defaults(run=_platform_models)

    models = commands.add_parser("models", help="your custom models")
    actions = models.add_subparsers(dest="action", required=True, metavar="ACTION")
    listing = actions.add_parser(
        "list",
        parents=[common],
        help="list a user's models",
        formatter_class=formatter,
        epilog="example:\n  leonardo-async models list --user USER_ID",
    )
    listing.add_argument("--user", required=True, help="the user's id")
    listing.set_defaults(run=_models_list)

    get = actions.add_parser(
        "get",
        parents=[common],
        help="show one model",
        formatter_class=formatter,
        epilog="example:\n  leonardo-async models get MODEL_ID --json",
    )
    get.add_argument("model_id")
    get.set_defaults(run=_models_get)

    waiting = argparse.ArgumentParser(add_help=False)
    waiting.add_argument(
        "--wait-timeout",
        type=float,
        default=3600.0,
        help="seconds to wait (default 3600)",
    )
    waiting.add_argument(
        "--poll-interval",
        type=float,
        default=5.0,
        help="first pause between polls (default 5)",
    )

    train = actions.add_parser(
        "train",
        parents=[common, waiting],
        help="start a training (costs money)",
        formatter_class=formatter,
        epilog="example:\n  leonardo-async models train --name my-style "
        "--dataset-id DATASET_ID --instance-prompt 'a photo of sks' --wait",
    )
    train.add_argument("--name", required=True)
    train.add_argument("--dataset-id", required=True)
    train.add_argument("--instance-prompt", required=True)
    train.add_argument("--description")
    train.add_argument("--model-type", choices=[t.value for t in CustomModelType])
    train.add_argument("--resolution", type=int, choices=[512, 768])
    train.add_argument(
        "--sd-version", choices=[SdVersion.V1_5.value, SdVersion.V2.value]
    )
    train.add_argument("--strength", choices=[s.value for s in Strength])
    train.add_argument("--nsfw", action="store_true")
    train.add_argument(
        "--wait", action="store_true", help="wait for the training to end"
    )
    train.set_defaults(run=_models_train)

    wait = actions.add_parser(
        "wait",
        parents=[common, waiting],
        help="wait for trainings to end",
        formatter_class=formatter,
        epilog="example:\n  leonardo-async models wait ID1 ID2",
    )
    wait.add_argument("model_ids", nargs="+", metavar="MODEL_ID")
    wait.set_defaults(run=_models_wait)

    delete = actions.add_parser(
        "delete",
        parents=[common],
        help="delete a model",
        formatter_class=formatter,
        epilog="example:\n  leonardo-async models delete MODEL_ID --yes",
    )
    delete.add_argument("model_id")
    delete.add_argument(
        "--yes", action="store_true", help="do not ask for confirmation"
    )
    delete.set_defaults(run=_models_delete)
    return parser


@contextlib.contextmanager
def _reported(stream: TextIO) -> Iterator[list[int]]:
    code = [EXIT_OK]
    try:
        yield code
    except TrainingFailedError as exc:
        print(f"error: {exc}", file=stream)
        code[0] = EXIT_TRAINING_FAILED
    except TrainingTimeoutError as exc:
        print(f"error: {exc}", file=stream)
        code[0] = EXIT_WAIT_TIMEOUT
    except LeonardoError as exc:
        print(f"error: {exc}", file=stream)
        code[0] = EXIT_API_ERROR
    except (UsageError, ValueError, TypeError) as exc:
        print(f"error: {exc}", file=stream)
        code[0] = EXIT_USAGE


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    args = _parser().parse_args(argv)
    run: Callable[[argparse.Namespace], Coroutine[Any, Any, int]] = args.run
    with _reported(sys.stderr) as code:
        if run is _models_delete and not _confirmed(args):
            print("not deleted", file=sys.stderr)
            return EXIT_OK
        try:
            code[0] = asyncio.run(run(args))
        except KeyboardInterrupt:
            waiting = args.command == "models" and args.action in ("train", "wait")
            note = "; the training continues on the server" if waiting else ""
            print(f"interrupted{note}", file=sys.stderr)
            code[0] = EXIT_INTERRUPTED
    return code[0]


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
