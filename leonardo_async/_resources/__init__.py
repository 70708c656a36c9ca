"""The API's resources, one module each, and their raw-answer views."""

from ._base import Caller
from ._datasets import CONTENT_TYPES, Datasets
from ._elements import Elements
from ._generations import MAX_PAGE as GENERATION_PAGE
from ._generations import Generations
from ._models import Models, build_training_body
from ._pricing import Pricing
from ._raw import RawResponse
from ._users import Users
from ._views import (
    RawDatasets,
    RawElements,
    RawGenerations,
    RawModels,
    RawPricing,
    RawUsers,
)

__all__ = [
    "CONTENT_TYPES",
    "GENERATION_PAGE",
    "Caller",
    "Datasets",
    "Elements",
    "Generations",
    "Models",
    "Pricing",
    "RawDatasets",
    "RawElements",
    "RawGenerations",
    "RawModels",
    "RawPricing",
    "RawResponse",
    "RawUsers",
    "Users",
    "build_training_body",
]
