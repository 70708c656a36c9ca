"""What every command shares: options, the client, output, and usage errors."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Coroutine, Sequence
from typing import Any, NamedTuple, TextIO

from .._client import LeonardoClient
from ._console import to_jsonable

#: What a command runs: the parsed arguments in, the exit code out.
Run = Callable[[argparse.Namespace], Coroutine[Any, Any, int]]


class UsageError(Exception):
    """A mistake in the command line, reported with exit code 2."""


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
        "--timeout", type=float, default=60.0, help="seconds per call (default 60)"
    )
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
    uploading = argparse.ArgumentParser(add_help=False)
    uploading.add_argument(
        "--concurrency", type=int, default=4, help="uploads at once (default 4)"
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


def client(args: argparse.Namespace) -> LeonardoClient:
    """The client the command line's options describe."""
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
