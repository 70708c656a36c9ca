"""The Image Generation and pricing APIs of ``FakeLeonardo``.

A generation stays ``PENDING`` for ``generation_seconds``, then has its
images: real PNGs, drawn from the prompt, the seed and the image's number, and
served from the fake's storage host (which refuses the API key, as image
hosts do not want it). Pages of a user's generations come newest first. The
pricing calculator is a fixed formula, and what a create answers as its cost
is what the calculator says.
"""

from __future__ import annotations

import hashlib
import itertools
import math
import struct
import time
import uuid
import zlib
from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any

import attrs
from aiohttp import web

from ._shared import _error, _json_object, _timestamp

#: Every field the spec's ``POST /generations`` body has.
_GENERATION_FIELDS = frozenset(
    {
        "alchemy",
        "canvasInitId",
        "canvasMaskId",
        "canvasRequest",
        "canvasRequestType",
        "contrast",
        "contrastRatio",
        "controlNet",
        "controlNetType",
        "controlnets",
        "elements",
        "enhancePrompt",
        "enhancePromptInstruction",
        "expandedDomain",
        "fantasyAvatar",
        "guidance_scale",
        "height",
        "highContrast",
        "highResolution",
        "imagePromptWeight",
        "imagePrompts",
        "init_generation_image_id",
        "init_image_id",
        "init_strength",
        "modelId",
        "negative_prompt",
        "num_images",
        "num_inference_steps",
        "photoReal",
        "photoRealStrength",
        "photoRealVersion",
        "presetStyle",
        "prompt",
        "promptMagic",
        "promptMagicStrength",
        "promptMagicVersion",
        "public",
        "scheduler",
        "sd_version",
        "seed",
        "tiling",
        "transparency",
        "ultra",
        "unzoom",
        "unzoomAmount",
        "upscaleRatio",
        "userElements",
        "weighting",
        "width",
    }
)
_SERVICES = (
    "IMAGE_GENERATION", "FANTASY_AVATAR_GENERATION", "MOTION_SVD_GENERATION",
    "MOTION_VIDEO_GENERATION", "VEO3_MOTION_VIDEO_GENERATION", "LCM_GENERATION",
    "MODEL_TRAINING", "TEXTURE_GENERATION", "UNIVERSAL_UPSCALER",
    "UNIVERSAL_UPSCALER_ULTRA",
)  # fmt: skip
#: The longest side of the PNGs the fake draws (the real ones are full size).
_DRAWN_SIDE = 256
_GENERATIONS_PATH = "/storage/generations"
_UUID_LENGTH = 36


def training_credits(flux_images: int | None = None) -> int:
    """What a training costs on the fake, in credits: FLUX_DEV's by image."""
    if flux_images is not None:
        return 100 + 10 * flux_images
    return 125


def generation_credits(
    width: int, height: int, images: int, steps: int, alchemy: bool, loras: int
) -> int:
    """What a generation costs on the fake, in credits."""
    per_image = math.ceil(width * height / 262_144) * (2 if alchemy else 1) + loras
    return per_image * images + max(0, steps - 15) // 5


def dollars(credits: int) -> dict[str, str]:
    """The ``cost`` object of a create's answer, for ``credits``."""
    return {"amount": f"{credits / 100:.4f}", "unit": "DOLLARS"}


def draw_png(width: int, height: int, seed: bytes) -> bytes:
    """A real PNG: a two-colour gradient with bands, chosen by ``seed``."""
    digest = hashlib.sha256(seed).digest()
    start, end, band = digest[0:3], digest[3:6], 8 + digest[6] % 24
    scale = _DRAWN_SIDE / max(width, height)
    w, h = max(1, round(width * scale)), max(1, round(height * scale))
    # Each row is a slice of one diagonal gradient; bands lighten every other.
    lines = [
        b"".join(
            bytes(
                min(255, int(a + (b - a) * k / (w + h)) + shade)
                for a, b in zip(start, end, strict=True)
            )
            for k in range(w + h)
        )
        for shade in (0, 24)
    ]
    rows = [b"\x00" + lines[(y // band) % 2][3 * y : 3 * (y + w)] for y in range(h)]

    def chunk(kind: bytes, data: bytes) -> bytes:
        checksum = zlib.crc32(kind + data)
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", checksum)

    header = struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"".join(rows), 6))
        + chunk(b"IEND", b"")
    )


@attrs.define
class _Generation:
    fields: dict[str, Any]
    owner: str
    created: float
    fails: bool
    count: int
    order: int


def _is_int(value: Any) -> bool:
    return type(value) is int


def _number(value: Any) -> bool:
    return type(value) in (int, float) and math.isfinite(value)


def _size_problem(body: dict[str, Any]) -> str | None:
    for key in ("width", "height"):
        value = body.get(key)
        if value is not None and (
            not _is_int(value) or not 32 <= value <= 1536 or value % 8
        ):
            return f"{key} must be an integer from 32 to 1536, a multiple of 8"
    width, height = body.get("width") or 1024, body.get("height") or 768
    count = body.get("num_images")
    if count is not None:
        most = 4 if max(width, height) > 768 else 8
        if not _is_int(count) or not 1 <= count <= most:
            return f"num_images must be an integer from 1 to {most} at this size"
    return None


def _elements_problem(body: dict[str, Any], yours: Any, platform: Any) -> str | None:
    for item in body.get("userElements") or ():
        # The spec types the id as a number: 1001.0 is element 1001.
        lora: Any = item.get("userLoraId") if isinstance(item, dict) else None
        if not _number(lora) or lora != int(lora):
            return "userElements items need an integer userLoraId"
        if item.get("weight") is not None and not _number(item["weight"]):
            return "an element's weight must be a number"
        if int(lora) not in yours:
            return f"element {item['userLoraId']} not found"
    for item in body.get("elements") or ():
        if not isinstance(item, dict) or not isinstance(item.get("akUUID"), str):
            return "elements items need an akUUID string"
        if item.get("weight") is not None and not _number(item["weight"]):
            return "an element's weight must be a number"
        if item["akUUID"] not in platform:
            return f"element {item['akUUID']} not found"
    return None


def generation_problem(body: Any, models: Any, yours: Any, platform: Any) -> str | None:
    """What is wrong with a generation body, as strictly as the spec."""
    if not isinstance(body, dict):
        return "expected a JSON object"
    unknown = sorted(set(body) - _GENERATION_FIELDS)
    if unknown:
        return f"unknown field {unknown[0]!r}"
    if not isinstance(body.get("prompt"), str) or not body["prompt"].strip():
        return "missing or invalid field 'prompt'"
    model = body.get("modelId")
    if model is not None and (not isinstance(model, str) or model not in models):
        return "model not found"
    checks: dict[str, Callable[[Any], bool]] = {
        "negative_prompt": lambda v: isinstance(v, str),
        "seed": lambda v: _is_int(v) and 0 <= v <= 9_999_999_998,
        "presetStyle": lambda v: isinstance(v, str),
        "guidance_scale": lambda v: _number(v) and 1 <= v <= 20,
        "num_inference_steps": lambda v: _is_int(v) and 10 <= v <= 60,
    }
    checks.update(
        dict.fromkeys(
            ("alchemy", "public", "enhancePrompt"), lambda v: isinstance(v, bool)
        )
    )
    for key, fits in checks.items():
        if body.get(key) is not None and not fits(body[key]):
            return f"invalid value for {key!r}: {body[key]!r}"
    return _size_problem(body) or _elements_problem(body, yours, platform)


def _training_price(params: Any) -> int | str:
    if not isinstance(params, dict) or params.get("resolution") not in (512, 768, 1024):
        return "resolution must be 512, 768 or 1024"
    if not _is_int(params["resolution"]):
        return "resolution must be an integer"
    if params.get("sd_version") not in (None, "FLUX_DEV"):
        return "sd_version must be FLUX_DEV or omitted"
    count: Any = params.get("datasetImageCount")
    if params.get("sd_version") == "FLUX_DEV":
        if not _is_int(count) or not 1 <= count <= 50:
            return "datasetImageCount must be an integer from 1 to 50"
        return training_credits(count)
    return training_credits()


def _generation_price(params: Any) -> int | str:
    if not isinstance(params, dict):
        return "IMAGE_GENERATION parameters are required"
    width: Any = params.get("imageWidth")
    height: Any = params.get("imageHeight")
    count: Any = params.get("numImages")
    steps: Any = params.get("inferenceSteps", 15)
    for value in (width, height):
        if not _is_int(value) or not 32 <= value <= 1024 or value % 8:
            return "imageWidth and imageHeight: integers from 32 to 1024, by 8"
    most = 4 if max(width, height) > 768 else 8
    if not _is_int(count) or not 1 <= count <= most:
        return f"numImages must be an integer from 1 to {most}"
    if not _is_int(steps) or not 10 <= steps <= 60:
        return "inferenceSteps must be an integer from 10 to 60"
    loras = params.get("loraCount") or 0
    alchemy = params.get("alchemyMode", True)
    if not _is_int(loras) or loras < 0 or not isinstance(alchemy, bool):
        return "loraCount must be an integer, alchemyMode a boolean"
    return generation_credits(width, height, count, steps, alchemy, loras)


def price(body: Any) -> int | str:
    """The fake calculator's answer: credits, or what is wrong with ``body``."""
    if not isinstance(body, dict) or body.get("service") not in _SERVICES:
        return "service must be one of the calculator's services"
    params = body.get("serviceParams")
    if not isinstance(params, dict):
        return "serviceParams must be an object"
    service = body["service"]
    if service == "MODEL_TRAINING":
        return _training_price(params.get(service))
    if service == "IMAGE_GENERATION":
        return _generation_price(params.get(service))
    return 10  # the services the SDK does not price have a flat fee here


class FakeGenerations:
    """The generation and pricing routes of the fake; mixed into ``FakeLeonardo``."""

    # Provided by FakeLeonardo.
    user_id: str

    @property
    def storage_root(self) -> str:
        raise NotImplementedError

    def _known_models(self) -> set[str]:
        raise NotImplementedError

    def _known_elements(self) -> tuple[set[int], set[str]]:
        raise NotImplementedError

    def _setup_generations(self, generation_seconds: float) -> None:
        self.generation_seconds = generation_seconds
        self._generations: dict[str, _Generation] = {}
        self._pngs: dict[str, bytes] = {}
        self._fail_next_generation = 0
        self._order = itertools.count()

    def generation_routes(self) -> list[tuple[str, str, Any]]:
        """The generation and pricing routes, below the API root."""
        return [
            ("POST", "/generations", self._create_generation),
            ("GET", "/generations/user/{user_id}", self._user_generations),
            ("GET", "/generations/{id}", self._get_generation),
            ("DELETE", "/generations/{id}", self._delete_generation),
            ("POST", "/pricing-calculator", self._price),
        ]

    def image_routes(self) -> list[tuple[str, str, Any]]:
        """The storage routes that serve generated images."""
        return [("GET", _GENERATIONS_PATH + "/{name}", self._serve_image)]

    def generation_ids(self) -> list[str]:
        """The ids of every generation the fake holds, oldest first."""
        return list(self._generations)

    def fail_next_generation(self, count: int = 1) -> None:
        """Make the next ``count`` generations end in ``FAILED``."""
        self._fail_next_generation += count

    def _generation_view(self, generation: _Generation) -> dict[str, Any]:
        fields = dict(generation.fields)
        if time.monotonic() - generation.created < self.generation_seconds:
            return fields
        if generation.fails:
            return {**fields, "status": "FAILED"}
        images = [
            {
                "id": str(uuid.UUID(int=uuid.UUID(fields["id"]).int ^ n, version=4)),
                "url": f"{self.storage_root}{_GENERATIONS_PATH}/{fields['id']}-{n}.png",
                "nsfw": False,
                "likeCount": 0,
                "generated_image_variation_generics": [],
            }
            for n in range(1, generation.count + 1)
        ]
        return {**fields, "status": "COMPLETE", "generated_images": images}

    async def _create_generation(self, request: web.Request) -> web.Response:
        body = await _json_object(request)
        yours, platform = self._known_elements()
        problem = generation_problem(body, self._known_models(), yours, platform)
        if body is None or problem is not None:
            return _error(400, problem or "expected an object", "validation-failed")
        generation_id = str(uuid.uuid4())
        width, height = body.get("width") or 1024, body.get("height") or 768
        count = body.get("num_images") or 4
        steps = body.get("num_inference_steps") or 15
        alchemy = body.get("alchemy") is not False
        loras = len(body.get("userElements") or ()) + len(body.get("elements") or ())
        seed = body.get("seed")
        if seed is None:
            seed = int.from_bytes(
                hashlib.sha256(generation_id.encode()).digest()[:4], "big"
            )
        self._generations[generation_id] = _Generation(
            {
                "id": generation_id,
                "status": "PENDING",
                "prompt": body["prompt"],
                "negativePrompt": body.get("negative_prompt"),
                "modelId": body.get("modelId"),
                "imageWidth": width,
                "imageHeight": height,
                "seed": seed,
                "presetStyle": body.get("presetStyle"),
                "guidanceScale": body.get("guidance_scale"),
                "inferenceSteps": steps,
                "public": bool(body.get("public")),
                "createdAt": _timestamp(datetime.now(timezone.utc)),
                "generated_images": [],
                "generation_elements": [],
            },
            self.user_id,
            time.monotonic(),
            self._fail_next_generation > 0,
            count,
            next(self._order),
        )
        self._fail_next_generation = max(0, self._fail_next_generation - 1)
        credits = generation_credits(width, height, count, steps, alchemy, loras)
        job = {
            "generationId": generation_id,
            "apiCreditCost": credits,
            "cost": dollars(credits),
        }
        return web.json_response({"sdGenerationJob": job})

    async def _get_generation(self, request: web.Request) -> web.Response:
        generation = self._generations.get(request.match_info["id"])
        view = None if generation is None else self._generation_view(generation)
        return web.json_response({"generations_by_pk": view})

    async def _delete_generation(self, request: web.Request) -> web.Response:
        generation = self._generations.pop(request.match_info["id"], None)
        deleted = None if generation is None else {"id": generation.fields["id"]}
        return web.json_response({"delete_generations_by_pk": deleted})

    async def _user_generations(self, request: web.Request) -> web.Response:
        owner = request.match_info["user_id"]
        try:
            offset = int(request.query.get("offset", "0"))
            limit = int(request.query.get("limit", "10"))
        except ValueError:
            return _error(400, "offset and limit must be integers", "validation-failed")
        if offset < 0 or limit < 0:
            return _error(
                400, "offset and limit must not be negative", "validation-failed"
            )
        mine = [g for g in self._generations.values() if g.owner == owner]
        mine.sort(key=lambda g: g.order, reverse=True)
        page = [self._generation_view(g) for g in mine[offset : offset + limit]]
        return web.json_response({"generations": page})

    async def _price(self, request: web.Request) -> web.Response:
        answer = price(await _json_object(request))
        if isinstance(answer, str):
            return _error(400, answer, "validation-failed")
        return web.json_response(
            {"calculateProductionApiServiceCost": {"cost": answer}}
        )

    async def _serve_image(self, request: web.Request) -> web.Response:
        name = request.match_info["name"]  # <generation id>-<n>.png
        generation = self._generations.get(name[:_UUID_LENGTH])
        number = name[_UUID_LENGTH + 1 :].removesuffix(".png")
        view = None if generation is None else self._generation_view(generation)
        if (
            view is None
            or view.get("status") != "COMPLETE"
            or not number.isdigit()
            or not 1 <= int(number) <= len(view["generated_images"])
        ):
            return web.Response(status=404, text="no such image")
        png = self._pngs.get(name)
        if png is None:
            seed = f"{view['prompt']}|{view['seed']}|{number}".encode()
            png = self._pngs[name] = draw_png(
                view["imageWidth"], view["imageHeight"], seed
            )
        return web.Response(body=png, content_type="image/png")
