"""Reading the API's answer envelopes: the key that holds the payload.

Every answer is a JSON object with one key (``custom_models_by_pk``,
``insert_datasets_one``, ...). A ``*_by_pk`` key that is ``null`` means the id
is unknown: the API says so with HTTP 200.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from ._converter import decode_json, structure
from ._errors import NotFoundError, ResponseValidationError
from ._transport import Response

T = TypeVar("T")


def field(response: Response, key: str) -> Any:
    """The value under ``key`` in the answer's JSON object (``None`` if absent).

    Raises:
        ResponseValidationError: The body is not a JSON object.
    """
    data = decode_json(response.body, status=response.status)
    if not isinstance(data, dict):
        raise ResponseValidationError(
            f"expected a JSON object, got {type(data).__name__}",
            path="$",
            status=response.status,
            body=response.body,
        )
    return data.get(key)


def by_pk(response: Response, key: str, what: str) -> Any:
    """The value under a ``*_by_pk`` key; ``null`` is a ``NotFoundError``."""
    value = field(response, key)
    if value is None:
        raise NotFoundError(
            f"no {what} with this id ({key} is null)",
            status=response.status,
            body=response.body,
            headers=response.headers,
            method=response.method,
            url=response.url,
        )
    return value


def required(response: Response, key: str) -> Any:
    """The value under ``key``, which must be a JSON object.

    Raises:
        ResponseValidationError: It is missing, ``null`` or not an object.
    """
    value = field(response, key)
    if not isinstance(value, dict):
        raise ResponseValidationError(
            f"expected a JSON object, got {type(value).__name__}",
            path=f"$.{key}",
            status=response.status,
            body=response.body,
        )
    return value


def object_reader(
    key: str, cls: type[T], *, not_found: str | None = None
) -> Callable[[Response], T]:
    """A reader of the object under ``key``, structured as ``cls``.

    Args:
        key: The envelope's key (``sdTrainingJob``, ``datasets_by_pk``, ...).
        cls: The data class to build.
        not_found: What the key's id names, for a ``*_by_pk`` key whose
            ``null`` is a ``NotFoundError``; without it, ``null`` does not fit.
    """

    def read(response: Response) -> T:
        value = by_pk(response, key, not_found) if not_found else field(response, key)
        return structure(
            value, cls, path=f"$.{key}", status=response.status, body=response.body
        )

    return read


def list_reader(key: str, cls: type[T]) -> Callable[[Response], list[T]]:
    """A reader of the list under ``key``, each item structured as ``cls``.

    A ``null`` list is an empty one; ``null`` items (the spec allows them)
    describe nothing and are skipped.
    """

    def read(response: Response) -> list[T]:
        items = field(response, key)
        if items is None:
            return []
        if isinstance(items, list):
            items = [item for item in items if item is not None]
        return structure(
            items,
            list[cls],  # type: ignore[valid-type]
            path=f"$.{key}",
            status=response.status,
            body=response.body,
        )

    return read


def id_reader(key: str, *, not_found: str | None = None) -> Callable[[Response], str]:
    """A reader of the ``id`` in the object under ``key``.

    Args:
        key: The envelope's key (``insert_datasets_one``, ...).
        not_found: What the id names, for a ``*_by_pk`` key whose ``null``
            is a ``NotFoundError``; without it, ``null`` does not fit.
    """

    def read(response: Response) -> str:
        value = (
            by_pk(response, key, not_found) if not_found else required(response, key)
        )
        return structure(
            value.get("id") if isinstance(value, dict) else value,
            str,
            path=f"$.{key}.id",
            status=response.status,
            body=response.body,
        )

    return read
