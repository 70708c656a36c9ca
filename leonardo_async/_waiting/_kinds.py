"""The kinds of job the waits poll, each declared in a few lines."""

from __future__ import annotations

from typing import Any

from .._data import CustomModel, Element
from .._errors import TrainingFailedError, TrainingTimeoutError
from .._resources import Elements, Models
from ._polling import Kind


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
