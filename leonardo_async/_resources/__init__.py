"""The API's resources, one module each, and their raw-answer views."""

from ._base import Caller
from ._datasets import CONTENT_TYPES, Datasets
from ._models import Models, build_training_body
from ._raw import RawResponse
from ._users import Users
from ._views import RawDatasets, RawModels, RawUsers

__all__ = [
    "CONTENT_TYPES",
    "Caller",
    "Datasets",
    "Models",
    "RawDatasets",
    "RawModels",
    "RawResponse",
    "RawUsers",
    "Users",
    "build_training_body",
]
