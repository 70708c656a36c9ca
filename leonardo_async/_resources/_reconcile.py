"""Finding what a create made when its answer was lost.

After a create whose outcome is unknown, the SDK looks in the user's list
for what it would have made: the same name (or prompt), created after the
request was sent by the server's clock. The server's clock is estimated from
the ``Date`` header of the list's own answer: that header is whole seconds,
cut down, so the estimate is a lower bound, and an object the request made
is never missed because of it. An object without a creation time is no
match.
"""

from __future__ import annotations

import email.utils
from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime, timezone
from typing import Protocol, TypeVar

from .._errors import LeonardoError
from ._raw import raw

#: Seconds the look-up may take at most (or the call's ``timeout``, if less):
#: it follows a failure, and the caller is waiting to hear what happened.
LOOKUP_TIMEOUT = 5.0


class Created(Protocol):
    """What the look-up reads of a listed object."""

    @property
    def created_at(self) -> datetime | None: ...


C = TypeVar("C", bound=Created)


def server_offset(headers: Mapping[str, str], received: float) -> float:
    """Server clock minus ours, at most: from a ``Date`` header; 0 without one."""
    value = headers.get("Date")
    if not value:
        return 0.0
    try:
        stamped = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return 0.0
    if stamped.tzinfo is None:
        stamped = stamped.replace(tzinfo=timezone.utc)
    return stamped.timestamp() - received


async def created_since(
    listing: Callable[[], Awaitable[list[C]]],
    matches: Callable[[C], bool],
    sent: float,
    clock: Callable[[], float],
) -> list[C]:
    """The listed objects that ``matches`` and were created after ``sent``.

    Args:
        listing: Reads the user's objects.
        matches: Whether one is what the create would have made.
        sent: When the create was sent, on ``clock`` (wall-clock seconds).
        clock: The wall clock (``time.time``).

    Returns:
        The candidates; none when the look-up itself failed.
    """
    try:
        answer = await raw(listing)()
        received = clock()
        found = answer.parse()
    except LeonardoError:
        return []
    since = datetime.fromtimestamp(
        sent + server_offset(answer.headers, received), timezone.utc
    )
    return [
        item
        for item in found
        if matches(item) and item.created_at is not None and item.created_at >= since
    ]
