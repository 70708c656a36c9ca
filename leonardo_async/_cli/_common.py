"""What every command shares: options, the client, output, and usage errors."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import sys
from collections.abc import Awaitable, Callable, Coroutine, Sequence
from typing import Any, NamedTuple, TextIO, TypeVar

from .._client import LeonardoClient
from ._console import to_jsonable

Id = TypeVar("Id", str, int)  # an object's id: a UUID string, or an element's int

#: What a command runs: the parsed arguments in, the exit code out.
Run = Callable[[argparse.Namespace], Coroutine[Any, Any, int]]


class UsageError(Exception):
    """A mistake in the command line, reported with exit code 2."""


class NotConfirmed(Exception):
    """The user did not confirm a deletion; nothing was done."""


async def read_line(prompt: str) -> str:
    """Show ``prompt`` and read a line from standard input, in the event loop.

    Not ``input()``: a Ctrl-C that reaches another thread (aiohttp resolves
    names in threads) would leave it blocked in a read. While it waits, the
    loop itself takes SIGINT (woken through its own pipe, from any thread)
    and ends the prompt; the previous handler comes back after.

    Raises:
        EOFError: The input ended.
        KeyboardInterrupt: Ctrl-C.
    """
    loop = asyncio.get_running_loop()
    line: asyncio.Future[str | None] = loop.create_future()
    fd = sys.stdin.fileno()

    def settle(text: str | None) -> None:
        if not line.done():
            line.set_result(text)

    previous = signal.getsignal(signal.SIGINT)
    loop.add_reader(fd, lambda: settle(sys.stdin.readline()))
    loop.add_signal_handler(signal.SIGINT, settle, None)
    print(prompt, end="", flush=True)  # only now: a Ctrl-C from here on is ours
    try:
        text = await line
    finally:
        loop.remove_reader(fd)
        loop.remove_signal_handler(signal.SIGINT)
        signal.signal(signal.SIGINT, previous)
    if text is None:
        raise KeyboardInterrupt
    if not text:
        raise EOFError
    return text


async def confirm(what: str) -> None:
    """Ask before deleting ``what``; only "y" or "yes" goes on.

    Raises:
        UsageError: Standard input is not a terminal (pass ``--yes``).
        NotConfirmed: Any other answer, or the input ended (EOF, Ctrl-C).
    """
    if not sys.stdin.isatty():
        raise UsageError("refusing to delete without confirmation: pass --yes")
    try:
        answer = await read_line(f"Delete {what}? This cannot be undone. [y/N] ")
    except (EOFError, KeyboardInterrupt):
        print(file=sys.stderr)
        raise NotConfirmed("the prompt was ended") from None
    if answer.strip().lower() not in ("y", "yes"):
        raise NotConfirmed


def _number(kind: Callable[[str], float], text: str) -> float:
    try:
        value = kind(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if value != value or value in (float("inf"), float("-inf")):
        raise argparse.ArgumentTypeError(f"not a finite number: {text!r}")
    return value


def positive(text: str) -> float:
    """An option's value: a number above zero."""
    value = _number(float, text)
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be above 0, got {text}")
    return value


def not_negative(text: str) -> float:
    """An option's value: a number of at least zero."""
    value = _number(float, text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"must not be negative, got {text}")
    return value


def at_least_one(text: str) -> int:
    """An option's value: a whole number of at least 1."""
    value = int(_number(int, text))
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {text}")
    return value


def port(text: str) -> int:
    """An option's value: a TCP port, or 0 for a free one."""
    value = int(_number(int, text))
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"must be a port from 0 to 65535, got {text}")
    return value


class Parents(NamedTuple):
    """The option groups commands take (``argparse`` parent parsers).

    Attributes:
        common: ``--json``, ``--base-url``, ``--timeout``.
        waiting: ``--wait-timeout``, ``--poll-interval``.
        uploading: ``--concurrency``.
    """

    common: argparse.ArgumentParser
    waiting: argparse.ArgumentParser
    uploading: argparse.ArgumentParser


def parents() -> Parents:
    """Build the option groups."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--json", action="store_true", help="print one JSON document")
    common.add_argument(
        "--base-url", help="the API root (default: LEONARDO_BASE_URL, else production)"
    )
    common.add_argument(
        "--timeout", type=positive, default=60.0, help="seconds per call (default 60)"
    )
    waiting = argparse.ArgumentParser(add_help=False)
    waiting.add_argument(
        "--wait-timeout",
        type=positive,
        default=3600.0,
        help="seconds to wait (default 3600)",
    )
    waiting.add_argument(
        "--poll-interval",
        type=positive,
        default=5.0,
        help="first pause between polls (default 5)",
    )
    uploading = argparse.ArgumentParser(add_help=False)
    uploading.add_argument(
        "--concurrency",
        type=at_least_one,
        default=4,
        help="uploads at once (default 4)",
    )
    return Parents(common, waiting, uploading)


def command(
    commands: Any,
    name: str,
    run: Run,
    help_text: str,
    example: str,
    parents: Sequence[argparse.ArgumentParser] = (),
) -> argparse.ArgumentParser:
    """Add one command (or one action of a group) with its example."""
    parser: argparse.ArgumentParser = commands.add_parser(
        name,
        parents=list(parents),
        help=help_text,
        description=help_text,
        epilog=f"example:\n  {example}",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.set_defaults(run=run)
    return parser


async def delete_confirmed(
    args: argparse.Namespace,
    what: str,
    object_id: Id,
    get: Callable[[Id], Awaitable[Any]],
    delete: Callable[[Id], Awaitable[object]],
    label: Callable[[Any], str | None] = lambda found: found.name,
) -> int:
    """Delete one object, after a prompt that names it unless ``--yes``."""
    if not args.yes:
        found = await get(object_id)
        await confirm(f"{what} {label(found)!r} ({found.id})")
    deleted = await delete(object_id)
    emit(args, {"deleted": deleted}, lambda: f"deleted {what} {deleted}")
    return 0


def client(args: argparse.Namespace) -> LeonardoClient:
    """The client the command line's options describe.

    Raises:
        UsageError: No key is set (said for a shell, not for Python).
    """
    if not os.environ.get("LEONARDO_API_KEY", "").strip():
        raise UsageError(
            "no API key: set the LEONARDO_API_KEY environment variable "
            "(`leonardo-async fake-server` prints lines to paste for a local fake)"
        )
    return LeonardoClient(base_url=args.base_url, timeout=args.timeout)


def emit(args: argparse.Namespace, value: Any, human: Callable[[], str]) -> None:
    """Print ``value`` as JSON with ``--json``, else as ``human()`` says."""
    if args.json:
        print(json.dumps(to_jsonable(value), indent=2))
    else:
        print(human())


def progress_stream(args: argparse.Namespace) -> tuple[TextIO, bool]:
    """Where progress goes, and whether it may be live."""
    # With --json, stdout holds the one JSON document; progress goes to stderr.
    if args.json:
        return sys.stderr, False
    return sys.stdout, sys.stdout.isatty()
