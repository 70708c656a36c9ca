"""The arguments of ``generations.create``, checked and turned into its body.

Shared by the generations resource and the pricing calculator, which prices
a generation from the same arguments.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

from .._arguments import (
    check_bool,
    check_choice,
    check_id,
    check_int_id,
    check_int_in,
    check_number,
    check_optional_text,
    check_text,
)
from .._data import (
    Element,
    PlatformElement,
    PlatformElementRef,
    PresetStyle,
    UserElement,
)

#: The size the API gives what the caller leaves out.
DEFAULT_WIDTH, DEFAULT_HEIGHT = 1024, 768
MIN_SIDE, MAX_SIDE = 32, 1536
#: Above this side, at most ``MAX_IMAGES_LARGE`` images a generation.
LARGE_SIDE = 768
MAX_IMAGES, MAX_IMAGES_LARGE = 8, 4
MAX_SEED = 9_999_999_998


def _side(value: object, argument: str) -> int:
    side = check_int_in(value, argument, MIN_SIDE, MAX_SIDE)
    if side % 8:
        raise ValueError(f"{argument} must be a multiple of 8, got {side}")
    return side


def _weight(value: object, argument: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"{argument} must be a number, not {type(value).__name__}")
    if not math.isfinite(value):
        raise ValueError(f"{argument} must be a finite number, got {value!r}")
    return float(value)


def _user_elements(values: object) -> list[dict[str, Any]]:
    items = []
    for index, item in enumerate(_sequence(values, "user_elements")):
        where = f"user_elements[{index}]"
        if isinstance(item, Element):
            item = UserElement(item.id)
        if not isinstance(item, UserElement):
            raise TypeError(
                f"{where} must be a UserElement or an Element, not "
                f"{type(item).__name__}"
            )
        element_id = check_int_id(item.element_id, f"{where}.element_id")
        weight = _weight(item.weight, f"{where}.weight")
        items.append({"userLoraId": element_id, "weight": weight})
    return items


def _platform_weight(element: PlatformElement, where: str) -> float:
    weight = _weight(
        1.0 if element.weight_default is None else element.weight_default,
        f"{where}.weight_default",
    )
    low = -math.inf if element.weight_min is None else element.weight_min
    high = math.inf if element.weight_max is None else element.weight_max
    return check_number(weight, f"{where}.weight", low, high)


def _platform_elements(values: object) -> list[dict[str, Any]]:
    items = []
    for index, item in enumerate(_sequence(values, "elements")):
        where = f"elements[{index}]"
        if isinstance(item, PlatformElement):
            weight = _platform_weight(item, where)
        elif isinstance(item, PlatformElementRef):
            weight = _weight(item.weight, f"{where}.weight")
        else:
            raise TypeError(
                f"{where} must be a PlatformElementRef or a PlatformElement, not "
                f"{type(item).__name__}"
            )
        ak_uuid = check_id(item.ak_uuid, f"{where}.ak_uuid")
        items.append({"akUUID": ak_uuid, "weight": weight})
    return items


def _sequence(values: object, argument: str) -> list[object]:
    if isinstance(values, (str, bytes)) or not isinstance(values, Iterable):
        raise TypeError(f"{argument} must be a list, not {type(values).__name__}")
    return list(values)


def _check_count(num_images: object, width: int | None, height: int | None) -> int:
    large = max(width or DEFAULT_WIDTH, height or DEFAULT_HEIGHT) > LARGE_SIDE
    most = MAX_IMAGES_LARGE if large else MAX_IMAGES
    count = check_int_in(num_images, "num_images", 1, MAX_IMAGES)
    if count > most:
        raise ValueError(
            f"num_images must be at most {most} when width or height is over "
            f"{LARGE_SIDE} (the API's default size is {DEFAULT_WIDTH} x "
            f"{DEFAULT_HEIGHT}), got {count}"
        )
    return count


def build_generation_body(
    *,
    prompt: object,
    model_id: object = None,
    user_elements: object = (),
    elements: object = (),
    num_images: object = None,
    width: object = None,
    height: object = None,
    negative_prompt: object = None,
    seed: object = None,
    preset_style: object = None,
    alchemy: object = None,
    guidance_scale: object = None,
    num_inference_steps: object = None,
    public: object = None,
    enhance_prompt: object = None,
) -> dict[str, Any]:
    """Check the arguments of ``generations.create`` and build its JSON body.

    Only what the caller set is sent: the API owns the defaults.

    Raises:
        TypeError: An argument has the wrong type.
        ValueError: An argument has a value the API refuses.
    """
    body: dict[str, Any] = {"prompt": check_text(prompt, "prompt")}
    if model_id is not None:
        body["modelId"] = check_id(model_id, "model_id")
    side_w = None if width is None else _side(width, "width")
    side_h = None if height is None else _side(height, "height")
    optional: dict[str, Any] = {
        "width": side_w,
        "height": side_h,
        "num_images": None
        if num_images is None
        else _check_count(num_images, side_w, side_h),
        "negative_prompt": check_optional_text(negative_prompt, "negative_prompt"),
        "seed": None if seed is None else check_int_in(seed, "seed", 0, MAX_SEED),
        "presetStyle": None
        if preset_style is None
        else check_choice(preset_style, "preset_style", PresetStyle).value,
        "alchemy": None if alchemy is None else check_bool(alchemy, "alchemy"),
        "guidance_scale": None
        if guidance_scale is None
        else check_number(guidance_scale, "guidance_scale", 1, 20),
        "num_inference_steps": None
        if num_inference_steps is None
        else check_int_in(num_inference_steps, "num_inference_steps", 10, 60),
        "public": None if public is None else check_bool(public, "public"),
        "enhancePrompt": None
        if enhance_prompt is None
        else check_bool(enhance_prompt, "enhance_prompt"),
        "userElements": _user_elements(user_elements) or None,
        "elements": _platform_elements(elements) or None,
    }
    body.update((key, value) for key, value in optional.items() if value is not None)
    return body
