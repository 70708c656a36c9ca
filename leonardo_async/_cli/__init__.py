"""The ``leonardo-async`` command: the demo, the fake server, and the real API.

Exit codes: 0 success, 1 an API or connection error, 2 bad usage, 3 a training
or a generation failed, 4 a wait timed out, 5 the price is over
``--max-credits`` (nothing was started), 130 interrupted (a deletion prompt
ended by EOF or Ctrl-C included).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sys
from collections.abc import Iterator, Sequence
from typing import TextIO

from .._errors import (
    BudgetExceededError,
    ImageUploadError,
    JobFailedError,
    LeonardoError,
    WaitTimeoutError,
)
from . import _elements, _generations, _models
from ._common import NotConfirmed, Run, UsageError
from ._parser import build_parser

EXIT_OK = 0
EXIT_API_ERROR = 1
EXIT_USAGE = 2
EXIT_JOB_FAILED = 3
EXIT_WAIT_TIMEOUT = 4
EXIT_OVER_BUDGET = 5
EXIT_INTERRUPTED = 130


def _describe(exc: BaseException) -> str:
    if isinstance(exc, ImageUploadError):
        done = sum(image_id is not None for image_id in exc.uploaded)
        cause = exc.__cause__
        return (
            f"uploading image {exc.failed_index + 1} of {len(exc.uploaded)} failed "
            f"({cause}); {done} were uploaded before it"
        )
    return str(exc)


@contextlib.contextmanager
def _reported(stream: TextIO) -> Iterator[list[int]]:
    code = [EXIT_OK]
    try:
        yield code
    except JobFailedError as exc:
        print(f"error: {exc}", file=stream)
        code[0] = EXIT_JOB_FAILED
    except WaitTimeoutError as exc:
        print(f"error: {exc}", file=stream)
        code[0] = EXIT_WAIT_TIMEOUT
    except BudgetExceededError as exc:
        print(f"error: {exc}", file=stream)
        code[0] = EXIT_OVER_BUDGET
    except LeonardoError as exc:
        print(f"error: {_describe(exc)}", file=stream)
        code[0] = EXIT_API_ERROR
    except (UsageError, ValueError, TypeError, OSError) as exc:
        print(f"error: {exc}", file=stream)
        code[0] = EXIT_USAGE


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    parser = build_parser()
    arguments = sys.argv[1:] if argv is None else list(argv)
    if not arguments:
        parser.print_help()
        return EXIT_OK
    args = parser.parse_args(arguments)
    # The library's retry lines are for applications' logs, not this terminal.
    logging.getLogger("leonardo_async").addHandler(logging.NullHandler())
    run: Run = args.run
    with _reported(sys.stderr) as code:
        try:
            code[0] = asyncio.run(run(args))
        except NotConfirmed as exc:
            print("not deleted", file=sys.stderr)
            code[0] = EXIT_INTERRUPTED if exc.args else EXIT_OK
        except KeyboardInterrupt:
            note = ""
            if run in (*_models.WAITING, *_elements.WAITING):
                note = "; the training continues on the server"
            elif run in _generations.WAITING:
                note = "; the generation continues on the server"
            print(f"interrupted{note}", file=sys.stderr)
            code[0] = EXIT_INTERRUPTED
    return code[0]
