"""The User resource: ``client.users``, ``GET /me``."""

from __future__ import annotations

from .._data import User
from .._wire import Answer, field, structure, unfit
from ._base import Caller, ExtraHeaders, ExtraQuery, extras


def _read_user(answer: Answer) -> User:
    details = field(answer, "user_details")
    first = details[0] if isinstance(details, list) and details else None
    user = first.get("user") if isinstance(first, dict) else None
    if not isinstance(first, dict) or not isinstance(user, dict):
        raise unfit(answer, "$.user_details[0].user", "expected the key's user")
    # The API nests the id and name one level down; the SDK's User is flat.
    flat = {**first}
    for key in ("id", "username"):
        if key in user:
            flat[f"user.{key}"] = user[key]
    return structure(
        flat, User, path="$.user_details[0]", status=answer.status, body=answer.body
    )


class Users:
    """The User API: who the key belongs to.

    Reached as ``client.users``; not constructed directly.
    """

    def __init__(self, caller: Caller) -> None:
        self._caller = caller

    async def me(
        self, *, extra_headers: ExtraHeaders = None, extra_query: ExtraQuery = None
    ) -> User:
        """Get the user the API key belongs to (``GET /me``).

        Args:
            extra_headers: Headers to add to the request.
            extra_query: Query parameters to add to the request.

        Returns:
            The user, with its id (what ``list_for_user`` takes) and balances.

        Raises:
            AuthenticationError: The key was refused.
            LeonardoError: The API could not be reached or refused the call.
        """
        return await self._caller.call(
            "GET", "/me", _read_user, options=extras(extra_headers, extra_query)
        )
