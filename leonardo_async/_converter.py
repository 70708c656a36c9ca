"""The one configured cattrs converter: JSON bodies into the data classes.

Structuring runs on a fast converter first, with no detailed validation. Only
when that fails is the same data structured again with detailed validation,
to name the field path in the ``ResponseValidationError``.
"""

from __future__ import annotations

import functools
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
    Dataset,
    DatasetImage,
    JobStatus,
    SdVersion,
    Strength,
    TrainingJob,
    User,
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
    User: {
        "token_renewal_date": "tokenRenewalDate",
        "subscription_tokens": "subscriptionTokens",
        "subscription_gpt_tokens": "subscriptionGptTokens",
        "subscription_model_tokens": "subscriptionModelTokens",
        "api_concurrency_slots": "apiConcurrencySlots",
        "api_paid_tokens": "apiPaidTokens",
        "api_subscription_tokens": "apiSubscriptionTokens",
        "paid_tokens": "paidTokens",
        "api_plan_token_renewal_date": "apiPlanTokenRenewalDate",
    },
    Dataset: {
        "created_at": "createdAt",
        "updated_at": "updatedAt",
        "images": "dataset_images",
    },
    DatasetImage: {"created_at": "createdAt"},
}

_SCALARS = (str, bool, int, datetime)

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
    if zone == "Z":
        text += "+00:00"
    elif zone:
        text += zone if ":" in zone else f"{zone[:3]}:{zone[3:]}"
    return datetime.fromisoformat(text)


def _timestamp_hook(nullable: bool) -> Callable[[Any, Any], Any]:
    utc_suffix = "+00:00"
    fromisoformat = datetime.fromisoformat

    def structure(value: Any, _: Any) -> Any:
        if value.__class__ is str:
            # The API's timestamps have no zone and are UTC: naming the zone
            # in the string is the cheapest way to an aware datetime. A string
            # that has a zone already fails here and is parsed as it is.
            try:
                return fromisoformat(value + utc_suffix)
            except ValueError:
                return parse_timestamp(value)
        if value is None and nullable:
            return None
        raise TypeError(f"expected a timestamp string, got {type(value).__name__}")

    return structure


def _structure_decimal(value: Any, _: Any) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise TypeError(f"expected a decimal amount, got {type(value).__name__}")
    try:
        return Decimal(str(value))
    except InvalidOperation:
        raise ValueError(f"not a decimal amount: {value!r}") from None


def _checked(kind: type[Any], nullable: bool) -> Callable[[Any, Any], Any]:
    # cattrs would coerce (bool("false") is True); the API's types are exact,
    # so the value passes through unchanged or is refused.
    def structure(value: Any, _: Any) -> Any:
        if isinstance(value, kind):
            return value
        if value is None and nullable:
            return None
        raise TypeError(f"expected {kind.__name__}, got {type(value).__name__}")

    return structure


def _scalar(type_: Any) -> tuple[type[Any], bool] | None:
    """``(kind, nullable)`` for ``kind`` or ``kind | None`` of a scalar kind."""
    if type_ in _SCALARS:
        return type_, False
    args = get_args(type_)
    if len(args) == 2 and type(None) in args:
        inner = args[0] if args[1] is type(None) else args[1]
        if inner in _SCALARS:
            return inner, True
    return None


def _scalar_hook(type_: Any) -> Callable[[Any, Any], Any]:
    found = _scalar(type_)
    assert found is not None
    kind, nullable = found
    if kind is datetime:
        return _timestamp_hook(nullable)
    return _checked(kind, nullable)


def _is_open_enum(type_: Any) -> bool:
    args = get_args(type_)
    return (
        get_origin(type_) is not None
        and str in args
        and any(isinstance(a, type) and issubclass(a, _StrEnum) for a in args)
    )


def _open_enum_members(type_: Any) -> dict[str, Any]:
    (enum_cls,) = (
        a for a in get_args(type_) if isinstance(a, type) and issubclass(a, _StrEnum)
    )
    return enum_cls._value2member_map_


def _open_enum_hook(type_: Any) -> Callable[[Any, Any], Any]:
    members = _open_enum_members(type_)
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
    # One hook for a scalar and for its "| None", instead of cattrs' chain.
    converter.register_structure_hook_factory(
        lambda t: _scalar(t) is not None, _scalar_hook
    )
    for kind in _SCALARS:  # the bare kinds have built-in hooks that win otherwise
        converter.register_structure_hook(kind, _scalar_hook(kind))
    converter.register_structure_hook(Decimal, _structure_decimal)
    converter.register_structure_hook_factory(_is_open_enum, _open_enum_hook)
    if not detailed_validation:
        converter.register_structure_hook_factory(
            attrs.has, lambda cls: _fast_class_hook(cls, converter)
        )
        return converter
    for cls, names in _WIRE_NAMES.items():
        renames: dict[str, Any] = {
            field: override(rename=wire) for field, wire in names.items()
        }
        converter.register_structure_hook(
            cls, make_dict_structure_fn(cls, converter, **renames)
        )
    return converter


def _fast_class_hook(cls: type[Any], converter: cattrs.Converter) -> Any:
    """Generate the fast path's structure function for one data class.

    cattrs' own calls a hook for every field and gathers keyword arguments in
    a dict, which is most of the cost of a 10,000-model list. This one checks
    scalars, enums and timestamps inline and calls the class with positional
    arguments. Any failure is a plain exception: ``structure`` then goes again
    with detailed validation, which names the path.
    """
    names = _WIRE_NAMES.get(cls, {})
    namespace: dict[str, Any] = {"cls": cls, "parse": datetime.fromisoformat}
    lines = ["def structure(o, _):", "    get = o.get"]
    fields = attrs.fields(attrs.resolve_types(cls))
    for i, field in enumerate(fields):
        v, wire = f"v{i}", names.get(field.name, field.name)
        required = field.default is attrs.NOTHING
        lines.append(
            f"    {v} = o[{wire!r}]" if required else f"    {v} = get({wire!r})"
        )
        # Optional fields are left alone when null; required ones are checked.
        indent = "    " if required else "        "
        if not required:
            lines.append(f"    if {v} is not None:")
        scalar = _scalar(field.type)
        if scalar is not None and scalar[0] is datetime:
            # The API's zone-less UTC, parsed in one step; anything else
            # (a zone, a bad type) goes through the careful parser.
            namespace[f"h{i}"] = _timestamp_hook(nullable=not required)
            lines += [
                f"{indent}try: {v} = parse({v} + '+00:00')",
                f"{indent}except (TypeError, ValueError): {v} = h{i}({v}, None)",
            ]
        elif scalar is not None:
            namespace[f"k{i}"] = scalar[0]
            lines.append(
                f"{indent}if {v}.__class__ is not k{i}: raise TypeError({field.name!r})"
            )
        elif _is_open_enum(field.type):
            namespace[f"m{i}"] = _open_enum_members(field.type).get
            lines += [
                f"{indent}if {v}.__class__ is not str: raise TypeError({field.name!r})",
                f"{indent}{v} = m{i}({v}, {v})",
            ]
        else:
            namespace[f"h{i}"] = converter.get_structure_hook(field.type)
            namespace[f"t{i}"] = field.type
            lines.append(f"{indent}{v} = h{i}({v}, t{i})")
            if isinstance(field.default, attrs.Factory):  # type: ignore[arg-type]
                # A missing or null list is its default, an empty one.
                namespace[f"f{i}"] = field.default.factory
                lines.append(f"    else: {v} = f{i}()")
    lines.append(f"    return cls({', '.join(f'v{i}' for i in range(len(fields)))})")
    exec("\n".join(lines), namespace)
    return namespace["structure"]


@functools.cache
def _converter(detailed_validation: bool) -> cattrs.Converter:
    # Built on first use, not at import; the detailed one only when a body
    # does not fit.
    return make_converter(detailed_validation=detailed_validation)


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
        return _converter(False).structure(data, cls)  # type: ignore[no-any-return]
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
        result = _converter(True).structure(data, cls)
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
