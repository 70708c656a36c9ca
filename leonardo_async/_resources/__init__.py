"""The API's resources, one module each, and their raw-answer views."""

from ._base import Caller
from ._datasets import CONTENT_TYPES, Datasets
from ._elements import Elements
from ._models import Models, build_training_body
from ._raw import RawResponse
from ._users import Users
from ._views import RawDatasets, RawElements, RawModels, RawUsers

__all__ = [
    "CONTENT_TYPES",
    "Caller",
    "Datasets",
    "Elements",
    "Models",
    "RawDatasets",
    "RawElements",
    "RawModels",
    "RawResponse",
    "RawUsers",
    "Users",
    "build_training_body",
]
