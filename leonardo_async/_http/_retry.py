"""The retry policy: which failures are tried again, how long to wait, when to stop.

One loop serves every request. What it may do follows from the request's
``Safety``:

- ``REPEATABLE``: any transient failure (a connection error, a timeout, 408,
  429, 500, 502, 503, 504) is tried again;
- ``DELETING``: the same, and a retry that finds the object gone (404) after
  an attempt that may have deleted it is the success it looks like;
- ``CREATING``: tried again only when the attempt provably never reached the
  server (not connected, nothing sent, or 429).

Between attempts it sleeps for ``Retry-After`` when the server asked, else for
tenacity's full-jitter exponential backoff. It stops after ``max_retries``
retries, before a sleep that would end past the call's budget, and at once for
a ``Retry-After`` longer than a minute. A call that succeeds at once builds
nothing for any of this.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, NamedTuple, TypeVar

from .._errors import (
    APIConnectionError,
    APIStatusError,
    LeonardoError,
    NotFoundError,
    RateLimitError,
)
from .._wire import MAX_RETRY_AFTER, Answer, Safety, parse_retry_after

if TYPE_CHECKING:
    from tenacity import RetryCallState, Retrying
    from tenacity.wait import wait_base

T = TypeVar("T")

logger = logging.getLogger("leonardo_async")

RETRY_STATUSES = frozenset({408, 429, 500, 502, 503, 504})
# Statuses after which the server may have acted on the request.
_AMBIGUOUS_STATUSES = RETRY_STATUSES - {429}


@functools.cache
def backoff() -> wait_base:
    """Full-jitter exponential backoff: a random wait up to 0.5 s, 1 s, ... 8 s."""
    # tenacity is imported on the first retry, not with the package.
    from tenacity.wait import wait_random_exponential

    return wait_random_exponential(multiplier=0.5, max=8.0)


def backoff_state() -> RetryCallState:
    """A fresh state for calling tenacity's wait strategies directly.

    A wait strategy reads only the attempt number of the state it is given;
    the state needs a retrying object to belong to, which is never run.
    """
    from tenacity import RetryCallState

    return RetryCallState(_never_run(), None, (), {})


@functools.cache
def _never_run() -> Retrying:
    from tenacity import Retrying

    return Retrying()


def is_transient(exc: BaseException) -> bool:
    """Whether a request that failed with ``exc`` is worth another try if safe."""
    if isinstance(exc, APIConnectionError):
        return True
    return isinstance(exc, APIStatusError) and exc.status in RETRY_STATUSES


def never_reached_server(exc: BaseException) -> bool:
    """Whether ``exc`` proves the server did not act on the request.

    True for a request that was never sent (refused, DNS, connect timeout, no
    slot in time) and for a 429, the only refusal worth another try.
    """
    if isinstance(exc, APIConnectionError):
        return not exc.request_sent
    return isinstance(exc, RateLimitError)


def may_have_reached_server(exc: BaseException) -> bool:
    """Whether the server may have acted on a request that failed with ``exc``."""
    if isinstance(exc, APIConnectionError):
        return exc.request_sent
    return isinstance(exc, APIStatusError) and exc.status in _AMBIGUOUS_STATUSES


def worth_retrying(exc: BaseException, safety: Safety) -> bool:
    """Whether a request of this safety that failed with ``exc`` may go again."""
    if safety is Safety.CREATING:
        return never_reached_server(exc)
    return is_transient(exc)


class Policy(NamedTuple):
    """How one call is bounded: its budget, its retries, and the clock it reads.

    Attributes:
        timeout: Seconds the whole call may take, retries included.
        read_timeout: Seconds one attempt may go without receiving a byte.
        max_retries: Attempts after the first.
        clock: Monotonic seconds (``time.monotonic`` unless a test injects one).
        sleep: Awaited between attempts (``asyncio.sleep`` unless injected).
    """

    timeout: float
    read_timeout: float
    max_retries: int
    clock: Callable[[], float]
    sleep: Callable[[float], Awaitable[None]]


def _asked_delay(exc: LeonardoError) -> float | None:
    if isinstance(exc, RateLimitError):
        return exc.retry_after
    if isinstance(exc, APIStatusError):
        return parse_retry_after(exc.headers.get("Retry-After"))
    return None


def _describe(exc: LeonardoError) -> str:
    return (
        f"HTTP {exc.status}" if isinstance(exc, APIStatusError) else type(exc).__name__
    )


async def run(
    send: Callable[[float], Awaitable[Answer]],
    read: Callable[[Answer], T],
    policy: Policy,
    safety: Safety,
    *,
    label: str,
    gone: Callable[[], T] | None = None,
) -> T:
    """Make attempts until one succeeds or the policy says stop.

    Args:
        send: Makes one attempt, given the call's deadline on ``policy.clock``.
        read: Turns an answer (any status) into the result, or raises; its
            ``LeonardoError``, like ``send``'s, is the attempt's failure.
        policy: The call's budget, retries, clock and sleep.
        safety: What sending the request again could do.
        label: ``METHOD path``, for the log line of each retry.
        gone: With ``DELETING``: the result when a retry finds the object
            gone after an attempt that may have deleted it.

    Returns:
        What the successful attempt (or ``gone``) returned.

    Raises:
        LeonardoError: The last attempt's failure.
    """
    deadline = policy.clock() + policy.timeout
    state: RetryCallState | None = None
    maybe_done = False
    while True:
        try:
            return read(await send(deadline))
        except NotFoundError:
            if gone is not None and maybe_done:
                return gone()
            raise
        except LeonardoError as exc:
            maybe_done = maybe_done or may_have_reached_server(exc)
            if not worth_retrying(exc, safety):
                raise
            state = state or backoff_state()
            asked = _asked_delay(exc)
            delay = float(backoff()(state)) if asked is None else asked
            if (
                state.attempt_number > policy.max_retries
                or delay > MAX_RETRY_AFTER
                or policy.clock() + delay >= deadline
            ):
                raise
            logger.warning(
                "%s failed (%s); retry %d of %d in %.2fs",
                label,
                _describe(exc),
                state.attempt_number,
                policy.max_retries,
                delay,
            )
            await policy.sleep(delay)
            state.attempt_number += 1
