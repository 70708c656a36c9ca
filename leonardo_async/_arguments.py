"""The caller's arguments: checks made before any request is sent, and callbacks."""

from __future__ import annotations

import enum
import inspect
import ipaddress
import math
import re
from typing import Any, TypeVar
from urllib.parse import urlsplit

E = TypeVar("E", bound=enum.Enum)

# Anchored and case-insensitive: the spec's own pattern is neither, and its
# example id fails it. Anchoring also keeps "../" and "?" out of URL paths.
_UUID = re.compile(
    r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.I
)


def check_id(value: object, argument: str) -> str:
    """Return ``value`` if it is a UUID string.

    Raises:
        TypeError: ``value`` is not a string.
        ValueError: ``value`` is not a UUID.
    """
    if not isinstance(value, str):
        raise TypeError(f"{argument} must be a str, not {type(value).__name__}")
    if _UUID.fullmatch(value) is None:
        raise ValueError(f"{argument} must be a UUID, got {value!r}")
    return value


def check_int_id(value: object, argument: str) -> int:
    """Return ``value`` if it is a positive int (an element's id).

    Raises:
        TypeError: ``value`` is not an int (a bool is not one here).
        ValueError: ``value`` is zero or negative.
    """
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{argument} must be an int, not {type(value).__name__}")
    if value <= 0:
        raise ValueError(f"{argument} must be a positive id, got {value}")
    return value


def check_number(value: object, argument: str, minimum: float, maximum: float) -> float:
    """Return ``value`` if it is a finite number from ``minimum`` to ``maximum``.

    Raises:
        TypeError: ``value`` is not a number (a bool is not one here).
        ValueError: ``value`` is outside the range, or not finite.
    """
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"{argument} must be a number, not {type(value).__name__}")
    if not (math.isfinite(value) and minimum <= value <= maximum):
        raise ValueError(
            f"{argument} must be from {minimum:g} to {maximum:g}, got {value!r}"
        )
    return value


def check_text(value: object, argument: str) -> str:
    """Return ``value`` if it is a string with something besides white space.

    Raises:
        TypeError: ``value`` is not a string.
        ValueError: ``value`` is empty or blank.
    """
    if not isinstance(value, str):
        raise TypeError(f"{argument} must be a str, not {type(value).__name__}")
    if not value.strip():
        raise ValueError(f"{argument} must not be empty")
    return value


def check_optional_text(value: object, argument: str) -> str | None:
    """Return ``value`` if it is ``None`` or a string.

    Raises:
        TypeError: ``value`` is neither.
    """
    if value is None or isinstance(value, str):
        return value
    raise TypeError(f"{argument} must be a str or None, not {type(value).__name__}")


def check_bool(value: object, argument: str) -> bool:
    """Return ``value`` if it is a bool.

    Raises:
        TypeError: ``value`` is not a bool.
    """
    if isinstance(value, bool):
        return value
    raise TypeError(f"{argument} must be a bool, not {type(value).__name__}")


def check_choice(
    value: object, argument: str, enum_cls: type[E], allowed: Any = None
) -> E:
    """Return the member of ``enum_cls`` that ``value`` is or names.

    Args:
        value: A member, or its string value.
        argument: The argument's name, for the message.
        enum_cls: The enum.
        allowed: The members accepted here; all of them when ``None``.

    Raises:
        TypeError: ``value`` is neither a member nor a string.
        ValueError: ``value`` is not one of the allowed values.
    """
    choices = list(enum_cls) if allowed is None else list(allowed)
    member: E | None = None
    if isinstance(value, enum_cls):
        member = value
    elif isinstance(value, str):
        member = enum_cls._value2member_map_.get(value)  # type: ignore[assignment]
    else:
        raise TypeError(
            f"{argument} must be a {enum_cls.__name__} or str, "
            f"not {type(value).__name__}"
        )
    if member is None or member not in choices:
        names = ", ".join(repr(c.value) for c in choices)
        raise ValueError(f"{argument} must be one of {names}; got {value!r}")
    return member


def check_positive(value: object, argument: str) -> float:
    """Return ``value`` as a float if it is a finite number above zero.

    Raises:
        TypeError: ``value`` is not a number.
        ValueError: ``value`` is zero, negative, or not finite.
    """
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"{argument} must be a number, not {type(value).__name__}")
    if not (value > 0 and math.isfinite(value)):
        raise ValueError(f"{argument} must be a positive number, got {value!r}")
    return float(value)


def check_int_in(value: object, argument: str, minimum: int, maximum: int) -> int:
    """Return ``value`` if it is an int from ``minimum`` to ``maximum``.

    Raises:
        TypeError: ``value`` is not an int.
        ValueError: ``value`` is outside the range.
    """
    number = check_count(value, argument, minimum=minimum)
    if number > maximum:
        raise ValueError(
            f"{argument} must be from {minimum} to {maximum}, got {number}"
        )
    return number


def check_count(value: object, argument: str, *, minimum: int) -> int:
    """Return ``value`` if it is an int of at least ``minimum``.

    Raises:
        TypeError: ``value`` is not an int.
        ValueError: ``value`` is below ``minimum``.
    """
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{argument} must be an int, not {type(value).__name__}")
    if value < minimum:
        raise ValueError(f"{argument} must be at least {minimum}, got {value}")
    return value


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_url(url: object, argument: str) -> str:
    """Return ``url`` if it is https, or plain http to a loopback host.

    Plain http elsewhere would carry the key (or the user's images) across a
    network in clear text.

    Raises:
        TypeError: ``url`` is not a string.
        ValueError: It is not an http(s) URL, or it is plain http to a host
            that is not loopback.
    """
    if not isinstance(url, str):
        raise TypeError(f"{argument} must be a str, not {type(url).__name__}")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"{argument} must be an http(s) URL, got {url!r}")
    if parts.scheme == "http" and not _is_loopback(parts.hostname):
        raise ValueError(
            f"{argument} {url!r} is plain http: it would cross the network in "
            "clear text; use https (plain http is only allowed to a loopback host)"
        )
    return url


def check_callback(value: object, argument: str) -> None:
    """Check that ``value`` is ``None`` or callable.

    Raises:
        TypeError: It is neither.
    """
    if value is not None and not callable(value):
        raise TypeError(f"{argument} must be callable or None")


async def call_back(callback: Any, *args: Any) -> None:
    """Call the user's ``callback(*args)`` if set, awaiting it if it is async."""
    if callback is not None:
        result = callback(*args)
        if inspect.isawaitable(result):
            await result
