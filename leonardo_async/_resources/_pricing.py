"""The pricing calculator: ``client.pricing``, and the ``max_credits=`` check.

``POST /pricing-calculator`` estimates, in credits, what a job would cost.
A create given ``max_credits=`` asks for that estimate first and is not sent
when the estimate is higher, or when no estimate can be had: a budget that
cannot be checked is not a budget kept.
"""

from __future__ import annotations

import math
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any

from .._arguments import check_choice, check_int_in
from .._data import (
    Element,
    ElementBaseModel,
    PlatformElement,
    PlatformElementRef,
    PresetStyle,
    UserElement,
)
from .._errors import BudgetExceededError, LeonardoError
from .._wire import Answer, Safety, field, unfit
from ._base import Caller, ExtraHeaders, ExtraQuery, extras
from ._generation_body import build_generation_body

TRAINING_RESOLUTIONS = (512, 768, 1024)
#: The most images a FLUX_DEV training is priced for.
MAX_IMAGE_COUNT = 50
#: What the calculator takes for a side; generations take up to 1536.
MAX_PRICED_SIDE = 1024
#: What the API uses for what a generation's caller leaves out.
GENERATION_DEFAULTS = {
    "width": 1024,
    "height": 768,
    "num_images": 4,
    "num_inference_steps": 15,
    "alchemy": True,
}


def check_max_credits(value: object) -> float | None:
    """Check a ``max_credits=`` argument: ``None`` or a number of at least 0.

    Raises:
        TypeError: It is not a number.
        ValueError: It is negative or not finite.
    """
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"max_credits must be a number, not {type(value).__name__}")
    if not (math.isfinite(value) and value >= 0):
        raise ValueError(f"max_credits must be a number of at least 0, got {value!r}")
    return float(value)


def build_training_price_body(
    *, resolution: object, sd_version: object = None, image_count: object = None
) -> dict[str, Any]:
    """Check ``training_cost``'s arguments and build the calculator's body.

    Raises:
        TypeError: An argument has the wrong type.
        ValueError: An argument has a value the calculator refuses.
    """
    if isinstance(resolution, bool) or not isinstance(resolution, int):
        raise TypeError(f"resolution must be an int, not {type(resolution).__name__}")
    if resolution not in TRAINING_RESOLUTIONS:
        raise ValueError(f"resolution must be 512, 768 or 1024, got {resolution}")
    params: dict[str, Any] = {"resolution": resolution}
    if sd_version is not None:
        base = check_choice(sd_version, "sd_version", ElementBaseModel)
        if base is not ElementBaseModel.FLUX_DEV:
            raise ValueError(
                f"sd_version must be 'FLUX_DEV' or omitted, got {base.value!r}"
            )
        params["sd_version"] = base.value
        if image_count is None:
            raise ValueError("image_count is required with sd_version 'FLUX_DEV'")
    if image_count is not None:
        if sd_version is None:
            raise ValueError("image_count is taken only with sd_version 'FLUX_DEV'")
        params["datasetImageCount"] = check_int_in(
            image_count, "image_count", 1, MAX_IMAGE_COUNT
        )
    return {"service": "MODEL_TRAINING", "serviceParams": {"MODEL_TRAINING": params}}


def build_generation_price_body(generation: Mapping[str, Any]) -> dict[str, Any]:
    """Build the calculator's body for a generation, from its checked JSON body.

    What the generation leaves out is priced with the API's defaults.

    Raises:
        ValueError: The calculator refuses its width or height (over 1024).
    """
    values = {**GENERATION_DEFAULTS, **generation}
    for side in ("width", "height"):
        if values[side] > MAX_PRICED_SIDE:
            raise ValueError(
                f"{side} {values[side]} cannot be priced: the pricing calculator "
                f"takes at most {MAX_PRICED_SIDE}"
            )
    params = {
        "imageWidth": values["width"],
        "imageHeight": values["height"],
        "numImages": values["num_images"],
        "inferenceSteps": values["num_inference_steps"],
        "alchemyMode": values["alchemy"],
        "highResolution": False,
        "loraCount": len(values.get("userElements", ()))
        + len(values.get("elements", ())),
    }
    return {
        "service": "IMAGE_GENERATION",
        "serviceParams": {"IMAGE_GENERATION": params},
    }


def _read_cost(answer: Answer) -> int:
    estimate = field(answer, "calculateProductionApiServiceCost")
    cost = estimate.get("cost") if isinstance(estimate, dict) else None
    if isinstance(cost, bool) or not isinstance(cost, (int, float)):
        path = "$.calculateProductionApiServiceCost.cost"
        raise unfit(answer, path, "expected a number")
    return math.ceil(cost)


async def within_budget(
    estimate: Callable[[], Awaitable[int]], max_credits: float | None
) -> None:
    """Raise ``BudgetExceededError`` unless the estimate is within ``max_credits``.

    Nothing is asked when ``max_credits`` is ``None``.
    """
    if max_credits is None:
        return
    try:
        cost = await estimate()
    except (LeonardoError, ValueError) as exc:
        # ValueError: what the job needs is more than the calculator prices.
        raise BudgetExceededError(None, max_credits) from exc
    if cost > max_credits:
        raise BudgetExceededError(cost, max_credits)


class Pricing:
    """The pricing calculator: what a job would cost, in credits.

    Reached as ``client.pricing``; not constructed directly.
    """

    def __init__(self, caller: Caller) -> None:
        self._caller = caller

    async def estimate(
        self,
        body: Mapping[str, Any],
        *,
        extra_headers: ExtraHeaders = None,
        extra_query: ExtraQuery = None,
    ) -> int:
        """Ask the calculator about any service (``POST /pricing-calculator``).

        ``training_cost`` and ``generation_cost`` build the body for you;
        this takes one as the API does (``{"service": ..., "serviceParams":
        ...}``), for the services they do not cover. Asking creates nothing,
        so it is retried like a read.

        Returns:
            The estimate, in credits.
        """
        return await self._caller.call(
            "POST",
            "/pricing-calculator",
            _read_cost,
            json=body,
            options=extras(extra_headers, extra_query),
            safety=Safety.REPEATABLE,
        )

    async def training_cost(
        self,
        *,
        resolution: int,
        sd_version: ElementBaseModel | str | None = None,
        image_count: int | None = None,
        extra_headers: ExtraHeaders = None,
        extra_query: ExtraQuery = None,
    ) -> int:
        """Estimate what a training costs, in credits.

        Args:
            resolution: 512, 768 or 1024.
            sd_version: ``FLUX_DEV`` for an element on FLUX_DEV; omitted for
                the rest.
            image_count: The dataset's number of images, 1 to 50; taken (and
                required) only with FLUX_DEV.
            extra_headers: Headers to add to the request.
            extra_query: Query parameters to add to the request.

        Returns:
            The estimate, in credits.

        Raises:
            ValueError: An argument has a value the calculator refuses.
            TypeError: An argument has the wrong type.
        """
        body = build_training_price_body(
            resolution=resolution, sd_version=sd_version, image_count=image_count
        )
        return await self.estimate(
            body, extra_headers=extra_headers, extra_query=extra_query
        )

    async def generation_cost(
        self,
        *,
        prompt: str,
        model_id: str | None = None,
        user_elements: Sequence[UserElement | Element] = (),
        elements: Sequence[PlatformElementRef | PlatformElement] = (),
        num_images: int | None = None,
        width: int | None = None,
        height: int | None = None,
        negative_prompt: str | None = None,
        seed: int | None = None,
        preset_style: PresetStyle | str | None = None,
        alchemy: bool | None = None,
        guidance_scale: float | None = None,
        num_inference_steps: int | None = None,
        public: bool | None = None,
        enhance_prompt: bool | None = None,
        extra_headers: ExtraHeaders = None,
        extra_query: ExtraQuery = None,
    ) -> int:
        """Estimate what ``generations.create`` with these arguments costs.

        It takes the same arguments, checked the same way. The calculator
        knows the size, the number of images, the step count, Alchemy and
        the number of elements; what is not given is priced with the API's
        defaults (1024 x 768, 4 images, 15 steps, Alchemy on).

        Returns:
            The estimate, in credits.

        Raises:
            ValueError: An argument has a value the API refuses, or a width
                or height over 1024, which the calculator does not price.
            TypeError: An argument has the wrong type.
        """
        body = build_generation_body(
            prompt=prompt,
            model_id=model_id,
            user_elements=user_elements,
            elements=elements,
            num_images=num_images,
            width=width,
            height=height,
            negative_prompt=negative_prompt,
            seed=seed,
            preset_style=preset_style,
            alchemy=alchemy,
            guidance_scale=guidance_scale,
            num_inference_steps=num_inference_steps,
            public=public,
            enhance_prompt=enhance_prompt,
        )
        return await self.estimate(
            build_generation_price_body(body),
            extra_headers=extra_headers,
            extra_query=extra_query,
        )
