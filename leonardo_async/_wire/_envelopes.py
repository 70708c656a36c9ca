"""Reading the API's answer envelopes: the key that holds the payload.

Every answer is a JSON object with one key (``custom_models_by_pk``,
``insert_datasets_one``, ...). An answer without that key does not fit. A
``*_by_pk`` key that is ``null`` means the id is unknown: the API says so with
HTTP 200.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from .._errors import NotFoundError, ResponseValidationError
from ._converter import json_type, structure
from ._json import loads
from ._request import Answer

T = TypeVar("T")
K = TypeVar("K", str, int)


def unfit(answer: Answer, path: str, problem: str) -> ResponseValidationError:
    """The error for an answer whose body does not fit at ``path``."""
    return ResponseValidationError(
        problem, path=path, status=answer.status, body=answer.body
    )


def field(answer: Answer, key: str) -> Any:
    """The value under ``key`` in the answer's JSON object.

    Raises:
        ResponseValidationError: The body is not a JSON object with ``key``.
    """
    try:
        data = loads(answer.body)
    except ValueError as exc:
        raise unfit(answer, "$", f"not JSON ({exc})") from None
    if not isinstance(data, dict):
        raise unfit(answer, "$", f"expected an object, got {json_type(data)}")
    try:
        return data[key]
    except KeyError:
        raise unfit(answer, f"$.{key}", "missing") from None


def by_pk(answer: Answer, key: str, what: str) -> Any:
    """The value under a ``*_by_pk`` key; ``null`` is a ``NotFoundError``."""
    value = field(answer, key)
    if value is None:
        raise NotFoundError(
            f"no {what} with this id",
            status=answer.status,
            body=answer.body,
            headers=answer.headers,
            method=answer.method,
            url=answer.url,
        )
    return value


def object_reader(
    key: str, cls: type[T], *, not_found: str | None = None
) -> Callable[[Answer], T]:
    """A reader of the object under ``key``, structured as ``cls``.

    Args:
        key: The envelope's key (``sdTrainingJob``, ``datasets_by_pk``, ...).
        cls: The data class to build.
        not_found: What the key's id names, for a ``*_by_pk`` key whose
            ``null`` is a ``NotFoundError``; without it, ``null`` does not fit.
    """
    path = f"$.{key}"

    def read(answer: Answer) -> T:
        value = by_pk(answer, key, not_found) if not_found else field(answer, key)
        return structure(value, cls, path=path, status=answer.status, body=answer.body)

    return read


def list_reader(key: str, cls: type[T]) -> Callable[[Answer], list[T]]:
    """A reader of the list under ``key``, each item structured as ``cls``.

    A ``null`` list is an empty one; ``null`` items are skipped.
    """
    path = f"$.{key}"
    list_type: Any = list[cls]  # type: ignore[valid-type]

    def read(answer: Answer) -> list[T]:
        items = field(answer, key)
        if items is None:
            return []
        return structure(
            items, list_type, path=path, status=answer.status, body=answer.body
        )

    return read


def _id_reader(key: str, not_found: str | None, kind: type[K]) -> Callable[[Answer], K]:
    label = "a string" if kind is str else "an integer"

    def read(answer: Answer) -> K:
        value = by_pk(answer, key, not_found) if not_found else field(answer, key)
        if not isinstance(value, dict):
            raise unfit(
                answer, f"$.{key}", f"expected an object, got {json_type(value)}"
            )
        found = value.get("id")
        if found.__class__ is not kind or not found:  # no empty id, no id 0
            raise unfit(
                answer, f"$.{key}.id", f"expected {label} id, got {found!r:.40}"
            )
        return found

    return read


def id_reader(key: str, *, not_found: str | None = None) -> Callable[[Answer], str]:
    """A reader of the string ``id`` in the object under ``key``.

    Args:
        key: The envelope's key (``insert_datasets_one``, ...).
        not_found: What the id names, for a ``*_by_pk`` key whose ``null``
            is a ``NotFoundError``; without it, ``null`` does not fit.
    """
    return _id_reader(key, not_found, str)


def int_id_reader(key: str, *, not_found: str) -> Callable[[Answer], int]:
    """A reader of the integer ``id`` under a ``*_by_pk`` key (an element's)."""
    return _id_reader(key, not_found, int)
