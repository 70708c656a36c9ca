"""The HTTP transport: the only module that speaks aiohttp.

One call to ``Transport.send`` is one attempt: at most one request reaches the
server. aiohttp's failures are translated here, in one place, into
``APIConnectionError`` / ``APITimeoutError`` raised ``from`` the cause; error
statuses become the ``APIStatusError`` family through ``status_error``.
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import Mapping
from typing import Any, NamedTuple

import aiohttp

from ._errors import APIConnectionError, APITimeoutError, status_error

#: The longest one attempt may spend opening a connection. A connect timeout
#: proves the request was never sent, which makes it safe to retry any request.
CONNECT_TIMEOUT = 10.0
#: The share of an attempt's budget that connecting may take at most.
CONNECT_SHARE = 0.9


class Response:
    """A successful answer, body read."""

    __slots__ = ("body", "headers", "method", "status", "url")

    def __init__(
        self,
        status: int,
        headers: Mapping[str, str],
        body: bytes,
        method: str,
        url: str,
    ) -> None:
        self.status = status
        self.headers = headers
        self.body = body
        self.method = method
        self.url = url


class FileForm(NamedTuple):
    """A multipart form: fields in order, then the file part last.

    Attributes:
        fields: The form fields, sent in this order and unchanged.
        filename: The file part's file name.
        data: The file's bytes.
        content_type: The file part's content type.
    """

    fields: tuple[tuple[str, str], ...]
    filename: str
    data: bytes
    content_type: str


def _form_data(form: FileForm) -> aiohttp.FormData:
    # Built afresh for every attempt: aiohttp consumes a FormData when sending.
    data = aiohttp.FormData(quote_fields=False)
    for name, value in form.fields:
        data.add_field(name, value)
    data.add_field(
        "file", form.data, filename=form.filename, content_type=form.content_type
    )
    return data


class _MaybeReceived(Exception):
    """A send failed after the request may have reached the server."""


async def _refuse_resend(
    request: aiohttp.ClientRequest, handler: aiohttp.ClientHandlerType
) -> aiohttp.ClientResponse:
    # aiohttp quietly sends an idempotent request again when a kept-alive
    # connection turns out to be dead, though the server may have received the
    # first copy. For DELETE the SDK must know which attempt the server saw, so
    # the failure leaves aiohttp as an error its resend loop does not catch.
    try:
        return await handler(request)
    except aiohttp.ClientConnectorError:
        raise
    except (aiohttp.ClientOSError, aiohttp.ServerDisconnectedError) as exc:
        raise _MaybeReceived(str(exc) or type(exc).__name__) from exc


class Transport:
    """Sends requests through one aiohttp session under one concurrency cap.

    Args:
        base_url: The API root, without a trailing slash.
        headers: Headers sent with every request (auth, user agent).
        max_concurrency: The most requests in flight at once.
        session: A caller's session to borrow; it is never closed here.
    """

    def __init__(
        self,
        *,
        base_url: str,
        headers: Mapping[str, str],
        max_concurrency: int,
        session: aiohttp.ClientSession | None,
    ) -> None:
        self.base_url = base_url
        self._headers = dict(headers)
        self._json_headers = {**self._headers, "Content-Type": "application/json"}
        # What goes to a host that is not the API: never the key.
        self._external_headers = {"User-Agent": self._headers.get("User-Agent", "")}
        self._max_concurrency = max_concurrency
        self._semaphore = asyncio.Semaphore(max_concurrency)
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
            connector=aiohttp.TCPConnector(limit=self._max_concurrency),
            auto_decompress=True,
        )
        return self._session

    async def send(
        self,
        method: str,
        path: str,
        *,
        body: bytes | None = None,
        form: FileForm | None = None,
        timeout: float,
        resend_safe: bool = True,
        external: bool = False,
    ) -> Response:
        """Make one attempt at a request and read the whole answer.

        Args:
            method: The HTTP method.
            path: The path below the base URL, starting with ``/``; with
                ``external``, a whole URL.
            body: A JSON body, already encoded.
            form: A multipart form to send instead.
            timeout: Seconds this attempt may take, connecting and reading
                included.
            resend_safe: ``False`` forbids aiohttp's own silent resend on a
                dead kept-alive connection.
            external: The request goes to a host that is not the API (a
                presigned storage URL): it carries no API headers, no key.

        Returns:
            The 2xx response.

        Raises:
            APIStatusError: The server answered with another status.
            APIConnectionError: No usable answer came back.
            APITimeoutError: ``timeout`` ran out.
        """
        session = self._session
        if session is None or self._closed:
            session = self._open_session()
        url = path if external else self.base_url + path
        if external:
            sent_headers = self._external_headers
        else:
            sent_headers = self._headers if body is None else self._json_headers
        options: dict[str, Any] = {"headers": sent_headers, "allow_redirects": False}
        if body is not None:
            options["data"] = body
        elif form is not None:
            options["data"] = _form_data(form)
        if not resend_safe:
            own = getattr(session, "_middlewares", ())
            options["middlewares"] = (*own, _refuse_resend)
        if self._semaphore.locked():
            timeout = await self._wait_for_slot(method, url, timeout)
        else:
            await self._semaphore.acquire()
        # Connecting gets a little less than the whole budget, so that a
        # connection that never opens ends as a connect timeout (provably not
        # sent) rather than as the budget running out (maybe sent). Timeouts
        # are not rounded up to whole seconds, so the order always holds.
        options["timeout"] = aiohttp.ClientTimeout(
            total=timeout,
            sock_connect=min(timeout * CONNECT_SHARE, CONNECT_TIMEOUT),
            ceil_threshold=math.inf,
        )
        try:
            async with session.request(method, url, **options) as answer:
                payload = await answer.read()
                status = answer.status
                headers = answer.headers
        except aiohttp.ConnectionTimeoutError as exc:
            raise APITimeoutError(
                f"{method} {url}: timed out connecting",
                method=method,
                url=url,
                request_sent=False,
            ) from exc
        except aiohttp.ClientConnectorError as exc:
            raise APIConnectionError(
                f"{method} {url}: could not connect ({exc.os_error or exc})",
                method=method,
                url=url,
                request_sent=False,
            ) from exc
        except asyncio.TimeoutError as exc:
            raise APITimeoutError(
                f"{method} {url}: no answer within {timeout:g}s",
                method=method,
                url=url,
            ) from exc
        except (aiohttp.ClientError, OSError, _MaybeReceived) as exc:
            raise APIConnectionError(
                f"{method} {url}: connection failed ({type(exc).__name__}: {exc})",
                method=method,
                url=url,
            ) from exc
        finally:
            self._semaphore.release()
        if 200 <= status < 300:
            return Response(status, headers, payload, method, url)
        raise status_error(status, payload, headers, method=method, url=url)

    async def _wait_for_slot(self, method: str, url: str, timeout: float) -> float:
        # Queueing for a slot is part of the call's budget; only this contended
        # path pays for a timer.
        loop = asyncio.get_running_loop()
        started = loop.time()
        try:
            await asyncio.wait_for(self._semaphore.acquire(), timeout)
        except asyncio.TimeoutError:
            raise APITimeoutError(
                f"{method} {url}: no free concurrency slot within {timeout:g}s",
                method=method,
                url=url,
                request_sent=False,
            ) from None
        return timeout - (loop.time() - started)

    async def aclose(self) -> None:
        """Close the session if the transport made it; a borrowed one stays open."""
        self._closed = True
        session, self._session = self._session, None
        if session is not None and session is not self._borrowed:
            await session.close()
