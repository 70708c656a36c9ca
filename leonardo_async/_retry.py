"""The retry policy: which failures are retried, how long to wait, when to stop.

The first attempt runs bare, so a call that succeeds pays for nothing here.
Only after a retryable failure is a fresh tenacity ``AsyncRetrying`` built for
that one call; it is never shared between calls.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import NamedTuple, TypeVar

from tenacity import AsyncRetrying, RetryCallState, retry_if_exception
from tenacity.wait import wait_random_exponential

from ._errors import (
    MAX_RETRY_AFTER,
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    LeonardoError,
    NotFoundError,
    RateLimitError,
    parse_retry_after,
)
from ._transport import FileForm, Response, Transport

T = TypeVar("T")

logger = logging.getLogger("leonardo_async")

RETRY_STATUSES = frozenset({408, 429, 500, 502, 503, 504})
# Statuses after which the server may have acted on the request.
_AMBIGUOUS_STATUSES = RETRY_STATUSES - {429}

#: Full-jitter exponential backoff: a random wait up to 0.5 s, 1 s, 2 s, ... 8 s.
BACKOFF = wait_random_exponential(multiplier=0.5, max=8.0)


def is_transient(exc: BaseException) -> bool:
    """Whether a GET or DELETE that failed with ``exc`` is worth another try."""
    if isinstance(exc, APIConnectionError):
        return True
    return isinstance(exc, APIStatusError) and exc.status in RETRY_STATUSES


def never_reached_server(exc: BaseException) -> bool:
    """Whether ``exc`` proves the server did not act on the request.

    True for a connection that was never made (refused, DNS, connect timeout)
    and for a 429, the only refusal that is worth another try.
    """
    if isinstance(exc, APIConnectionError):
        return not exc.request_sent
    return isinstance(exc, RateLimitError)


def may_have_reached_server(exc: BaseException) -> bool:
    """Whether the server may have acted on a request that failed with ``exc``."""
    if isinstance(exc, APIConnectionError):
        return exc.request_sent
    return isinstance(exc, APIStatusError) and exc.status in _AMBIGUOUS_STATUSES


def _retry_after(state: RetryCallState) -> float | None:
    failure = state.outcome.exception() if state.outcome else None
    if isinstance(failure, RateLimitError):
        return failure.retry_after
    if isinstance(failure, APIStatusError):
        return parse_retry_after(failure.headers.get("Retry-After"))
    return None


class CallOptions(NamedTuple):
    """How one call is bounded: its budget, its retries, and the clock it reads.

    Attributes:
        timeout: Seconds the whole call may take, retries included.
        max_retries: Attempts after the first.
        clock: Monotonic seconds; the event loop's clock unless a test injects one.
        sleep: Awaited between attempts; ``asyncio.sleep`` unless injected.
    """

    timeout: float
    max_retries: int
    clock: Callable[[], float]
    sleep: Callable[[float], Awaitable[None]]


async def send(
    transport: Transport,
    method: str,
    path: str,
    interpret: Callable[[Response], T],
    options: CallOptions,
    *,
    body: bytes | None = None,
    form: FileForm | None = None,
    external: bool = False,
    retryable: Callable[[BaseException], bool] = is_transient,
    gone: Callable[[], T] | None = None,
) -> T:
    """Send a request under the retry policy and interpret its answer.

    Args:
        transport: Sends one attempt.
        method: The HTTP method.
        path: The path below the base URL.
        interpret: Turns a 2xx response into the result; its exceptions count
            as the attempt's failure.
        options: The call's budget, retries, clock and sleep.
        body: An encoded JSON body.
        form: A multipart form to send instead.
        external: ``path`` is a whole URL of a host that is not the API.
        retryable: Which failures are retried.
        gone: For a DELETE: the result when a retry finds the object gone after
            an attempt that may have deleted it.

    Returns:
        What ``interpret`` (or ``gone``) returned.
    """
    clock = options.clock
    deadline = clock() + options.timeout
    resend_safe = gone is None
    ambiguous = False

    async def attempt() -> T:
        nonlocal ambiguous
        remaining = deadline - clock()
        if remaining <= 0:
            raise APITimeoutError(
                f"{method} {path}: the call's {options.timeout:g}s budget ran out",
                method=method,
                url=path if external else transport.base_url + path,
                request_sent=False,
            )
        try:
            response = await transport.send(
                method,
                path,
                body=body,
                form=form,
                timeout=remaining,
                resend_safe=resend_safe,
                external=external,
            )
            return interpret(response)
        except NotFoundError:
            if gone is not None and ambiguous:
                return gone()
            raise
        except LeonardoError as exc:
            ambiguous = ambiguous or may_have_reached_server(exc)
            raise

    try:
        return await attempt()
    except LeonardoError as exc:
        if options.max_retries <= 0 or not retryable(exc):
            raise
        first_failure: LeonardoError | None = exc

    def wait(state: RetryCallState) -> float:
        asked = _retry_after(state)
        return asked if asked is not None else float(BACKOFF(state))

    def stop(state: RetryCallState) -> bool:
        asked = _retry_after(state)
        return (
            state.attempt_number > options.max_retries
            or (asked is not None and asked > MAX_RETRY_AFTER)
            or clock() + state.upcoming_sleep >= deadline
        )

    def log(state: RetryCallState) -> None:
        failure = state.outcome.exception() if state.outcome else None
        what = (
            f"HTTP {failure.status}"
            if isinstance(failure, APIStatusError)
            else type(failure).__name__
        )
        logger.warning(
            "%s %s failed (%s); retry %d of %d in %.2fs",
            method,
            path,
            what,
            state.attempt_number,
            options.max_retries,
            state.upcoming_sleep,
        )

    retrying = AsyncRetrying(
        sleep=options.sleep,
        stop=stop,
        wait=wait,
        retry=retry_if_exception(retryable),
        before_sleep=log,
        reraise=True,
    )
    async for state in retrying:
        with state:
            if first_failure is not None:
                failure, first_failure = first_failure, None
                raise failure
            return await attempt()
    raise AssertionError("unreachable: tenacity returns or raises")  # pragma: no cover
