"""The one cattrs converter: decoded JSON into the data classes, tolerantly.

cattrs generates each class's structure function (``make_dict_structure_fn``,
detailed validation off); the SDK gives it one hook per field:

- an identity field (an attribute without a default: ``id``, a job's id, a
  cost's amount) must fit, or the object does not fit: ``Unfit`` carries the
  path up, and ``structure`` raises ``ResponseValidationError`` with it;
- any other field that does not fit (a wrong JSON type, a bool for a number,
  a timestamp that is not ISO 8601, an amount that is not a decimal, a nested
  object that does not fit) becomes ``None`` (a list, empty), and one DEBUG
  line on the ``leonardo_async`` logger names its path.

Paths count list items as they appear in the body, ``null`` items (which are
skipped) included. Values pass through unchanged or are refused: nothing is
coerced (cattrs would make ``"false"`` true).
"""

from __future__ import annotations

import contextvars
import functools
import logging
import re
from collections.abc import Callable
from datetime import datetime, timezone
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any, TypeVar, get_args, get_origin

import attrs

from .._data import (
    CustomModel,
    Dataset,
    DatasetImage,
    Element,
    ElementTrainingJob,
    Generation,
    GenerationJob,
    PlatformElement,
    TrainingJob,
    User,
    _StrEnum,
)
from .._errors import ResponseValidationError

if TYPE_CHECKING:
    import cattrs

T = TypeVar("T")
Hook = Callable[[Any, Any], Any]

logger = logging.getLogger("leonardo_async")

#: Attribute name -> wire key, where they differ.
WIRE_NAMES: dict[type[Any], dict[str, str]] = {
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
        # The API nests these one level down; the reader flattens them.
        "id": "user.id",
        "username": "user.username",
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
    PlatformElement: {
        "ak_uuid": "akUUID",
        "base_model": "baseModel",
        "creator_name": "creatorName",
        "url_image": "urlImage",
        "weight_default": "weightDefault",
        "weight_min": "weightMin",
        "weight_max": "weightMax",
    },
    Element: {
        "instance_prompt": "instancePrompt",
        "learning_rate": "learningRate",
        "training_epochs": "trainingEpoch",
        "train_text_encoder": "trainTextEncoder",
        "base_model": "baseModel",
        "created_at": "createdAt",
        "updated_at": "updatedAt",
    },
    ElementTrainingJob: {
        "element_id": "userLoraId",
        "api_credit_cost": "apiCreditCost",
    },
    Generation: {
        "negative_prompt": "negativePrompt",
        "model_id": "modelId",
        "width": "imageWidth",
        "height": "imageHeight",
        "preset_style": "presetStyle",
        "guidance_scale": "guidanceScale",
        "inference_steps": "inferenceSteps",
        "created_at": "createdAt",
        "images": "generated_images",
    },
    GenerationJob: {
        "generation_id": "generationId",
        "api_credit_cost": "apiCreditCost",
    },
}


class Unfit(Exception):
    """A value that must fit does not; ``where`` holds its path, innermost first."""

    def __init__(self, problem: str, where: list[str]) -> None:
        super().__init__(problem)
        self.problem = problem
        self.where = where


# The fields that did not fit during one ``structure`` call, each as
# [problem, innermost segment, ..., outermost segment]; hooks append the
# segments of the objects and list items they are in on the way out.
_REPORTS: contextvars.ContextVar[list[list[str]] | None] = contextvars.ContextVar(
    "leonardo_async_reports", default=None
)


def json_type(value: object) -> str:
    """The JSON name of a decoded value's type, for messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    return "an array" if isinstance(value, list) else "an object"


def _misfit(problem: str, where: list[str]) -> None:
    reports = _REPORTS.get()
    if reports is None:
        logger.debug("ignored the value at %s: %s", "".join(reversed(where)), problem)
    else:
        reports.append([problem, *where])


def _prefix(reports: list[list[str]] | None, mark: int, segment: str) -> None:
    if reports is not None and len(reports) > mark:
        for report in reports[mark:]:
            report.append(segment)


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
        # Python 3.10 takes neither "Z" nor a fraction that is not 3 or 6
        # digits long; the API has sent both.
        match = _TIMESTAMP.fullmatch(value.strip())
        if match is None:
            raise ValueError(f"not an ISO 8601 timestamp: {value[:40]!r}") from None
        text = match["base"]
        if match["fraction"]:
            text += "." + match["fraction"][:6].ljust(6, "0")
        zone = match["zone"]
        if zone == "Z":
            text += "+00:00"
        elif zone:
            text += zone if ":" in zone else f"{zone[:3]}:{zone[3:]}"
        parsed = datetime.fromisoformat(text)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def parse_decimal(value: object) -> Decimal:
    """Read an amount: a JSON number or a decimal string, finite.

    Raises:
        ValueError: It is not a finite decimal (a bool is not one either).
    """
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise ValueError(f"expected a decimal amount, got {json_type(value)}")
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        raise ValueError(f"not a decimal amount: {str(value)[:40]!r}") from None
    if not amount.is_finite():
        raise ValueError(f"not a finite amount: {value!r}")
    return amount


def parse_number(value: object) -> float:
    """Read a JSON number as a float; a bool is not a number here.

    Raises:
        ValueError: It is not a number.
    """
    if value.__class__ is float or value.__class__ is int:
        return float(value)
    raise ValueError(f"expected a number, got {json_type(value)}")


def _lenient(parse: Callable[[Any], Any], wire: str) -> Hook:
    where = "." + wire

    def structure(value: Any, _: Any) -> Any:
        if value is None:
            return None
        try:
            return parse(value)
        except ValueError as exc:
            return _misfit(str(exc), [where])

    return structure


def _exact(kind: type[Any], wire: str) -> Hook:
    # The common case (the type is right) costs one comparison.
    where = "." + wire
    expected = json_type(kind())

    def structure(value: Any, _: Any) -> Any:
        if value.__class__ is kind or value is None:
            return value
        return _misfit(f"expected {expected}, got {json_type(value)}", [where])

    return structure


def _timestamp(wire: str) -> Hook:
    where = "." + wire
    fromisoformat = datetime.fromisoformat

    def structure(value: Any, _: Any) -> Any:
        if value.__class__ is str:
            try:  # the API's own form: zone-less UTC, parsed in one step
                return fromisoformat(value + "+00:00")
            except ValueError:
                pass
            try:
                return parse_timestamp(value)
            except ValueError as exc:
                return _misfit(str(exc), [where])
        if value is None:
            return None
        return _misfit(f"expected a timestamp string, got {json_type(value)}", [where])

    return structure


def _open_enum(enum_cls: type[_StrEnum], wire: str) -> Hook:
    where = "." + wire
    members = enum_cls._value2member_map_

    def structure(value: Any, _: Any) -> Any:
        if value.__class__ is str:
            return members.get(value, value)  # an unknown value stays a str
        if value is None:
            return None
        return _misfit(f"expected a string, got {json_type(value)}", [where])

    return structure


def _nested(hook: Hook, wire: str, empty: Callable[[], Any]) -> Hook:
    where = "." + wire

    def structure(value: Any, type_: Any) -> Any:
        if value is None:
            return empty()
        reports = _REPORTS.get()
        mark = len(reports) if reports is not None else 0
        try:
            result = hook(value, type_)
        except Unfit as exc:
            _misfit(exc.problem, [*exc.where, where])
            return empty()
        if reports is not None and len(reports) > mark:
            _prefix(reports, mark, where)
        return result

    return structure


def _identity(kind: type[Any], wire: str) -> Hook:
    where = "." + wire

    def structure(value: Any, _: Any) -> Any:
        if kind is Decimal:
            try:
                return parse_decimal(value)
            except ValueError as exc:
                raise Unfit(str(exc), [where]) from None
        # An id is exact: a bool is no int id, and an empty string no id.
        if value.__class__ is not kind or (kind is str and not value):
            raise Unfit(f"expected {json_type(kind())} id, got {value!r:.40}", [where])
        return value

    return structure


def _optional_type(type_: Any) -> Any:
    """``X`` for ``X | None``; the type itself otherwise."""
    args = [a for a in get_args(type_) if a is not type(None)]
    return args[0] if len(args) == 1 and type(None) in get_args(type_) else type_


def _enum_of(type_: Any) -> type[_StrEnum] | None:
    for arg in get_args(type_):
        if isinstance(arg, type) and issubclass(arg, _StrEnum):
            return arg
    return None


def _field_hook(
    converter: cattrs.Converter, field: attrs.Attribute[Any], wire: str
) -> Hook:
    kind = _optional_type(field.type)
    if field.default is attrs.NOTHING:
        return _identity(kind, wire)
    if kind is datetime:
        return _timestamp(wire)
    if kind is Decimal:
        return _lenient(parse_decimal, wire)
    if kind is float:
        return _lenient(parse_number, wire)
    if kind in (str, int, bool):
        return _exact(kind, wire)
    enum_cls = _enum_of(kind)
    if enum_cls is not None:
        return _open_enum(enum_cls, wire)
    empty: Callable[[], Any] = (
        field.default.factory  # type: ignore[union-attr]
        if isinstance(field.default, attrs.Factory)  # type: ignore[arg-type]
        else lambda: None
    )
    return _nested(converter.get_structure_hook(kind), wire, empty)


def _class_hook(converter: cattrs.Converter, cls: type[Any]) -> Hook:
    from cattrs.gen import make_dict_structure_fn, override

    names = WIRE_NAMES.get(cls, {})
    overrides: dict[str, Any] = {
        f.name: override(
            rename=names.get(f.name),
            struct_hook=_field_hook(converter, f, names.get(f.name, f.name)),
        )
        for f in attrs.fields(attrs.resolve_types(cls))
    }
    generated = _GENERATED[cls] = make_dict_structure_fn(
        cls,
        converter,
        _cattrs_detailed_validation=False,
        _cattrs_use_linecache=True,
        **overrides,
    )

    def structure(value: Any, _: Any) -> Any:
        if value.__class__ is not dict:
            raise Unfit(f"expected an object, got {json_type(value)}", [])
        try:
            return generated(value, cls)
        except KeyError as exc:  # only an identity field is read as o[key]
            raise Unfit("missing", [f".{exc.args[0]}"]) from None

    return structure


#: Each class's function as cattrs generated it, without the checks of the
#: hook around it: a list of objects calls it directly while all goes well.
_GENERATED: dict[type[Any], Hook] = {}


def _is_list_of_classes(type_: Any) -> bool:
    args = get_args(type_)
    return get_origin(type_) is list and len(args) == 1 and attrs.has(args[0])


def _list_hook(converter: cattrs.Converter, type_: Any) -> Hook:
    (item_type,) = get_args(type_)
    item = converter.get_structure_hook(item_type)
    generated = _GENERATED[item_type]

    def by_item(value: list[Any], reports: list[list[str]] | None) -> list[Any]:
        # Slow, exact: marks which item each report and failure came from.
        items = []
        for index, raw in enumerate(value):
            if raw is None:
                continue  # the spec allows null items; they describe nothing
            mark = len(reports) if reports is not None else 0
            try:
                items.append(item(raw, item_type))
            except Unfit as exc:
                exc.where.append(f"[{index}]")
                raise
            _prefix(reports, mark, f"[{index}]")
        return items

    def structure(value: Any, _: Any) -> Any:
        if value.__class__ is not list:
            raise Unfit(f"expected an array, got {json_type(value)}", [])
        reports = _REPORTS.get()
        mark = len(reports) if reports is not None else 0
        try:
            items = [generated(raw, item_type) for raw in value if raw is not None]
        except (Unfit, KeyError, TypeError):  # an item that is not a whole object
            if reports is not None:
                del reports[mark:]
            return by_item(value, reports)  # raises again, with the index
        if reports is not None and len(reports) > mark:
            # Rare: some field did not fit. Go again, item by item, to name it.
            del reports[mark:]
            return by_item(value, reports)
        return items

    return structure


def make_converter() -> cattrs.Converter:
    """Build the SDK's converter: generated class hooks, tolerant field hooks."""
    # cattrs is imported with the first answer to read, not with the package.
    import cattrs

    converter = cattrs.Converter(detailed_validation=False)
    converter.register_structure_hook_factory(
        attrs.has, lambda cls: _class_hook(converter, cls)
    )
    converter.register_structure_hook_factory(
        _is_list_of_classes, lambda t: _list_hook(converter, t)
    )
    return converter


_HOOKS: dict[Any, Hook] = {}


def _hook(cls: Any) -> Hook:
    # The converter and each class's code are made on first use, not at import.
    hook = _HOOKS.get(cls)
    if hook is None:
        hook = _HOOKS[cls] = _converter().get_structure_hook(cls)
    return hook


@functools.cache
def _converter() -> cattrs.Converter:
    return make_converter()


def structure(
    data: Any, cls: type[T] | Any, *, path: str, status: int, body: bytes
) -> T:
    """Turn decoded JSON into ``cls``; ``path`` locates ``data`` in the body.

    Fields that do not fit become ``None``, each with one DEBUG line.

    Raises:
        ResponseValidationError: An identity, an object or a list does not fit;
            names the path.
    """
    reports: list[list[str]] = []
    token = _REPORTS.set(reports)
    try:
        result = _hook(cls)(data, cls)
    except Unfit as exc:
        where = path + "".join(reversed(exc.where))
        raise ResponseValidationError(
            exc.problem, path=where, status=status, body=body
        ) from None
    finally:
        _REPORTS.reset(token)
    for problem, *segments in reports:
        where = path + "".join(reversed(segments))
        logger.debug("ignored the value at %s: %s", where, problem)
    return result  # type: ignore[no-any-return]
