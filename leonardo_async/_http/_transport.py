"""The aiohttp seam: one attempt in, status, headers and body out.

``Transport.send`` makes one attempt at a ready ``Request`` and returns the
``Answer`` whatever its status; it never retries and never reads a status.
aiohttp's failures are translated in one place, ``_translated``, into
``APIConnectionError`` / ``APITimeoutError`` raised ``from`` the cause, with
``request_sent=False`` only when the request provably never left.

Whether it left follows from the connection, not from which timer fired: the
session the transport opens has a connector that notes when an attempt gets
its connection, so an attempt whose time runs out before that was not sent,
however small its budget or busy the loop. The same connector gives a create
a fresh connection, never a kept-alive one the server may be closing as the
request arrives (which would leave the outcome unknown). With a borrowed
session neither holds: only aiohttp's connect timeout, which gets 90% of the
budget, proves a request unsent, and a create may go on a kept-alive
connection.
"""

from __future__ import annotations

import asyncio
import contextvars
import functools
import math
import time
import weakref
from typing import Any

import aiohttp
from aiohttp.connector import Connection

from .._errors import APIConnectionError, APITimeoutError
from .._wire import Answer, FileForm, Request, Safety

#: The longest one attempt may spend opening a connection. A connect timeout
#: proves the request was never sent, which makes it safe to retry any request.
CONNECT_TIMEOUT = 10.0
#: The share of an attempt's budget that connecting may take at most.
CONNECT_SHARE = 0.9


def _form_data(form: FileForm) -> aiohttp.FormData:
    # Built afresh for every attempt: aiohttp consumes a FormData when sending.
    data = aiohttp.FormData(quote_fields=False)
    for name, value in form.fields:
        data.add_field(name, value)
    data.add_field(
        "file", form.data, filename=form.filename, content_type=form.content_type
    )
    return data


def _limits(timeout: float, read_timeout: float) -> aiohttp.ClientTimeout:
    """aiohttp's limits for an attempt with ``timeout`` seconds of budget."""
    # A budget over a second is cut to whole hundredths, so that attempts
    # share the limits' object rather than each building its own.
    if timeout > 1.0:
        timeout = math.floor(timeout * 100) / 100
    return _limits_of(timeout, read_timeout)


@functools.lru_cache(maxsize=64)
def _limits_of(timeout: float, read_timeout: float) -> aiohttp.ClientTimeout:
    return aiohttp.ClientTimeout(
        total=timeout,
        # Connecting gets a little less than the whole budget, so that a
        # connection that never opens ends as a connect timeout (provably not
        # sent) rather than as the budget running out (maybe sent).
        sock_connect=min(timeout * CONNECT_SHARE, CONNECT_TIMEOUT),
        # A silence as long as the budget ends the attempt anyway; without
        # the read timer, each answer costs two timers fewer.
        sock_read=read_timeout if read_timeout < timeout else None,
        ceil_threshold=math.inf,
    )


class _Attempt:
    """What the connector learns about one attempt through the own session."""

    __slots__ = ("connected", "fresh")

    def __init__(self, fresh: bool) -> None:
        self.fresh = fresh  # it must not go on a kept-alive connection
        self.connected = False


_ATTEMPT: contextvars.ContextVar[_Attempt | None] = contextvars.ContextVar(
    "leonardo_async_attempt", default=None
)


class _Connector(aiohttp.TCPConnector):
    """A ``TCPConnector`` that tells an attempt when it has its connection,
    and gives a fresh one to an attempt that needs it."""

    def __init__(self, *, limit: int) -> None:
        super().__init__(limit=limit)
        # The protocols handed out so far, by id: a protocol seen again is a
        # kept-alive connection. Weak, so that closed ones leave.
        self._handed_out: dict[int, weakref.ref[object]] = {}

    def _kept_alive(self, connection: Connection) -> bool:
        """Whether ``connection`` was handed out before; notes it if not."""
        protocol = connection.protocol
        if protocol is None:
            return False
        key = id(protocol)
        seen = self._handed_out.get(key)
        if seen is not None and seen() is protocol:
            return True
        handed_out = self._handed_out
        self._handed_out[key] = weakref.ref(
            protocol, lambda gone: handed_out.pop(key, None)
        )
        return False

    async def connect(
        self,
        req: aiohttp.ClientRequest,
        traces: list[Any],
        timeout: aiohttp.ClientTimeout,
    ) -> Connection:
        attempt = _ATTEMPT.get()
        connection = await super().connect(req, traces, timeout)
        if self._kept_alive(connection) and attempt is not None and attempt.fresh:
            connection = await self._fresh(connection, req, traces, timeout)
        if attempt is not None:
            attempt.connected = True
        return connection

    async def _fresh(
        self,
        connection: Connection,
        req: aiohttp.ClientRequest,
        traces: list[Any],
        timeout: aiohttp.ClientTimeout,
    ) -> Connection:
        # Each round closes one kept-alive connection, of which the pool holds
        # at most ``limit``, so a fresh one comes unless other calls keep
        # giving theirs back; the last round takes what it gets.
        for _ in range(self.limit):
            connection.close()
            await asyncio.sleep(0)  # let the socket close before opening another
            connection = await super().connect(req, traces, timeout)
            if not self._kept_alive(connection):
                break
        return connection


class _MaybeReceived(Exception):
    """A send failed after the request may have reached the server."""


async def _no_silent_resend(
    request: aiohttp.ClientRequest, handler: aiohttp.ClientHandlerType
) -> aiohttp.ClientResponse:
    # aiohttp quietly sends a GET or DELETE again when a kept-alive connection
    # turns out to be dead, though the server may have received the first
    # copy. The retry policy must see every attempt (a DELETE that finds the
    # object gone after such an attempt succeeded), so the failure leaves
    # aiohttp as an error its resend loop does not catch.
    try:
        return await handler(request)
    except aiohttp.ClientConnectorError:
        raise
    except (aiohttp.ClientOSError, aiohttp.ServerDisconnectedError) as exc:
        raise _MaybeReceived(str(exc) or type(exc).__name__) from exc


#: What aiohttp (and the socket below it) raise when an attempt fails.
_FAILURES = (aiohttp.ClientError, asyncio.TimeoutError, OSError, _MaybeReceived)


def _translated(
    exc: BaseException, request: Request, timeout: float, connected: bool
) -> Exception:
    """The SDK's error for aiohttp's failure ``exc`` during one attempt.

    ``connected`` is ``False`` only when the attempt provably had no connection.
    """
    method, url = request.method, request.url
    budget_ran_out = isinstance(exc, asyncio.TimeoutError) and not isinstance(
        exc,
        aiohttp.ServerTimeoutError,  # a socket read timeout: it had connected
    )
    if isinstance(exc, aiohttp.ConnectionTimeoutError) or (
        budget_ran_out and not connected
    ):
        return APITimeoutError(
            f"{method} {url}: timed out connecting",
            method=method,
            url=url,
            request_sent=False,
        )
    if isinstance(exc, aiohttp.ClientConnectorError):
        return APIConnectionError(
            f"{method} {url}: could not connect ({exc.os_error or exc})",
            method=method,
            url=url,
            request_sent=False,
        )
    if isinstance(exc, aiohttp.SocketTimeoutError):
        return APITimeoutError(
            f"{method} {url}: the server went silent (nothing received for the "
            "read timeout)",
            method=method,
            url=url,
        )
    if isinstance(exc, asyncio.TimeoutError):
        return APITimeoutError(
            f"{method} {url}: no answer within {timeout:g}s", method=method, url=url
        )
    return APIConnectionError(
        f"{method} {url}: connection failed ({type(exc).__name__}: {exc})",
        method=method,
        url=url,
    )


class Transport:
    """Sends requests through one aiohttp session, opened on first use.

    Args:
        max_connections: The most connections the session it opens may hold.
        session: A caller's session to borrow; it is never closed here, and
            its own middlewares stay in force.
    """

    def __init__(
        self, *, max_connections: int, session: aiohttp.ClientSession | None
    ) -> None:
        self._max_connections = max_connections
        self._borrowed = session
        self._session: aiohttp.ClientSession | None = session
        self._closed = False

    @property
    def closed(self) -> bool:
        """Whether ``aclose`` was called."""
        return self._closed

    def _open_session(self) -> aiohttp.ClientSession:
        # Created on first use, inside the running loop, never at construction.
        if self._closed:
            raise RuntimeError("this LeonardoClient is closed; open a new one")
        self._session = aiohttp.ClientSession(
            connector=_Connector(limit=self._max_connections),
            auto_decompress=True,
        )
        return self._session

    async def send(
        self, request: Request, timeout: float, read_timeout: float
    ) -> Answer:
        """Make one attempt at ``request`` and read the whole answer.

        Args:
            request: What to send.
            timeout: Seconds this attempt may take, connecting and reading
                included; positive.
            read_timeout: Seconds it may go without receiving a byte.

        Returns:
            The answer, whatever its status.

        Raises:
            APIConnectionError: No answer came back.
            APITimeoutError: ``timeout`` ran out, or ``read_timeout`` passed
                in silence.
        """
        session = self._session
        if session is None or self._closed:
            session = self._open_session()
        form = request.form
        # A borrowed session keeps its own middlewares (None: the session's).
        own = request.safety is Safety.DELETING and session is not self._borrowed
        attempt = None
        if session is not self._borrowed:
            attempt = _Attempt(fresh=request.safety is Safety.CREATING)
        token = _ATTEMPT.set(attempt)
        started = time.monotonic()
        try:
            async with session.request(
                request.method,
                request.url,
                headers=request.headers,
                data=request.body if form is None else _form_data(form),
                timeout=_limits(timeout, read_timeout),
                allow_redirects=False,
                middlewares=(_no_silent_resend,) if own else None,
            ) as got:
                body = await got.read()
                return Answer(
                    request.method,
                    request.url,
                    got.status,
                    got.headers,
                    body,
                    time.monotonic() - started,
                )
        except _FAILURES as exc:
            sure = attempt is None or attempt.connected  # borrowed: cannot tell
            raise _translated(exc, request, timeout, sure) from exc
        finally:
            _ATTEMPT.reset(token)

    async def aclose(self) -> None:
        """Close the session if the transport made it; a borrowed one stays open."""
        self._closed = True
        session, self._session = self._session, None
        if session is not None and session is not self._borrowed:
            await session.close()
