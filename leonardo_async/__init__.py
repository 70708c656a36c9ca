"""leonardo-async: an async-first SDK for the Leonardo.AI Models REST API.

Example::

    import leonardo_async as leo

    async with leo.LeonardoClient() as client:
        job = await client.models.train(
            name="my-style", dataset_id=dataset_id, instance_prompt="a photo of sks"
        )
        model = await client.wait_for_training(job.custom_model_id)
"""

from ._client import LeonardoClient, WithRawResponse
from ._data import (
    Cost,
    CostUnit,
    CustomModel,
    CustomModelType,
    Dataset,
    DatasetImage,
    Element,
    ElementBaseModel,
    ElementTrainingJob,
    GeneratedImage,
    JobStatus,
    LoraFocus,
    PlatformElement,
    PlatformModel,
    SdVersion,
    Strength,
    TrainingJob,
    User,
)
from ._errors import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    ElementOutcomeUnknownError,
    ImageUploadError,
    JobFailedError,
    LeonardoError,
    NotFoundError,
    OutcomeUnknownError,
    PermissionDeniedError,
    RateLimitError,
    ResponseValidationError,
    ServerError,
    TrainingFailedError,
    TrainingOutcomeUnknownError,
    TrainingTimeoutError,
    WaitTimeoutError,
)
from ._resources import Datasets, Elements, Models, RawResponse, Users
from ._version import __version__

__all__ = [
    "APIConnectionError",
    "APIStatusError",
    "APITimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "Cost",
    "CostUnit",
    "CustomModel",
    "CustomModelType",
    "Dataset",
    "DatasetImage",
    "Datasets",
    "Element",
    "ElementBaseModel",
    "ElementOutcomeUnknownError",
    "ElementTrainingJob",
    "Elements",
    "GeneratedImage",
    "ImageUploadError",
    "JobFailedError",
    "JobStatus",
    "LeonardoClient",
    "LeonardoError",
    "LoraFocus",
    "Models",
    "NotFoundError",
    "OutcomeUnknownError",
    "PermissionDeniedError",
    "PlatformElement",
    "PlatformModel",
    "RateLimitError",
    "RawResponse",
    "ResponseValidationError",
    "SdVersion",
    "ServerError",
    "Strength",
    "TrainingFailedError",
    "TrainingJob",
    "TrainingOutcomeUnknownError",
    "TrainingTimeoutError",
    "User",
    "Users",
    "WaitTimeoutError",
    "WithRawResponse",
    "__version__",
]
