"""The Elements API of ``FakeLeonardo``: the catalogue, and training elements.

Its own lists of what the API takes, not the SDK's, so that a mistake in the
SDK is not mirrored here. Element ids are integers, as the real API's are.
"""

from __future__ import annotations

import itertools
import time
from datetime import datetime, timezone
from typing import Any

from aiohttp import web

from ._fake_generations import dollars, training_credits
from ._shared import (
    _error,
    _json_object,
    _Model,
    _timestamp,
    _v4_id,
)

_FOCUSES = ("General", "Character", "Style", "Object")
_BASE_MODELS = (
    "SDXL_0_9", "SDXL_1_0", "LEONARDO_DIFFUSION_XL", "LEONARDO_LIGHTNING_XL",
    "VISION_XL", "KINO_XL", "ALBEDO_XL", "FLUX_DEV",
)  # fmt: skip
#: (name, description, base model) of the fake's platform elements.
CATALOGUE = [
    ("Toy Figurine", "Plastic collectible figures with a glossy finish.", "FLUX_DEV"),
    ("Neon Noir", "Rain-soaked streets lit in pink and cyan.", "FLUX_DEV"),
    ("Watercolour Wash", "Soft pigment blooms on textured paper.", "SDXL_1_0"),
    ("Ink Sketch", "Loose pen lines with cross-hatched shade.", "SDXL_1_0"),
    ("Isometric Diorama", "Tiny worlds seen from above at an angle.", "FLUX_DEV"),
]


def training_problem(body: Any, datasets: Any) -> str | None:
    """What is wrong with an element training body; ``None`` if nothing."""
    if not isinstance(body, dict):
        return "expected a JSON object"
    for key in ("name", "datasetId"):
        if not isinstance(body.get(key), str) or not body[key]:
            return f"missing or invalid field {key!r}"
    focus, base = body.get("lora_focus"), body.get("sd_version")
    if focus not in _FOCUSES or base not in _BASE_MODELS:
        return "lora_focus and sd_version are required and must be known values"
    if base == "FLUX_DEV" and focus == "General":
        return "FLUX_DEV does not support the General category"
    epochs: Any = body.get("num_train_epochs")
    rate: Any = body.get("learning_rate")
    if type(epochs) is not int or not 1 <= epochs <= 250:
        return "num_train_epochs is required: an integer from 1 to 250"
    if type(rate) not in (int, float) or not 0 < rate <= 0.001:
        return "learning_rate is required: a number above 0, at most 0.001"
    if not isinstance(body.get("train_text_encoder"), bool):
        return "train_text_encoder is required: a boolean"
    for key in ("instance_prompt", "description"):
        if body.get(key) is not None and not isinstance(body[key], str):
            return f"invalid field {key!r}"
    if (
        body.get("resolution") not in (None, 1024)
        or type(body.get("resolution")) is float
    ):
        return "resolution must be 1024"
    needs_prompt = base != "FLUX_DEV" or focus == "Character"
    if needs_prompt and not body.get("instance_prompt"):
        return "instance_prompt is required for this base model and focus"
    if body["datasetId"] not in datasets:
        return "dataset not found"
    return None


class FakeElements:
    """The Elements routes of the fake; mixed into ``FakeLeonardo``."""

    # Provided by FakeLeonardo.
    user_id: str
    _datasets: dict[str, Any]
    _fail_next: int

    def _view(self, model: _Model) -> dict[str, Any]:
        raise NotImplementedError

    def _setup_elements(self) -> None:
        self._elements: dict[int, _Model] = {}
        self._element_ids = itertools.count(1001)
        #: (element id, name) of every element training the fake started.
        self.element_trainings: list[tuple[int, str]] = []
        self._platform_elements = [
            {
                "akUUID": _v4(name),
                "name": name,
                "description": description,
                "baseModel": base,
                "creatorName": "Leonardo",
                "urlImage": f"https://cdn.leonardo.ai/elements/{index}.jpg",
                "weightDefault": 1,
                "weightMin": -1,
                "weightMax": 2,
            }
            for index, (name, description, base) in enumerate(CATALOGUE)
        ]

    def element_routes(self) -> list[tuple[str, str, Any]]:
        """The Elements API's routes, below the API root."""
        return [
            ("GET", "/elements", self._list_platform_elements),
            ("POST", "/elements", self._train_element),
            ("GET", "/elements/user/{user_id}", self._user_elements),
            ("GET", "/elements/{id}", self._get_element),
            ("DELETE", "/elements/{id}", self._delete_element),
        ]

    def _known_elements(self) -> tuple[set[int], set[str]]:
        return set(self._elements), {str(e["akUUID"]) for e in self._platform_elements}

    def add_element(self, *, owner: str | None = None, **fields: Any) -> int:
        """Store a trained element directly, to generate with.

        Args:
            owner: The owning user's id; the fake's own user when omitted.
            **fields: Wire fields to set (``name="x"``, ``status="PENDING"``);
                a given ``status`` stays.

        Returns:
            The element's id.
        """
        element_id = next(self._element_ids)
        now = _now()
        stored = {
            "id": element_id,
            "name": "added element",
            "description": "",
            "instancePrompt": None,
            "resolution": 1024,
            "learningRate": 0.00001,
            "trainingEpoch": 60,
            "trainTextEncoder": True,
            "baseModel": "FLUX_DEV",
            "focus": "Style",
            "status": "COMPLETE",
            "createdAt": now,
            "updatedAt": now,
            **fields,
        }
        self._elements[element_id] = _Model(
            stored, owner or self.user_id, time.monotonic(), False, stored["status"]
        )
        return element_id

    def element_ids(self) -> list[int]:
        """The ids of every element the fake holds, oldest first."""
        return list(self._elements)

    async def _list_platform_elements(self, request: web.Request) -> web.Response:
        return web.json_response({"loras": self._platform_elements})

    async def _train_element(self, request: web.Request) -> web.Response:
        body = await _json_object(request)
        problem = training_problem(body, self._datasets)
        if body is None or problem is not None:
            return _error(400, problem or "expected an object", "validation-failed")
        element_id = next(self._element_ids)
        now = _now()
        self._elements[element_id] = _Model(
            {
                "id": element_id,
                "name": body["name"],
                "description": body.get("description") or "",
                "instancePrompt": body.get("instance_prompt"),
                "resolution": 1024,
                "learningRate": float(body["learning_rate"]),
                "trainingEpoch": body["num_train_epochs"],
                "trainTextEncoder": body["train_text_encoder"],
                "baseModel": body["sd_version"],
                "focus": body["lora_focus"],
                "status": "PENDING",
                "createdAt": now,
                "updatedAt": now,
            },
            self.user_id,
            time.monotonic(),
            self._fail_next > 0,
        )
        self._fail_next = max(0, self._fail_next - 1)
        self.element_trainings.append((element_id, body["name"]))
        images = len(self._datasets[body["datasetId"]].images)
        flux = body["sd_version"] == "FLUX_DEV"
        credits = training_credits(images if flux else None)
        job = {
            "userLoraId": element_id,
            "apiCreditCost": credits,
            "cost": dollars(credits),
        }
        return web.json_response({"sdTrainingJob": job})

    def _element(self, request: web.Request) -> tuple[int | None, web.Response | None]:
        text = request.match_info["id"]
        if not text.isdigit():
            return None, _error(
                400, "the element id must be an integer", "validation-failed"
            )
        return int(text), None

    async def _get_element(self, request: web.Request) -> web.Response:
        element_id, refused = self._element(request)
        if refused is not None:
            return refused
        element = self._elements.get(element_id)  # type: ignore[arg-type]
        view = None if element is None else self._view(element)
        return web.json_response({"user_loras_by_pk": view})

    async def _delete_element(self, request: web.Request) -> web.Response:
        element_id, refused = self._element(request)
        if refused is not None:
            return refused
        element = self._elements.pop(element_id, None)  # type: ignore[arg-type]
        deleted = None if element is None else {"id": element_id}
        return web.json_response({"delete_user_loras_by_pk": deleted})

    async def _user_elements(self, request: web.Request) -> web.Response:
        owner = request.match_info["user_id"]
        views = [self._view(e) for e in self._elements.values() if e.owner == owner]
        return web.json_response({"user_loras": views})


def _v4(name: str) -> str:
    return _v4_id("platform element", name)


def _now() -> str:
    return _timestamp(datetime.now(timezone.utc))
