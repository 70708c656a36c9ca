"""The kinds of job the waits poll, each declared in a few lines."""

from __future__ import annotations

from typing import Any

from .._data import CustomModel, Element, Generation
from .._errors import (
    GenerationFailedError,
    GenerationTimeoutError,
    TrainingFailedError,
    TrainingTimeoutError,
)
from .._resources import GENERATION_PAGE, Elements, Generations, Models
from ._polling import GENERATION_INTERVALS, Kind


def _training_timeout(
    timeout: float, pending: list[Any], last: CustomModel | Element | None
) -> TrainingTimeoutError:
    return TrainingTimeoutError(timeout, pending_ids=pending, model=last)


def training_kind(models: Models) -> Kind[CustomModel]:
    """Custom-model trainings: ``GET /models/{id}`` and the user's models."""
    return Kind(
        models.get, models.list_for_user, TrainingFailedError, _training_timeout
    )


def element_kind(elements: Elements) -> Kind[Element]:
    """Element trainings: ``GET /elements/{id}`` and the user's elements."""
    return Kind(
        elements.get, elements.list_for_user, TrainingFailedError, _training_timeout
    )


def _generation_timeout(
    timeout: float, pending: list[Any], last: Generation | None
) -> GenerationTimeoutError:
    return GenerationTimeoutError(timeout, pending_ids=pending, generation=last)


def generation_kind(generations: Generations) -> Kind[Generation]:
    """Generations: ``GET /generations/{id}`` and the user's newest page."""

    async def newest(user_id: str) -> list[Generation]:
        # The ones being waited on are new: the first page holds them.
        return await generations.list_for_user(user_id, limit=GENERATION_PAGE)

    return Kind(
        generations.get,
        newest,
        GenerationFailedError,
        _generation_timeout,
        GENERATION_INTERVALS,
        cap=GENERATION_PAGE,
    )
