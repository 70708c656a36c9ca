"""The Models resource: ``client.models``, the five operations of the Models API."""

from __future__ import annotations

import time
from typing import Any

from .._arguments import (
    check_bool,
    check_choice,
    check_id,
    check_optional_text,
    check_text,
)
from .._data import (
    CustomModel,
    CustomModelType,
    PlatformModel,
    SdVersion,
    Strength,
    TrainingJob,
)
from .._errors import TrainingOutcomeUnknownError
from .._wire import id_reader, list_reader, object_reader
from ._base import Caller, ExtraBody, ExtraHeaders, ExtraQuery, extras
from ._pricing import (
    Pricing,
    build_training_price_body,
    check_max_credits,
    within_budget,
)
from ._reconcile import created_since
from ._users import Users

TRAINABLE_SD_VERSIONS = (SdVersion.V1_5, SdVersion.V2)
RESOLUTIONS = (512, 768)
#: The resolution the API trains at when not told (priced as such).
DEFAULT_RESOLUTION = 512


def build_training_body(
    *,
    name: object,
    dataset_id: object,
    instance_prompt: object,
    description: object = None,
    model_type: object = None,
    nsfw: object = None,
    resolution: object = None,
    sd_version: object = None,
    strength: object = None,
) -> dict[str, Any]:
    """Check the arguments of ``train`` and build its JSON body.

    Only the fields the caller set are included: the server owns the defaults.

    Raises:
        TypeError: An argument has the wrong type.
        ValueError: An argument has a value the API refuses.
    """
    body: dict[str, Any] = {
        "name": check_text(name, "name"),
        "datasetId": check_id(dataset_id, "dataset_id"),
        "instance_prompt": check_text(instance_prompt, "instance_prompt"),
    }
    if description is not None:
        body["description"] = check_optional_text(description, "description")
    if model_type is not None:
        body["modelType"] = check_choice(
            model_type, "model_type", CustomModelType
        ).value
    if nsfw is not None:
        body["nsfw"] = check_bool(nsfw, "nsfw")
    if resolution is not None:
        if isinstance(resolution, bool) or not isinstance(resolution, int):
            raise TypeError(
                f"resolution must be an int, not {type(resolution).__name__}"
            )
        if resolution not in RESOLUTIONS:
            raise ValueError(f"resolution must be 512 or 768, got {resolution}")
        body["resolution"] = resolution
    if sd_version is not None:
        body["sd_version"] = check_choice(
            sd_version, "sd_version", SdVersion, TRAINABLE_SD_VERSIONS
        ).value
    if strength is not None:
        body["strength"] = check_choice(strength, "strength", Strength).value
    return body


_read_models = list_reader("custom_models", CustomModel)
_read_platform_models = list_reader("custom_models", PlatformModel)
_read_model = object_reader(
    "custom_models_by_pk", CustomModel, not_found="custom model"
)
_read_deleted_id = id_reader("delete_custom_models_by_pk", not_found="custom model")
_read_training_job = object_reader("sdTrainingJob", TrainingJob)


class Models:
    """The Models API: platform models, and training, reading and deleting yours.

    Reached as ``client.models``; not constructed directly. Every operation
    also takes ``extra_headers=`` and ``extra_query=``, and ``train`` takes
    ``extra_body=``: see "Per-call options" in the docs.
    """

    def __init__(self, caller: Caller, users: Users, pricing: Pricing) -> None:
        self._caller = caller
        self._users = users
        self._pricing = pricing

    async def list_platform(
        self, *, extra_headers: ExtraHeaders = None, extra_query: ExtraQuery = None
    ) -> list[PlatformModel]:
        """List the public platform models (``GET /platformModels``).

        Returns:
            The catalogue, in the API's order.

        Raises:
            LeonardoError: The API could not be reached or refused the call.
        """
        return await self._caller.call(
            "GET",
            "/platformModels",
            _read_platform_models,
            options=extras(extra_headers, extra_query),
        )

    async def train(
        self,
        *,
        name: str,
        dataset_id: str,
        instance_prompt: str,
        description: str | None = None,
        model_type: CustomModelType | str | None = None,
        nsfw: bool | None = None,
        resolution: int | None = None,
        sd_version: SdVersion | str | None = None,
        strength: Strength | str | None = None,
        max_credits: float | None = None,
        extra_headers: ExtraHeaders = None,
        extra_query: ExtraQuery = None,
        extra_body: ExtraBody = None,
    ) -> TrainingJob:
        """Start training a custom model (``POST /models``); this costs money.

        Only the arguments you set are sent; the server fills in the rest. The
        request is retried only when it provably never reached the server (or
        the server answered 429), so one call never starts two trainings. An
        answer that carries the new model's id is a success, whatever else in
        it cannot be read.

        Args:
            name: The model's name.
            dataset_id: The dataset to train on (a UUID).
            instance_prompt: The prompt that will call up what was trained.
            description: The model's description.
            model_type: Its category (``CustomModelType`` or its value).
            nsfw: Whether it is NSFW.
            resolution: 512 or 768.
            sd_version: ``v1_5`` or ``v2``.
            strength: Training strength, for ``PIXEL_ART``.
            max_credits: Ask the pricing calculator first, and raise
                ``BudgetExceededError`` without training when the estimate is
                higher (or cannot be had).
            extra_headers: Headers to add to the request.
            extra_query: Query parameters to add to the request.
            extra_body: JSON fields to add to the body (not ones set above).

        Returns:
            The job, whose ``custom_model_id`` you wait on.

        Raises:
            ValueError: An argument has a value the API refuses.
            TypeError: An argument has the wrong type.
            BudgetExceededError: The estimate is over ``max_credits``.
            TrainingOutcomeUnknownError: The request may have reached the server
                but no usable answer came back (none, a 5xx, or a 200 without
                the model's id); check ``list_for_user`` before training again.
            LeonardoError: The API refused the call or could not be reached.
        """
        body = build_training_body(
            name=name,
            dataset_id=dataset_id,
            instance_prompt=instance_prompt,
            description=description,
            model_type=model_type,
            nsfw=nsfw,
            resolution=resolution,
            sd_version=sd_version,
            strength=strength,
        )
        options = extras(extra_headers, extra_query, extra_body)
        budget = check_max_credits(max_credits)
        if budget is not None:
            price = build_training_price_body(
                resolution=body.get("resolution", DEFAULT_RESOLUTION)
            )
            await within_budget(lambda: self._pricing.estimate(price), budget)
        return await self._caller.create(
            "/models",
            _read_training_job,
            lambda cause, found: TrainingOutcomeUnknownError(name, cause, found),
            json=body,
            options=options,
            find=lambda sent: created_since(
                self._lookup().list_mine, lambda m: m.name == name, sent, time.time
            ),
            recover=lambda model: TrainingJob(model.id, recovered=True),
        )

    def _lookup(self) -> Models:
        quick = self._caller.quick()
        return Models(quick, Users(quick), self._pricing)

    async def get(
        self,
        model_id: str,
        *,
        extra_headers: ExtraHeaders = None,
        extra_query: ExtraQuery = None,
    ) -> CustomModel:
        """Get one of your custom models (``GET /models/{id}``).

        Args:
            model_id: The model's id (a UUID).
            extra_headers: Headers to add to the request.
            extra_query: Query parameters to add to the request.

        Returns:
            The model, with its current training status.

        Raises:
            ValueError: ``model_id`` is not a UUID.
            NotFoundError: No model has this id.
            LeonardoError: The API refused the call or could not be reached.
        """
        check_id(model_id, "model_id")
        return await self._caller.call(
            "GET",
            f"/models/{model_id}",
            _read_model,
            options=extras(extra_headers, extra_query),
        )

    async def delete(
        self,
        model_id: str,
        *,
        extra_headers: ExtraHeaders = None,
        extra_query: ExtraQuery = None,
    ) -> str:
        """Delete one of your custom models (``DELETE /models/{id}``).

        A retry that finds the model gone after an attempt that may have
        deleted it counts as success.

        Args:
            model_id: The model's id (a UUID).
            extra_headers: Headers to add to the request.
            extra_query: Query parameters to add to the request.

        Returns:
            The id of the deleted model.

        Raises:
            ValueError: ``model_id`` is not a UUID.
            NotFoundError: No model has this id.
            LeonardoError: The API refused the call or could not be reached.
        """
        check_id(model_id, "model_id")
        return await self._caller.call(
            "DELETE",
            f"/models/{model_id}",
            _read_deleted_id,
            options=extras(extra_headers, extra_query),
            gone=lambda: model_id,
        )

    async def list_for_user(
        self,
        user_id: str,
        *,
        extra_headers: ExtraHeaders = None,
        extra_query: ExtraQuery = None,
    ) -> list[CustomModel]:
        """List a user's custom models (``GET /models/user/{userId}``).

        Args:
            user_id: The user's id (a UUID).
            extra_headers: Headers to add to the request.
            extra_query: Query parameters to add to the request.

        Returns:
            The models; a ``null`` list from the API is an empty list.

        Raises:
            ValueError: ``user_id`` is not a UUID.
            LeonardoError: The API refused the call or could not be reached.
        """
        check_id(user_id, "user_id")
        return await self._caller.call(
            "GET",
            f"/models/user/{user_id}",
            _read_models,
            options=extras(extra_headers, extra_query),
        )

    async def list_mine(
        self, *, extra_headers: ExtraHeaders = None, extra_query: ExtraQuery = None
    ) -> list[CustomModel]:
        """List the custom models of the key's own user.

        Two requests: ``GET /me`` for the user's id, then ``list_for_user``
        (which gets the per-call options).

        Returns:
            Your models.

        Raises:
            LeonardoError: The API refused a call or could not be reached.
        """
        me = await self._users.me()
        return await self.list_for_user(
            me.id, extra_headers=extra_headers, extra_query=extra_query
        )
