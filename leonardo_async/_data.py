"""The data classes and enums the API's answers are turned into.

Frozen attrs classes with no behaviour. Each has an identity (``id``, or the
job's id) that an answer must carry; every other attribute is optional and is
``None`` when the answer omits it or sends a value that does not fit.
Enum-typed attributes are typed ``Enum | str``: a value the SDK does not know
yet is kept as the plain string.
"""

from __future__ import annotations

import enum
from datetime import datetime
from decimal import Decimal

import attrs


class _StrEnum(str, enum.Enum):
    """A str-valued enum whose ``str()`` is its value (like 3.11's StrEnum)."""

    def __str__(self) -> str:
        return str(self.value)


class JobStatus(_StrEnum):
    """The status of a training job."""

    PENDING = "PENDING"
    COMPLETE = "COMPLETE"
    FAILED = "FAILED"


class SdVersion(_StrEnum):
    """The base model of a custom model; only ``V1_5`` and ``V2`` can be trained."""

    V1_5 = "v1_5"
    V2 = "v2"
    V3 = "v3"
    SDXL_0_8 = "SDXL_0_8"
    SDXL_0_9 = "SDXL_0_9"
    SDXL_1_0 = "SDXL_1_0"
    SDXL_LIGHTNING = "SDXL_LIGHTNING"
    PHOENIX = "PHOENIX"
    FLUX = "FLUX"
    FLUX_DEV = "FLUX_DEV"
    KINO_2_0 = "KINO_2_0"


class CustomModelType(_StrEnum):
    """The category that best describes a custom model."""

    GENERAL = "GENERAL"
    BUILDINGS = "BUILDINGS"
    CHARACTERS = "CHARACTERS"
    ENVIRONMENTS = "ENVIRONMENTS"
    FASHION = "FASHION"
    ILLUSTRATIONS = "ILLUSTRATIONS"
    GAME_ITEMS = "GAME_ITEMS"
    GRAPHICAL_ELEMENTS = "GRAPHICAL_ELEMENTS"
    PHOTOGRAPHY = "PHOTOGRAPHY"
    PIXEL_ART = "PIXEL_ART"
    PRODUCT_DESIGN = "PRODUCT_DESIGN"
    TEXTURES = "TEXTURES"
    UI_ELEMENTS = "UI_ELEMENTS"
    VECTOR = "VECTOR"


class Strength(_StrEnum):
    """Training strength, used with the ``PIXEL_ART`` model type."""

    VERY_LOW = "VERY_LOW"
    LOW = "LOW"
    MEDIUM = "MEDIUM"
    HIGH = "HIGH"


class LoraFocus(_StrEnum):
    """What an element is trained to capture."""

    GENERAL = "General"
    CHARACTER = "Character"
    STYLE = "Style"
    OBJECT = "Object"


class ElementBaseModel(_StrEnum):
    """The base model an element is trained on."""

    SDXL_0_9 = "SDXL_0_9"
    SDXL_1_0 = "SDXL_1_0"
    LEONARDO_DIFFUSION_XL = "LEONARDO_DIFFUSION_XL"
    LEONARDO_LIGHTNING_XL = "LEONARDO_LIGHTNING_XL"
    VISION_XL = "VISION_XL"
    KINO_XL = "KINO_XL"
    ALBEDO_XL = "ALBEDO_XL"
    FLUX_DEV = "FLUX_DEV"


class PresetStyle(_StrEnum):
    """The style a generation's images are made in."""

    ANIME = "ANIME"
    BOKEH = "BOKEH"
    CINEMATIC = "CINEMATIC"
    CINEMATIC_CLOSEUP = "CINEMATIC_CLOSEUP"
    CREATIVE = "CREATIVE"
    DYNAMIC = "DYNAMIC"
    ENVIRONMENT = "ENVIRONMENT"
    FASHION = "FASHION"
    FILM = "FILM"
    FOOD = "FOOD"
    GENERAL = "GENERAL"
    HDR = "HDR"
    ILLUSTRATION = "ILLUSTRATION"
    LEONARDO = "LEONARDO"
    LONG_EXPOSURE = "LONG_EXPOSURE"
    MACRO = "MACRO"
    MINIMALISTIC = "MINIMALISTIC"
    MONOCHROME = "MONOCHROME"
    MOODY = "MOODY"
    NONE = "NONE"
    NEUTRAL = "NEUTRAL"
    PHOTOGRAPHY = "PHOTOGRAPHY"
    PORTRAIT = "PORTRAIT"
    RAYTRACED = "RAYTRACED"
    RENDER_3D = "RENDER_3D"
    RETRO = "RETRO"
    SKETCH_BW = "SKETCH_BW"
    SKETCH_COLOR = "SKETCH_COLOR"
    STOCK_PHOTO = "STOCK_PHOTO"
    VIBRANT = "VIBRANT"
    UNPROCESSED = "UNPROCESSED"


class CostUnit(_StrEnum):
    """The unit of a ``Cost``."""

    CREDITS = "CREDITS"
    DOLLARS = "DOLLARS"


@attrs.frozen
class GeneratedImage:
    """A generated image: one of a generation's, or a platform model's sample.

    Attributes:
        id: The image's id.
        url: Where the image can be downloaded (no API key needed).
        nsfw: Whether the image was flagged as NSFW, when the API says.
    """

    id: str
    url: str | None = None
    nsfw: bool | None = None


@attrs.frozen
class PlatformModel:
    """A public model of the platform catalogue.

    Attributes:
        id: The model's id.
        name: Its display name (``"Leonardo Phoenix 1.0"``).
        description: What it is good at.
        nsfw: Whether it is meant for NSFW content.
        featured: Whether the platform features it.
        generated_image: A sample image, when it has one.
    """

    id: str
    name: str | None = None
    description: str | None = None
    nsfw: bool | None = None
    featured: bool | None = None
    generated_image: GeneratedImage | None = None


@attrs.frozen
class CustomModel:
    """A user's custom model, trained or in training.

    Attributes:
        id: The model's id.
        name: Its name.
        description: Its description.
        instance_prompt: The prompt it was trained with.
        model_width: Its width in pixels.
        model_height: Its height in pixels.
        public: Whether it is public.
        sd_version: Its base model (a plain ``str`` for a value the SDK does not
            know).
        status: Its training status (a plain ``str`` for an unknown status).
        type: Its category (a plain ``str`` for an unknown category).
        created_at: When it was created, timezone-aware UTC.
        updated_at: When it last changed, timezone-aware UTC.
    """

    id: str
    name: str | None = None
    description: str | None = None
    instance_prompt: str | None = None
    model_width: int | None = None
    model_height: int | None = None
    public: bool | None = None
    sd_version: SdVersion | str | None = None
    status: JobStatus | str | None = None
    type: CustomModelType | str | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None


@attrs.frozen
class Cost:
    """What an operation costs.

    Attributes:
        amount: The amount, exact.
        unit: ``CREDITS`` or ``DOLLARS`` (a plain ``str`` for an unknown unit).
    """

    amount: Decimal
    unit: CostUnit | str | None = None

    def __str__(self) -> str:
        # What a person reads ("1.2500 DOLLARS"), rather than the repr.
        return f"{self.amount} {self.unit or ''}".rstrip()


@attrs.frozen
class TrainingJob:
    """The answer to starting a training.

    Attributes:
        custom_model_id: The id of the model being trained; wait on it.
        cost: What the training costs, when the API says.
        api_credit_cost: The deprecated credit cost, when the API says.
        recovered: ``True`` when the answer was lost and the SDK found the
            training it had started in your list (``cost`` is then ``None``).
    """

    custom_model_id: str
    cost: Cost | None = None
    api_credit_cost: int | None = None
    recovered: bool = False


@attrs.frozen
class User:
    """The owner of the API key, from ``GET /me``.

    Attributes:
        id: The user's id; what ``list_for_user`` takes.
        username: The user's name.
        token_renewal_date: When the plan's tokens renew, aware UTC.
        subscription_tokens: The plan's token balance.
        subscription_gpt_tokens: The plan's GPT token balance.
        subscription_model_tokens: The model training token balance.
        api_concurrency_slots: How many API jobs may run at once.
        api_paid_tokens: The paid API token balance (may be fractional).
        api_subscription_tokens: The API subscription token balance.
        paid_tokens: The paid token balance (may be fractional).
        api_plan_token_renewal_date: When the API plan's tokens renew.
    """

    id: str
    username: str | None = None
    token_renewal_date: datetime | None = None
    subscription_tokens: int | None = None
    subscription_gpt_tokens: int | None = None
    subscription_model_tokens: int | None = None
    api_concurrency_slots: int | None = None
    api_paid_tokens: float | None = None
    api_subscription_tokens: int | None = None
    paid_tokens: float | None = None
    api_plan_token_renewal_date: datetime | None = None


@attrs.frozen
class DatasetImage:
    """An image of a dataset.

    Attributes:
        id: The image's id.
        url: Where the image can be downloaded.
        created_at: When it was added, aware UTC.
    """

    id: str
    url: str | None = None
    created_at: datetime | None = None


@attrs.frozen
class Dataset:
    """A dataset of images to train a model on.

    Attributes:
        id: The dataset's id; what ``train`` takes as ``dataset_id``.
        name: Its name.
        description: Its description.
        created_at: When it was created, aware UTC.
        updated_at: When it last changed, aware UTC.
        images: Its images (empty when the answer's list cannot be read).
    """

    id: str
    name: str | None = None
    description: str | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
    images: list[DatasetImage] = attrs.Factory(list)


@attrs.frozen
class PlatformElement:
    """An element of the platform catalogue, to generate with.

    Attributes:
        ak_uuid: The element's id; what generations take.
        name: Its display name.
        description: What it does.
        base_model: The base model it works with (a plain ``str`` for a value
            the SDK does not know).
        creator_name: Who made it.
        url_image: A sample image.
        weight_default: The weight it is used with unless told otherwise.
        weight_min: The lowest weight it takes.
        weight_max: The highest weight it takes.
    """

    ak_uuid: str
    name: str | None = None
    description: str | None = None
    base_model: SdVersion | str | None = None
    creator_name: str | None = None
    url_image: str | None = None
    weight_default: float | None = None
    weight_min: float | None = None
    weight_max: float | None = None


@attrs.frozen
class Element:
    """One of your elements (a LoRA), trained or in training.

    Attributes:
        id: The element's id, an integer.
        name: Its name.
        description: Its description.
        instance_prompt: The word that calls up what it was trained on.
        resolution: The training resolution.
        learning_rate: The learning rate it was trained with.
        training_epochs: The epochs it was trained for.
        train_text_encoder: Whether the text encoder was trained too.
        base_model: Its base model (a plain ``str`` for an unknown one).
        focus: What it captures (a plain ``str`` for an unknown focus).
        status: Its training status (a plain ``str`` for an unknown status).
        created_at: When it was created, aware UTC.
        updated_at: When it last changed, aware UTC.
    """

    id: int
    name: str | None = None
    description: str | None = None
    instance_prompt: str | None = None
    resolution: int | None = None
    learning_rate: float | None = None
    training_epochs: int | None = None
    train_text_encoder: bool | None = None
    base_model: ElementBaseModel | str | None = None
    focus: LoraFocus | str | None = None
    status: JobStatus | str | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None


@attrs.frozen
class ElementTrainingJob:
    """The answer to starting an element's training.

    Attributes:
        element_id: The id of the element being trained; wait on it.
        cost: What the training costs, when the API says.
        api_credit_cost: The deprecated credit cost, when the API says.
        recovered: ``True`` when the answer was lost and the SDK found the
            training it had started in your list (``cost`` is then ``None``).
    """

    element_id: int
    cost: Cost | None = None
    api_credit_cost: int | None = None
    recovered: bool = False


@attrs.frozen
class Generation:
    """A generation: a prompt's batch of images, being made or made.

    Attributes:
        id: The generation's id.
        status: ``PENDING``, ``COMPLETE`` or ``FAILED`` (a plain ``str`` for
            an unknown status).
        prompt: The prompt.
        negative_prompt: The negative prompt.
        model_id: The model it used.
        width: The images' width in pixels.
        height: The images' height in pixels.
        seed: The seed.
        preset_style: The style (a plain ``str`` for an unknown one).
        guidance_scale: How strongly the images follow the prompt.
        inference_steps: The step count.
        public: Whether the images show in the community feed.
        created_at: When it was started, aware UTC.
        images: Its images; empty while it is ``PENDING``.
    """

    id: str
    status: JobStatus | str | None = None
    prompt: str | None = None
    negative_prompt: str | None = None
    model_id: str | None = None
    width: int | None = None
    height: int | None = None
    seed: int | None = None
    preset_style: PresetStyle | str | None = None
    guidance_scale: float | None = None
    inference_steps: int | None = None
    public: bool | None = None
    created_at: datetime | None = None
    images: list[GeneratedImage] = attrs.Factory(list)


@attrs.frozen
class GenerationJob:
    """The answer to starting a generation.

    Attributes:
        generation_id: The id of the generation; wait on it.
        cost: What the generation costs, when the API says.
        api_credit_cost: The deprecated credit cost, when the API says.
        recovered: ``True`` when the answer was lost and the SDK found the
            generation it had started in your list (``cost`` is then ``None``).
    """

    generation_id: str
    cost: Cost | None = None
    api_credit_cost: int | None = None
    recovered: bool = False


@attrs.frozen
class UserElement:
    """One of your elements, as a generation uses it (``user_elements=``).

    Attributes:
        element_id: The element's id, from ``Element.id``.
        weight: How strongly it applies.
    """

    element_id: int
    weight: float = 1.0


@attrs.frozen
class PlatformElementRef:
    """A platform element, as a generation uses it (``elements=``).

    Attributes:
        ak_uuid: The element's id, from ``PlatformElement.ak_uuid``.
        weight: How strongly it applies.
    """

    ak_uuid: str
    weight: float = 1.0
