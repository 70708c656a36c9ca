"""The Elements resource: ``client.elements``, Leonardo's LoRA training.

The API requires ``sd_version``, ``num_train_epochs``, ``learning_rate`` and
``train_text_encoder``; what the caller leaves out is sent with the defaults
the spec documents, and every range of the spec's tables is checked before
anything is sent.
"""

from __future__ import annotations

import time
from typing import Any, NamedTuple

from .._arguments import (
    check_bool,
    check_choice,
    check_id,
    check_int_id,
    check_number,
    check_optional_text,
    check_text,
)
from .._data import (
    Element,
    ElementBaseModel,
    ElementTrainingJob,
    LoraFocus,
    PlatformElement,
)
from .._errors import ElementOutcomeUnknownError
from .._wire import int_id_reader, list_reader, object_reader
from ._base import Caller, ExtraBody, ExtraHeaders, ExtraQuery, extras
from ._datasets import Datasets
from ._pricing import (
    Pricing,
    build_training_price_body,
    check_max_credits,
    within_budget,
)
from ._reconcile import created_since
from ._users import Users


class Range(NamedTuple):
    """What a training setting may be, and what it is when not given."""

    minimum: float
    maximum: float
    default: float


class Ranges(NamedTuple):
    """The ranges of a (base model, focus) pair, from the spec's tables."""

    epochs: Range
    learning_rate: Range


#: Every base model and focus but FLUX_DEV's.
DEFAULT_RANGES = Ranges(Range(1, 250, 100), Range(0.00000001, 0.00001, 0.000001))
#: FLUX_DEV's, by focus (it has no General).
FLUX_DEV_RANGES = {
    LoraFocus.STYLE: Ranges(Range(30, 120, 60), Range(0.000001, 0.00003, 0.00001)),
    LoraFocus.OBJECT: Ranges(Range(120, 220, 140), Range(0.00001, 0.001, 0.0004)),
    LoraFocus.CHARACTER: Ranges(Range(100, 200, 135), Range(0.00001, 0.001, 0.0005)),
}
RESOLUTION = 1024


def _ranges(base_model: ElementBaseModel, focus: LoraFocus) -> Ranges:
    if base_model is not ElementBaseModel.FLUX_DEV:
        return DEFAULT_RANGES
    if focus is LoraFocus.GENERAL:
        raise ValueError(
            "lora_focus 'General' is not available with sd_version 'FLUX_DEV'; "
            "use 'Character', 'Style' or 'Object'"
        )
    return FLUX_DEV_RANGES[focus]


def _epochs(value: object, allowed: Range) -> int:
    if value is None:
        return int(allowed.default)
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"num_train_epochs must be an int, not {type(value).__name__}")
    check_number(value, "num_train_epochs", allowed.minimum, allowed.maximum)
    return value


def build_element_body(
    *,
    name: object,
    dataset_id: object,
    lora_focus: object,
    sd_version: object = None,
    instance_prompt: object = None,
    description: object = None,
    num_train_epochs: object = None,
    learning_rate: object = None,
    train_text_encoder: object = None,
    resolution: object = None,
) -> dict[str, Any]:
    """Check the arguments of ``elements.train`` and build its JSON body.

    Raises:
        TypeError: An argument has the wrong type.
        ValueError: An argument has a value the API refuses (outside the
            range of its base model and focus, say).
    """
    focus = check_choice(lora_focus, "lora_focus", LoraFocus)
    base = check_choice(
        ElementBaseModel.FLUX_DEV if sd_version is None else sd_version,
        "sd_version",
        ElementBaseModel,
    )
    allowed = _ranges(base, focus)
    rate = allowed.learning_rate.default if learning_rate is None else learning_rate
    body: dict[str, Any] = {
        "name": check_text(name, "name"),
        "datasetId": check_id(dataset_id, "dataset_id"),
        "lora_focus": focus.value,
        "sd_version": base.value,
        "num_train_epochs": _epochs(num_train_epochs, allowed.epochs),
        "learning_rate": check_number(
            rate, "learning_rate", *allowed.learning_rate[:2]
        ),
        "train_text_encoder": (
            True
            if train_text_encoder is None
            else check_bool(train_text_encoder, "train_text_encoder")
        ),
    }
    needs_prompt = base is not ElementBaseModel.FLUX_DEV or focus is LoraFocus.CHARACTER
    if instance_prompt is not None or needs_prompt:
        if instance_prompt is None:
            raise ValueError(
                f"instance_prompt is required for sd_version {base.value!r} with "
                f"lora_focus {focus.value!r}"
            )
        body["instance_prompt"] = check_text(instance_prompt, "instance_prompt")
    if description is not None:
        body["description"] = check_optional_text(description, "description")
    if resolution is not None:
        if isinstance(resolution, bool) or resolution != RESOLUTION:
            raise ValueError(f"resolution must be {RESOLUTION}, got {resolution!r}")
        body["resolution"] = RESOLUTION
    return body


_read_platform = list_reader("loras", PlatformElement)
_read_elements = list_reader("user_loras", Element)
_read_element = object_reader("user_loras_by_pk", Element, not_found="element")
_read_deleted = int_id_reader("delete_user_loras_by_pk", not_found="element")
_read_job = object_reader("sdTrainingJob", ElementTrainingJob)


class Elements:
    """The Elements API: the platform's elements, and training yours (LoRA).

    Reached as ``client.elements``; not constructed directly. Every operation
    also takes ``extra_headers=`` and ``extra_query=``, and ``train`` takes
    ``extra_body=``.
    """

    def __init__(
        self, caller: Caller, users: Users, pricing: Pricing, datasets: Datasets
    ) -> None:
        self._caller = caller
        self._users = users
        self._pricing = pricing
        self._datasets = datasets

    async def list_platform(
        self, *, extra_headers: ExtraHeaders = None, extra_query: ExtraQuery = None
    ) -> list[PlatformElement]:
        """List the platform's elements (``GET /elements``).

        Returns:
            The catalogue, in the API's order.
        """
        return await self._caller.call(
            "GET",
            "/elements",
            _read_platform,
            options=extras(extra_headers, extra_query),
        )

    async def train(
        self,
        *,
        name: str,
        dataset_id: str,
        lora_focus: LoraFocus | str,
        sd_version: ElementBaseModel | str | None = None,
        instance_prompt: str | None = None,
        description: str | None = None,
        num_train_epochs: int | None = None,
        learning_rate: float | None = None,
        train_text_encoder: bool | None = None,
        resolution: int | None = None,
        max_credits: float | None = None,
        extra_headers: ExtraHeaders = None,
        extra_query: ExtraQuery = None,
        extra_body: ExtraBody = None,
    ) -> ElementTrainingJob:
        """Start training an element (``POST /elements``); this costs money.

        Sent again only when it provably never reached the server, so one
        call never starts two trainings. What you leave out is sent with the
        spec's defaults: ``sd_version`` FLUX_DEV, the epochs and learning
        rate of the (base model, focus) pair, ``train_text_encoder`` true.

        Args:
            name: The element's name.
            dataset_id: The dataset to train on (a UUID).
            lora_focus: General, Character, Style or Object (not General with
                FLUX_DEV).
            sd_version: The base model; FLUX_DEV when omitted.
            instance_prompt: The word that will call up what was trained;
                required for every base model but FLUX_DEV, and for FLUX_DEV
                Character.
            description: Its description.
            num_train_epochs: Epochs, within the pair's range.
            learning_rate: The learning rate, within the pair's range.
            train_text_encoder: Whether to train the text encoder too.
            resolution: 1024, the only one the API takes.
            max_credits: Ask the pricing calculator first (for FLUX_DEV,
                after counting the dataset's images with one
                ``GET /datasets/{id}``), and raise ``BudgetExceededError``
                without training when the estimate is higher (or cannot be
                had).
            extra_headers: Headers to add to the request.
            extra_query: Query parameters to add to the request.
            extra_body: JSON fields to add to the body (not ones set above).

        Returns:
            The job, whose ``element_id`` you wait on.

        Raises:
            ValueError: An argument has a value the API refuses.
            TypeError: An argument has the wrong type.
            BudgetExceededError: The estimate is over ``max_credits``.
            ElementOutcomeUnknownError: The request may have reached the
                server but no usable answer came back.
        """
        body = build_element_body(
            name=name,
            dataset_id=dataset_id,
            lora_focus=lora_focus,
            sd_version=sd_version,
            instance_prompt=instance_prompt,
            description=description,
            num_train_epochs=num_train_epochs,
            learning_rate=learning_rate,
            train_text_encoder=train_text_encoder,
            resolution=resolution,
        )
        options = extras(extra_headers, extra_query, extra_body)
        budget = check_max_credits(max_credits)
        if budget is not None:
            await within_budget(lambda: self._estimate(body), budget)
        return await self._caller.create(
            "/elements",
            _read_job,
            lambda cause, found: ElementOutcomeUnknownError(name, cause, found),
            json=body,
            options=options,
            find=lambda sent: created_since(
                self._lookup().list_mine, lambda e: e.name == name, sent, time.time
            ),
            recover=lambda element: ElementTrainingJob(element.id, recovered=True),
        )

    def _lookup(self) -> Elements:
        quick = self._caller.quick()
        return Elements(quick, Users(quick), self._pricing, self._datasets)

    async def _estimate(self, body: dict[str, Any]) -> int:
        if body["sd_version"] != ElementBaseModel.FLUX_DEV.value:
            return await self._pricing.estimate(
                build_training_price_body(resolution=RESOLUTION)
            )
        dataset = await self._datasets.get(body["datasetId"])
        price = build_training_price_body(
            resolution=RESOLUTION,
            sd_version=ElementBaseModel.FLUX_DEV,
            image_count=len(dataset.images),
        )
        return await self._pricing.estimate(price)

    async def get(
        self,
        element_id: int,
        *,
        extra_headers: ExtraHeaders = None,
        extra_query: ExtraQuery = None,
    ) -> Element:
        """Get one of your elements (``GET /elements/{id}``).

        Raises:
            TypeError: ``element_id`` is not an int.
            ValueError: ``element_id`` is not positive.
            NotFoundError: No element has this id.
        """
        check_int_id(element_id, "element_id")
        return await self._caller.call(
            "GET",
            f"/elements/{element_id}",
            _read_element,
            options=extras(extra_headers, extra_query),
        )

    async def delete(
        self,
        element_id: int,
        *,
        extra_headers: ExtraHeaders = None,
        extra_query: ExtraQuery = None,
    ) -> int:
        """Delete one of your elements (``DELETE /elements/{id}``).

        Returns:
            The id of the deleted element.

        Raises:
            TypeError: ``element_id`` is not an int.
            ValueError: ``element_id`` is not positive.
            NotFoundError: No element has this id.
        """
        check_int_id(element_id, "element_id")
        return await self._caller.call(
            "DELETE",
            f"/elements/{element_id}",
            _read_deleted,
            options=extras(extra_headers, extra_query),
            gone=lambda: element_id,
        )

    async def list_for_user(
        self,
        user_id: str,
        *,
        extra_headers: ExtraHeaders = None,
        extra_query: ExtraQuery = None,
    ) -> list[Element]:
        """List a user's elements (``GET /elements/user/{userId}``).

        Raises:
            ValueError: ``user_id`` is not a UUID.
        """
        check_id(user_id, "user_id")
        return await self._caller.call(
            "GET",
            f"/elements/user/{user_id}",
            _read_elements,
            options=extras(extra_headers, extra_query),
        )

    async def list_mine(
        self, *, extra_headers: ExtraHeaders = None, extra_query: ExtraQuery = None
    ) -> list[Element]:
        """List the elements of the key's own user (``GET /me``, then the list)."""
        me = await self._users.me()
        return await self.list_for_user(
            me.id, extra_headers=extra_headers, extra_query=extra_query
        )
