"""The one configured cattrs converter: JSON bodies into the data classes.

Structuring runs on a fast converter first, with no detailed validation. Only
when that fails is the same data structured again with detailed validation,
to name the field path in the ``ResponseValidationError``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import datetime, timezone
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar, get_args, get_origin

import attrs
import cattrs
from cattrs.gen import make_dict_structure_fn, override

from ._data import (
    CostUnit,
    CustomModel,
    CustomModelType,
    JobStatus,
    SdVersion,
    Strength,
    TrainingJob,
    _StrEnum,
)
from ._errors import ResponseValidationError

T = TypeVar("T")

_ENUMS: tuple[type[_StrEnum], ...] = (
    CostUnit,
    CustomModelType,
    JobStatus,
    SdVersion,
    Strength,
)

_WIRE_NAMES: dict[type[Any], dict[str, str]] = {
    CustomModel: {
        "instance_prompt": "instancePrompt",
        "model_width": "modelWidth",
        "model_height": "modelHeight",
        "sd_version": "sdVersion",
        "created_at": "createdAt",
        "updated_at": "updatedAt",
    },
    TrainingJob: {
        "custom_model_id": "customModelId",
        "api_credit_cost": "apiCreditCost",
    },
}

# A zone-less ISO timestamp, possibly with a fraction of any length and a "Z".
_TIMESTAMP = re.compile(
    r"(?P<base>\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2})?)"
    r"(?:\.(?P<fraction>\d+))?(?P<zone>Z|[+-]\d{2}:?\d{2})?"
)


def parse_timestamp(value: str) -> datetime:
    """Parse the API's timestamp into an aware datetime; a zone-less one is UTC.

    Args:
        value: ``"2023-02-10T02:43:10.395"`` and the like; a zone is honoured.

    Returns:
        A timezone-aware ``datetime``.

    Raises:
        ValueError: The string is not an ISO 8601 timestamp.
    """
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        parsed = _parse_timestamp_slowly(value)
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=timezone.utc)
    return parsed


def _parse_timestamp_slowly(value: str) -> datetime:
    # Python 3.10's fromisoformat takes neither "Z" nor a fraction that is not
    # 3 or 6 digits long; the API has sent both.
    match = _TIMESTAMP.fullmatch(value.strip())
    if match is None:
        raise ValueError(f"not an ISO 8601 timestamp: {value!r}")
    text = match["base"]
    if match["fraction"]:
        text += "." + match["fraction"][:6].ljust(6, "0")
    zone = match["zone"]
    if zone:
        text += "+00:00" if zone == "Z" else zone
    return datetime.fromisoformat(text)


def _structure_timestamp(value: Any, _: Any) -> datetime:
    if not isinstance(value, str):
        raise TypeError(f"expected a timestamp string, got {type(value).__name__}")
    return parse_timestamp(value)


def _structure_decimal(value: Any, _: Any) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise TypeError(f"expected a decimal amount, got {type(value).__name__}")
    try:
        return Decimal(str(value))
    except InvalidOperation:
        raise ValueError(f"not a decimal amount: {value!r}") from None


def _checked(kind: type[Any]) -> Callable[[Any, Any], Any]:
    # cattrs would coerce (bool("false") is True); the API's types are exact,
    # so the value passes through unchanged or is refused.
    def structure(value: Any, _: Any) -> Any:
        if isinstance(value, kind):
            return value
        raise TypeError(f"expected {kind.__name__}, got {type(value).__name__}")

    return structure


def _is_open_enum(type_: Any) -> bool:
    args = get_args(type_)
    return (
        get_origin(type_) is not None
        and str in args
        and any(isinstance(a, type) and issubclass(a, _StrEnum) for a in args)
    )


def _open_enum_hook(type_: Any) -> Callable[[Any, Any], Any]:
    (enum_cls,) = (
        a for a in get_args(type_) if isinstance(a, type) and issubclass(a, _StrEnum)
    )
    members = enum_cls._value2member_map_
    nullable = type(None) in get_args(type_)

    def structure(value: Any, _: Any) -> Any:
        if isinstance(value, str):
            return members.get(value, value)
        if value is None and nullable:
            return None
        raise TypeError(f"expected a string, got {type(value).__name__}")

    return structure


def make_converter(*, detailed_validation: bool) -> cattrs.Converter:
    """Build the SDK's converter; the fast and the detailed one share this setup.

    Args:
        detailed_validation: Whether failures carry the field path (slower).

    Returns:
        A configured ``cattrs.Converter``.
    """
    converter = cattrs.Converter(detailed_validation=detailed_validation)
    for kind in (str, bool, int):
        converter.register_structure_hook(kind, _checked(kind))
    converter.register_structure_hook(datetime, _structure_timestamp)
    converter.register_structure_hook(Decimal, _structure_decimal)
    converter.register_structure_hook_factory(_is_open_enum, _open_enum_hook)
    for cls, names in _WIRE_NAMES.items():
        renames: dict[str, Any] = {
            field: override(rename=wire) for field, wire in names.items()
        }
        converter.register_structure_hook(
            cls, make_dict_structure_fn(cls, converter, **renames)
        )
    return converter


_fast = make_converter(detailed_validation=False)
_detailed = make_converter(detailed_validation=True)


def decode_json(body: bytes, *, status: int) -> Any:
    """Decode a response body as JSON.

    Raises:
        ResponseValidationError: The body is not JSON.
    """
    try:
        return json.loads(body)
    except ValueError as exc:
        raise ResponseValidationError(
            f"not JSON ({exc})", path="$", status=status, body=body
        ) from None


def structure(
    data: Any, cls: type[T] | Any, *, path: str, status: int, body: bytes
) -> T:
    """Turn decoded JSON into ``cls``; ``path`` locates ``data`` in the body.

    Raises:
        ResponseValidationError: The data does not fit ``cls``; names the path.
    """
    try:
        return _fast.structure(data, cls)  # type: ignore[no-any-return]
    except Exception:
        pass
    if attrs.has(cls) and not isinstance(data, dict):
        raise ResponseValidationError(
            f"expected a JSON object, got {type(data).__name__}",
            path=path,
            status=status,
            body=body,
        )
    try:
        result = _detailed.structure(data, cls)
    except Exception as exc:
        problem, where = _first_problem(exc, path)
        raise ResponseValidationError(
            problem, path=where, status=status, body=body
        ) from exc
    # The fast path refused what the detailed one took: trust the detailed one.
    return result  # type: ignore[no-any-return]


_ATTRIBUTE_TO_WIRE = {
    attribute: wire
    for names in _WIRE_NAMES.values()
    for attribute, wire in names.items()
}
_PATH_SEGMENT = re.compile(r"\.(\w+)")


def _first_problem(exc: Exception, path: str) -> tuple[str, str]:
    messages = cattrs.transform_error(exc, path=path)
    problem, _, where = messages[0].rpartition(" @ ")
    # cattrs names attributes; the user reads the body, so name the wire keys.
    where = _PATH_SEGMENT.sub(
        lambda m: "." + _ATTRIBUTE_TO_WIRE.get(m[1], m[1]), where or path
    )
    return problem or messages[0], where
