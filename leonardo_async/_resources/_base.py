"""What every resource calls through: one ``Caller`` per client configuration.

A resource states its operations: the method and path, how to read the
answer (an envelope reader from ``_wire``), and the arguments it checks. The
caller builds the request, sends each attempt in a concurrency slot under the
retry policy, records it for raw calls, and reads the answer.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Awaitable, Callable, Coroutine, Mapping
from typing import Any, TypeVar

from .._errors import LeonardoError, ResponseValidationError
from .._http import Policy, Slots, Transport, may_have_reached_server, run, send_within
from .._wire import (
    NO_EXTRAS,
    Answer,
    Extras,
    FileForm,
    Safety,
    build_request,
    check_status,
)
from ._raw import record
from ._reconcile import LOOKUP_TIMEOUT

T = TypeVar("T")
C = TypeVar("C")

#: The types of the per-call options every operation takes.
ExtraHeaders = Mapping[str, str] | None
ExtraQuery = Mapping[str, object] | None
ExtraBody = Mapping[str, Any] | None

_SAFETY = {"GET": Safety.REPEATABLE, "DELETE": Safety.DELETING, "POST": Safety.CREATING}


def extras(
    headers: ExtraHeaders = None, query: ExtraQuery = None, body: ExtraBody = None
) -> Extras:
    """The per-call options of one operation call."""
    if headers is None and query is None and body is None:
        return NO_EXTRAS
    return Extras(headers, query, body)


class Caller:
    """Makes the calls of every resource of one client configuration.

    Args:
        transport: Sends one attempt.
        slots: The concurrency cap, shared by every copy of the client.
        base_url: The API root.
        headers: Sent with every API request (auth, accept, user agent).
        policy: The budget, retries, clock and sleep of each call.
    """

    def __init__(
        self,
        transport: Transport,
        slots: Slots,
        base_url: str,
        headers: Mapping[str, str],
        policy: Policy,
    ) -> None:
        self.transport = transport
        self.slots = slots
        self.base_url = base_url
        self.headers = headers
        self.policy = policy
        self._json_headers = {**headers, "Content-Type": "application/json"}
        # What goes to a host that is not the API: never the key.
        self._external_headers = {"User-Agent": headers.get("User-Agent", "")}

    def with_policy(self, policy: Policy) -> Caller:
        """A caller sharing this one's transport and slots, with another policy."""
        return Caller(self.transport, self.slots, self.base_url, self.headers, policy)

    def call(
        self,
        method: str,
        path: str,
        read: Callable[[Answer], T],
        *,
        json: Mapping[str, Any] | None = None,
        form: FileForm | None = None,
        options: Extras = NO_EXTRAS,
        external: bool = False,
        safety: Safety | None = None,
        gone: Callable[[], T] | None = None,
    ) -> Coroutine[Any, Any, T]:
        """Make one call: build, send (retrying as its safety allows), read.

        The request is built, and the options checked, before this returns;
        the coroutine it returns sends it. (Not a coroutine itself: one frame
        fewer on every wake-up of every request.)

        Args:
            method: The HTTP method.
            path: The path below the API root; with ``external``, a whole URL.
            read: Turns a 2xx answer into the result.
            json: The JSON body's fields.
            form: A multipart form to send instead.
            options: The caller's per-call options (API requests only).
            external: The request goes to a host that is not the API (a
                presigned storage URL): no API headers, no key.
            safety: What sending it again could do; by default from the method
                (GET repeatable, DELETE deleting, POST creating).
            gone: For a DELETE, the result when a retry finds the object gone.

        Raises:
            TypeError: An option has the wrong type.
            ValueError: An option would override what the SDK sets.
            LeonardoError: The call failed.
        """
        headers: Mapping[str, str]
        if external:
            url, headers = path, self._external_headers
        else:
            url = self.base_url + path
            headers = self.headers if json is None else self._json_headers
        request = build_request(
            method,
            url,
            headers,
            safety or _SAFETY[method],
            json_body=json,
            form=form,
            extras=options,
        )
        policy = self.policy

        def read_answer(answer: Answer) -> T:
            record(answer)
            return read(check_status(answer))

        send = functools.partial(
            send_within, self.transport, self.slots, request, policy
        )
        return run(
            send,
            read_answer,
            policy,
            request.safety,
            label=f"{method} {path}",
            gone=gone,
        )

    def quick(self) -> Caller:
        """A caller for the look-up after an unknown outcome (two requests).

        The two share at most ``min(timeout, LOOKUP_TIMEOUT)``: that is how
        much longer than its ``timeout`` a create whose answer was lost takes.
        """
        timeout = min(self.policy.timeout, LOOKUP_TIMEOUT) / 2
        return self.with_policy(self.policy._replace(timeout=timeout))

    async def create(
        self,
        path: str,
        read: Callable[[Answer], T],
        unknown: Callable[[LeonardoError, list[Any]], LeonardoError],
        *,
        json: Mapping[str, Any],
        options: Extras = NO_EXTRAS,
        find: Callable[[float], Awaitable[list[C]]] | None = None,
        recover: Callable[[C], T] | None = None,
    ) -> T:
        """POST something that costs money, never twice.

        The outcome is unknown when the request may have reached the server
        and no usable answer came back: none, a 5xx, or a 200 without the new
        object's id. Then ``find(sent)`` looks for what it made (``sent``:
        when it was sent, wall-clock seconds): exactly one candidate is
        returned as ``recover(candidate)``; otherwise the error is
        ``unknown(cause, candidates)``.
        """
        sent = time.time()
        try:
            return await self.call("POST", path, read, json=json, options=options)
        except LeonardoError as exc:
            if not (
                isinstance(exc, ResponseValidationError) or may_have_reached_server(exc)
            ):
                raise
            candidates = [] if find is None else await find(sent)
            if recover is not None and len(candidates) == 1:
                return recover(candidates[0])
            raise unknown(exc, list(candidates)) from exc
