"""What goes over the wire: requests built from arguments, answers as received.

Building a request is pure: the caller's per-call options (``extra_headers``,
``extra_query``, ``extra_body``) are checked and merged here, before anything
is sent, so a mistake in them is a ``ValueError`` or ``TypeError`` that names
the argument.
"""

from __future__ import annotations

import enum
import json
from collections.abc import Mapping
from typing import Any, NamedTuple
from urllib.parse import urlencode

#: The headers a caller may not replace through ``extra_headers``.
PROTECTED_HEADERS = frozenset({"authorization"})


class Safety(enum.Enum):
    """What sending a request again could do; the retry policy follows from it.

    Attributes:
        REPEATABLE: Sending it twice does no harm (a GET, a presigned upload to
            one storage key): any transient failure is retried.
        DELETING: A DELETE: retried like a read, and a retry that finds the
            object gone after an attempt that may have deleted it succeeds.
        CREATING: It creates something, maybe at a cost: sent again only when
            the first attempt provably never reached the server (or got 429).
    """

    REPEATABLE = "repeatable"
    DELETING = "deleting"
    CREATING = "creating"


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


class Request(NamedTuple):
    """One request, ready to send as it is, any number of times.

    Attributes:
        method: The HTTP method.
        url: The whole URL, query included.
        headers: Every header to send.
        safety: What sending it again could do.
        body: A JSON body, encoded.
        form: A multipart form to send instead of ``body``.
    """

    method: str
    url: str
    headers: Mapping[str, str]
    safety: Safety
    body: bytes | None = None
    form: FileForm | None = None


class Answer(NamedTuple):
    """What came back for one attempt: status, headers and the whole body.

    Attributes:
        method: The request's method.
        url: The request's URL.
        status: The HTTP status.
        headers: The response headers.
        body: The response body.
        elapsed: Seconds from sending to the last byte of the body.
    """

    method: str
    url: str
    status: int
    headers: Mapping[str, str]
    body: bytes
    elapsed: float = 0.0


class Extras(NamedTuple):
    """A caller's per-call additions to a request.

    Attributes:
        headers: ``extra_headers``: headers to add or replace (not the key's).
        query: ``extra_query``: query parameters to add.
        body: ``extra_body``: JSON fields to add to the body.
    """

    headers: Mapping[str, str] | None = None
    query: Mapping[str, object] | None = None
    body: Mapping[str, Any] | None = None


NO_EXTRAS = Extras()


def _mapping(value: object, argument: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise TypeError(f"{argument} must be a mapping, not {type(value).__name__}")
    for key in value:
        if not isinstance(key, str):
            raise TypeError(f"{argument} keys must be str, not {type(key).__name__}")
    return value


def merge_headers(
    headers: Mapping[str, str], extra: Mapping[str, str] | None
) -> Mapping[str, str]:
    """The headers with the caller's ``extra_headers`` applied.

    Raises:
        TypeError: ``extra`` is not a mapping of strings.
        ValueError: ``extra`` tries to set the key's header.
    """
    if extra is None:
        return headers
    for name, value in _mapping(extra, "extra_headers").items():
        if name.lower() in PROTECTED_HEADERS:
            raise ValueError(f"extra_headers cannot set {name!r}: the client sets it")
        if not isinstance(value, str):
            raise TypeError(
                f"extra_headers[{name!r}] must be a str, not {type(value).__name__}"
            )
    merged = {k: v for k, v in headers.items() if k.lower() not in _lower(extra)}
    merged.update(extra)
    return merged


def _lower(names: Mapping[str, str]) -> set[str]:
    return {name.lower() for name in names}


def add_query(url: str, extra: Mapping[str, object] | None) -> str:
    """The URL with the caller's ``extra_query`` appended.

    Raises:
        TypeError: ``extra`` is not a mapping of str, int, float or bool values.
    """
    if extra is None:
        return url
    for name, value in _mapping(extra, "extra_query").items():
        if not isinstance(value, (str, int, float)):
            raise TypeError(
                f"extra_query[{name!r}] must be a str or a number, "
                f"not {type(value).__name__}"
            )
    if not extra:
        return url
    query = urlencode(
        {k: str(v).lower() if isinstance(v, bool) else v for k, v in extra.items()}
    )
    return f"{url}{'&' if '?' in url else '?'}{query}"


def encode_body(body: Mapping[str, Any], extra: Mapping[str, Any] | None) -> bytes:
    """Encode a JSON body with the caller's ``extra_body`` merged in.

    Raises:
        TypeError: ``extra`` is not a mapping, or is not JSON-serializable.
        ValueError: ``extra`` sets a field that the SDK sets from an argument.
    """
    if extra is not None:
        clash = sorted(set(_mapping(extra, "extra_body")) & set(body))
        if clash:
            raise ValueError(
                f"extra_body sets {', '.join(map(repr, clash))}, which the SDK "
                "already sets from an argument; pass the argument instead"
            )
        body = {**body, **extra}
    try:
        return json.dumps(body, allow_nan=False).encode()
    except (TypeError, ValueError) as exc:
        raise TypeError(f"extra_body cannot be sent as JSON: {exc}") from None


def build_request(
    method: str,
    url: str,
    headers: Mapping[str, str],
    safety: Safety,
    *,
    json_body: Mapping[str, Any] | None = None,
    form: FileForm | None = None,
    extras: Extras = NO_EXTRAS,
) -> Request:
    """Build a request, the caller's extras checked and merged.

    Args:
        method: The HTTP method.
        url: The whole URL, without a query.
        headers: The client's headers for this request.
        safety: What sending it again could do.
        json_body: The body's fields, for a request that sends JSON.
        form: A multipart form, for an upload.
        extras: The caller's per-call options.

    Raises:
        TypeError: An extra has the wrong type.
        ValueError: An extra would override what the SDK sets.
    """
    if extras is NO_EXTRAS:
        body = None if json_body is None else encode_body(json_body, None)
        return Request(method, url, headers, safety, body, form)
    if json_body is None and extras.body is not None:
        raise TypeError("extra_body needs a request with a JSON body")
    headers = merge_headers(headers, extras.headers)
    body = None if json_body is None else encode_body(json_body, extras.body)
    return Request(method, add_query(url, extras.query), headers, safety, body, form)
