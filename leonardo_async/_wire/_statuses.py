"""Reading an error answer: the status-to-class mapping and ``Retry-After``.

Pure functions: an ``Answer`` in, an exception (not raised) or a number out.
"""

from __future__ import annotations

import email.utils
import html
import re
from datetime import datetime, timezone
from http import HTTPStatus
from typing import Any

from .._errors import (
    APIStatusError,
    AuthenticationError,
    BadRequestError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ServerError,
    excerpt,
)
from ._json import loads
from ._request import Answer

_STATUS_CLASSES: dict[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    422: BadRequestError,
    429: RateLimitError,
}

#: The longest ``Retry-After`` the SDK sleeps for; a longer one is raised at once.
MAX_RETRY_AFTER = 60.0


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Read a ``Retry-After`` header: delta seconds or an HTTP date.

    Args:
        value: The header's value, or ``None`` when absent.
        now: The current time, for an HTTP date; defaults to the wall clock.

    Returns:
        Seconds to wait (never negative), or ``None`` when absent or unreadable.
    """
    if value is None:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    now = now or datetime.now(timezone.utc)
    return max(0.0, (when - now).total_seconds())


def status_error(answer: Answer) -> APIStatusError:
    """Build the exception for an error answer; the one status-to-class mapping.

    Args:
        answer: An answer whose status is not a 2xx; its body may be the API's
            JSON ``{"error", "code"}``, storage's XML, or anything else.

    Returns:
        An instance of the most specific ``APIStatusError`` subclass.
    """
    status, body, headers = answer.status, answer.body, answer.headers
    message, code = _read_error_body(body)
    if message is None:
        message = _describe(status, body)
        if status == 404:
            # The API answers an unknown id with 200 and null, never 404.
            message += (
                "; the API itself does not answer 404, so check the base URL "
                "(it usually ends in /api/rest/v1)"
            )
    cls = _STATUS_CLASSES.get(status)
    if cls is None:
        cls = ServerError if status >= 500 else APIStatusError
    kwargs: dict[str, Any] = {
        "status": status,
        "code": code,
        "body": body,
        "headers": headers,
        "method": answer.method,
        "url": answer.url,
    }
    if cls is RateLimitError:
        kwargs["retry_after"] = parse_retry_after(headers.get("Retry-After"))
    return cls(message, **kwargs)


def check_status(answer: Answer) -> Answer:
    """Return a 2xx answer as it is.

    Raises:
        APIStatusError: The status is not a 2xx; the most specific subclass.
    """
    if 200 <= answer.status < 300:
        return answer
    raise status_error(answer)


# S3 answers errors as <Error><Code>...</Code><Message>...</Message></Error>.
_XML_CODE = re.compile(rb"<Code>([^<]*)</Code>")
_XML_MESSAGE = re.compile(rb"<Message>([^<]*)</Message>")


def _read_error_body(body: bytes) -> tuple[str | None, str | None]:
    try:
        data = loads(body)
    except ValueError:
        if b"<Error>" in body:
            return _xml_text(_XML_MESSAGE, body), _xml_text(_XML_CODE, body)
        return None, None
    if not isinstance(data, dict):
        return None, None
    message = data.get("error") or data.get("message")
    code = data.get("code")
    return (
        str(message) if message is not None else None,
        str(code) if code is not None else None,
    )


def _xml_text(pattern: re.Pattern[bytes], body: bytes) -> str | None:
    found = pattern.search(body)
    return html.unescape(found[1].decode("utf-8", "replace")) if found else None


def _describe(status: int, body: bytes) -> str:
    try:
        phrase = HTTPStatus(status).phrase
    except ValueError:
        phrase = "HTTP error"
    return f"{phrase} (body starts {excerpt(body)!r})" if body else phrase
