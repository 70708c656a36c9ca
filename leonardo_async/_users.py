"""The User resource: ``client.users``, ``GET /me``."""

from __future__ import annotations

from . import _retry
from ._converter import structure
from ._data import User
from ._envelopes import field
from ._errors import ResponseValidationError
from ._retry import CallOptions
from ._transport import Response, Transport


def _read_user(response: Response) -> User:
    details = field(response, "user_details")
    first = details[0] if isinstance(details, list) and details else None
    user = first.get("user") if isinstance(first, dict) else None
    if not isinstance(first, dict) or not isinstance(user, dict):
        raise ResponseValidationError(
            "expected the key's user",
            path="$.user_details[0].user",
            status=response.status,
            body=response.body,
        )
    # The API nests the id and name one level down; the SDK's User is flat.
    flat = {**first, "id": user.get("id"), "username": user.get("username")}
    return structure(
        flat,
        User,
        path="$.user_details[0]",
        status=response.status,
        body=response.body,
    )


class Users:
    """The User API: who the key belongs to.

    Reached as ``client.users``; not constructed directly.
    """

    def __init__(self, transport: Transport, options: CallOptions) -> None:
        self._transport = transport
        self._options = options

    async def me(self) -> User:
        """Get the user the API key belongs to (``GET /me``).

        Returns:
            The user, with its id (what ``list_for_user`` takes) and balances.

        Raises:
            AuthenticationError: The key was refused.
            LeonardoError: The API could not be reached or refused the call.
        """
        return await _retry.send(
            self._transport, "GET", "/me", _read_user, self._options
        )
