"""Raw answers: ``client.with_raw_response.<resource>.<operation>(...)``.

A raw call runs the plain operation with a recorder in its context; every
attempt's answer is recorded, and the last one is returned as a
``RawResponse`` whose ``parse()`` gives what the plain call returns. A 200
whose body does not fit is still returned raw; ``parse()`` then raises.
"""

from __future__ import annotations

import contextvars
import functools
from collections.abc import Awaitable, Callable, Mapping
from typing import Generic, ParamSpec, TypeVar

from .._errors import ResponseValidationError
from .._wire import Answer

P = ParamSpec("P")
T = TypeVar("T")


_RECORDER: contextvars.ContextVar[list[Answer] | None] = contextvars.ContextVar(
    "leonardo_async_raw", default=None
)


def record(answer: Answer) -> None:
    """Keep an attempt's answer if a raw call is recording."""
    recorder = _RECORDER.get()
    if recorder is not None:
        recorder.append(answer)


class RawResponse(Generic[T]):
    """An operation's HTTP answer as received, with ``parse()`` for its result.

    Attributes:
        status: The HTTP status.
        headers: The response headers.
        elapsed: Seconds the attempt took, from sending to the last byte.
        method: The request's HTTP method.
        url: The request's URL.
        body: The response body, unchanged.
    """

    __slots__ = (
        "_failure",
        "_result",
        "body",
        "elapsed",
        "headers",
        "method",
        "status",
        "url",
    )

    def __init__(
        self,
        answer: Answer,
        result: T | None = None,
        failure: ResponseValidationError | None = None,
    ) -> None:
        self.status: int = answer.status
        self.headers: Mapping[str, str] = answer.headers
        self.elapsed: float = answer.elapsed
        self.method: str = answer.method
        self.url: str = answer.url
        self.body: bytes = answer.body
        self._result = result
        self._failure = failure

    def parse(self) -> T:
        """What the plain call returns for this answer.

        Raises:
            ResponseValidationError: The body does not fit.
        """
        if self._failure is not None:
            raise self._failure
        return self._result  # type: ignore[return-value]

    def __repr__(self) -> str:
        return f"<RawResponse {self.method} {self.url} -> {self.status}>"


def raw(operation: Callable[P, Awaitable[T]]) -> Callable[P, Awaitable[RawResponse[T]]]:
    """The raw form of an operation: same arguments, a ``RawResponse`` back."""

    @functools.wraps(operation)
    async def call(*args: P.args, **kwargs: P.kwargs) -> RawResponse[T]:
        recorder: list[Answer] = []
        outer = _RECORDER.get()
        token = _RECORDER.set(recorder)
        try:
            result = await operation(*args, **kwargs)
        except ResponseValidationError as exc:
            if not recorder:
                raise
            return RawResponse(recorder[-1], failure=exc)
        finally:
            _RECORDER.reset(token)
            if outer is not None:  # a raw call inside a raw call: both see it
                outer.extend(recorder)
        return RawResponse(recorder[-1], result)

    return call
