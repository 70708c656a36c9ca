"""The ``leonardo-async`` command: the demo, the fake server, and the real API.

Exit codes: 0 success, 1 an API or connection error, 2 bad usage, 3 a training
failed, 4 a wait timed out, 130 interrupted.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import sys
from collections.abc import Iterator, Sequence
from typing import TextIO

from .._errors import LeonardoError, TrainingFailedError, TrainingTimeoutError
from . import _datasets, _models
from ._common import Run, UsageError
from ._parser import build_parser

EXIT_OK = 0
EXIT_API_ERROR = 1
EXIT_USAGE = 2
EXIT_TRAINING_FAILED = 3
EXIT_WAIT_TIMEOUT = 4
EXIT_INTERRUPTED = 130

_DELETING = {**_models.DELETING, **_datasets.DELETING}


def _confirmed(args: argparse.Namespace) -> bool:
    what, argument = _DELETING[args.run]
    if args.yes:
        return True
    if not sys.stdin.isatty():
        raise UsageError("refusing to delete without confirmation: pass --yes")
    target = getattr(args, argument)
    answer = input(f"Delete {what} {target}? This cannot be undone. [y/N] ")
    return answer.strip().lower() in ("y", "yes")


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
    except (UsageError, ValueError, TypeError, OSError) as exc:
        print(f"error: {exc}", file=stream)
        code[0] = EXIT_USAGE


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    args = build_parser().parse_args(argv)
    run: Run = args.run
    with _reported(sys.stderr) as code:
        if run in _DELETING and not _confirmed(args):
            print("not deleted", file=sys.stderr)
            return EXIT_OK
        try:
            code[0] = asyncio.run(run(args))
        except KeyboardInterrupt:
            waiting = run in _models.WAITING
            note = "; the training continues on the server" if waiting else ""
            print(f"interrupted{note}", file=sys.stderr)
            code[0] = EXIT_INTERRUPTED
    return code[0]
