"""``FakeLeonardo``: a real aiohttp server on loopback that plays the API.

It serves the Models API, `/me`, the datasets API, the Elements API
(``_fake_elements``), the Image Generation and pricing APIs
(``_fake_generations``), and an S3-like storage on a port of its own: it
takes presigned uploads and serves the generated images. It keeps its own
lists of what the API accepts (image types, model types) rather than the
SDK's, so that a mistake in the SDK is not mirrored here.
"""

from __future__ import annotations

import asyncio
import fnmatch
import json
import time
import uuid
from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime, timedelta, timezone
from types import TracebackType
from typing import Any

import attrs
from aiohttp import BodyPartReader, web

from ._fake_elements import FakeElements
from ._fake_generations import FakeGenerations, dollars, training_credits
from ._shared import (
    _NOT_JSON,
    _decoded,
    _error,
    _json_object,
    _Model,
    _timestamp,
    _v4_id,
)

API_PREFIX = "/api/rest/v1"
#: The path of the fake's storage bucket, on a port of its own.
STORAGE_PATH = "/storage/leonardo-datasets"
IMAGE_TYPES = {
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "webp": "image/webp",
}

_CATALOGUE = [
    (
        "Leonardo Phoenix 1.0",
        "The flagship: prompt adherence and text in images.",
        True,
    ),
    ("Lucid Origin", "Vibrant, detailed images across a wide range of styles.", True),
    (
        "FLUX.1 Kontext",
        "Edit images with words, keeping characters consistent.",
        True,
    ),
    ("Ideogram 3.0", "Typography and graphic design with clean, legible text.", True),
    ("Leonardo Kino XL", "A cinematic model for wide, moody shots.", False),
    ("Leonardo Lightning XL", "Fast, high-quality generations.", False),
    ("Leonardo Vision XL", "Photorealism with natural light and texture.", False),
    ("Leonardo Diffusion XL", "A versatile general-purpose model.", False),
    ("Flux Dev", "Fine detail and strong prompt following.", False),
]

#: Models whose real id the spec names (the generation body's default model).
_REAL_IDS = {"Leonardo Lightning XL": "b24e16ff-06e3-43eb-8d33-4416c2d75876"}
_TRAINABLE_SD_VERSIONS = ("v1_5", "v2")
_MODEL_TYPES = (
    "GENERAL", "BUILDINGS", "CHARACTERS", "ENVIRONMENTS", "FASHION", "ILLUSTRATIONS",
    "GAME_ITEMS", "GRAPHICAL_ELEMENTS", "PHOTOGRAPHY", "PIXEL_ART", "PRODUCT_DESIGN",
    "TEXTURES", "UI_ELEMENTS", "VECTOR",
)  # fmt: skip
_STRENGTHS = ("VERY_LOW", "LOW", "MEDIUM", "HIGH")


@attrs.frozen
class RecordedRequest:
    """One request the fake received.

    Attributes:
        method: The HTTP method.
        path: The path below the API root (``/models/<id>``).
        headers: The request headers.
        json: The decoded JSON body, or ``None``.
        query: The query parameters.
        at: When it arrived, on ``time.monotonic()``'s clock.
    """

    method: str
    path: str
    headers: Mapping[str, str]
    json: Any
    query: Mapping[str, str] = attrs.Factory(dict)
    at: float = attrs.Factory(time.monotonic)


@attrs.frozen
class StoredUpload:
    """One image the fake's storage received.

    Attributes:
        key: The storage key it was written to.
        fields: The form fields, in the order they came.
        filename: The file part's file name.
        content_type: The file part's content type.
        data: The bytes.
        headers: The request headers.
    """

    key: str
    fields: list[tuple[str, str]]
    filename: str | None
    content_type: str | None
    data: bytes
    headers: Mapping[str, str]


@attrs.define
class _Dataset:
    fields: dict[str, Any]
    images: list[dict[str, Any]] = attrs.Factory(list)


@attrs.frozen
class _Slot:
    dataset_id: str
    image_id: str
    fields: dict[str, str]


@attrs.define
class Fault:
    """A misbehaviour armed by ``FakeLeonardo.inject_fault``."""

    method: str
    path_pattern: str
    status: int | None
    retry_after: float | str | None
    delay: float | None
    drop_connection: bool
    body: bytes | str | None
    times: int

    def matches(self, method: str, path: str) -> bool:
        """Whether this fault applies to a request."""
        return (
            self.times > 0
            and self.method in ("*", method)
            and fnmatch.fnmatchcase(path, self.path_pattern)
        )


class FakeLeonardo(FakeElements, FakeGenerations):
    """A fake of the Leonardo.AI REST API, served for real on 127.0.0.1.

    It keeps its state in memory, answers with the real API's shapes and
    habits (``null`` for unknown ids, zone-less timestamps, the error body
    ``{"error", "path", "code"}``), trains models and elements in
    ``training_seconds``, makes images in ``generation_seconds``, prices jobs
    with a fixed formula, and misbehaves on request.

    Args:
        training_seconds: How long a training stays ``PENDING``.
        generation_seconds: How long a generation stays ``PENDING``.
        api_key: The key it accepts; a random UUID when omitted.
        host: The address to listen on.
        port: The port; a free one when 0.

    Example::

        async with FakeLeonardo(training_seconds=0.2) as fake:
            async with LeonardoClient(fake.api_key, base_url=fake.base_url) as c:
                print(await c.models.list_platform())
    """

    def __init__(
        self,
        *,
        training_seconds: float = 1.0,
        generation_seconds: float = 0.5,
        api_key: str | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        self.training_seconds = training_seconds
        self.api_key = api_key or str(uuid.uuid4())
        self.user_id = str(uuid.uuid4())
        #: Every request received, in order.
        self.requests: list[RecordedRequest] = []
        #: The most TCP connections open at once, and requests being served.
        self.max_connections = 0
        self.max_in_flight = 0
        self._in_flight = 0
        #: (model id, name) of every training the fake started, in order.
        self.trainings: list[tuple[str, str]] = []
        self._host = host
        self._port = port
        self._models: dict[str, _Model] = {}
        self._setup_elements()
        self._setup_generations(generation_seconds)
        self._faults: list[Fault] = []
        self._fail_next = 0
        self._runner: web.AppRunner | None = None
        self._storage: web.AppRunner | None = None
        self._datasets: dict[str, _Dataset] = {}
        self._slots: dict[str, _Slot] = {}
        #: Every image the storage received, in order.
        self.uploads: list[StoredUpload] = []
        self._platform = [
            {
                "id": _REAL_IDS.get(name) or _v4_id("platform model", name),
                "name": name,
                "description": description,
                "nsfw": False,
                "featured": featured,
                "generated_image": {
                    "id": _v4_id("sample image", name),
                    "url": f"https://cdn.leonardo.ai/samples/{index}.jpg",
                },
            }
            for index, (name, description, featured) in enumerate(_CATALOGUE)
        ]

    @property
    def trainings_started(self) -> int:
        """How many trainings the fake started."""
        return len(self.trainings)

    @property
    def base_url(self) -> str:
        """The API root to give ``LeonardoClient(base_url=...)``."""
        if self._runner is None:
            raise RuntimeError("the fake is not running; use 'async with' or start()")
        host, port = self._runner.addresses[0][:2]
        return f"http://{host}:{port}{API_PREFIX}"

    @property
    def storage_url(self) -> str:
        """The fake storage bucket's URL, on its own port: where uploads go."""
        return self.storage_root + STORAGE_PATH

    @property
    def storage_root(self) -> str:
        """The fake storage host's root URL; generated images are served there."""
        if self._storage is None:
            raise RuntimeError("the fake is not running; use 'async with' or start()")
        host, port = self._storage.addresses[0][:2]
        return f"http://{host}:{port}"

    async def start(self) -> None:
        """Start serving the API, and the storage on a port of its own."""
        app = web.Application(middlewares=[self._observe])
        routes = [
            ("GET", "/platformModels", self._platform_models),
            ("POST", "/models", self._train),
            ("GET", "/models/user/{user_id}", self._user_models),
            ("GET", "/models/{id}", self._get_model),
            ("DELETE", "/models/{id}", self._delete_model),
            ("GET", "/me", self._me),
            ("POST", "/datasets", self._create_dataset),
            ("GET", "/datasets/{id}", self._get_dataset),
            ("DELETE", "/datasets/{id}", self._delete_dataset),
            ("POST", "/datasets/{id}/upload", self._upload_slot),
            ("POST", "/datasets/{id}/upload/gen", self._upload_generated),
            *self.element_routes(),
            *self.generation_routes(),
        ]
        for method, path, handler in routes:
            app.router.add_route(method, API_PREFIX + path, handler)
        storage = web.Application(middlewares=[self._observe])
        storage.router.add_post(STORAGE_PATH, self._store)
        for method, path, handler in self.image_routes():
            storage.router.add_route(method, path, handler)
        # A stopping fake does not wait for requests it is still delaying.
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.1)
        self._storage = web.AppRunner(storage, access_log=None, shutdown_timeout=0.1)
        for runner, port in ((self._runner, self._port), (self._storage, 0)):
            await runner.setup()
            await web.TCPSite(runner, self._host, port).start()

    async def stop(self) -> None:
        """Stop serving and close every connection."""
        for runner in (self._runner, self._storage):
            if runner is not None:
                await runner.cleanup()
        self._runner = self._storage = None

    async def __aenter__(self) -> FakeLeonardo:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    # What tests arrange and inspect.

    def fail_next_training(self, count: int = 1) -> None:
        """Make the next ``count`` trainings (models or elements) end in ``FAILED``.

        Args:
            count: How many of the trainings started from now on fail.
        """
        self._fail_next += count

    def inject_fault(
        self,
        method: str,
        path_pattern: str,
        *,
        status: int | None = None,
        retry_after: float | str | None = None,
        delay: float | None = None,
        drop_connection: bool = False,
        body: bytes | str | None = None,
        times: int = 1,
    ) -> Fault:
        """Misbehave on the next ``times`` requests that match.

        Args:
            method: The HTTP method, or ``"*"`` for any.
            path_pattern: A glob over the path below the API root
                (``"/models/*"``).
            status: Answer with this status instead; the request is not acted on.
            retry_after: With ``status``: the ``Retry-After`` header's value.
            delay: Seconds to wait before going on.
            drop_connection: Act on the request, then close the connection
                without answering: the answer is lost.
            body: Answer with this raw body (with ``status``, or 200 without);
                the request is not acted on.
            times: How many requests it applies to.

        Returns:
            The armed fault; its ``times`` counts down as it fires.
        """
        fault = Fault(
            method.upper(),
            path_pattern,
            status,
            retry_after,
            delay,
            drop_connection,
            body,
            times,
        )
        self._faults.append(fault)
        return fault

    def clear_faults(self) -> None:
        """Disarm every fault."""
        self._faults.clear()

    def set_status(self, model_id: str, status: str) -> None:
        """Force a model's status, including values the API may add later.

        Args:
            model_id: The model's id.
            status: ``"COMPLETE"``, ``"FAILED"``, ``"PENDING"`` or anything else;
                it then stays until set again.

        Raises:
            KeyError: The fake holds no such model.
        """
        self._models[model_id].status = status

    def _known_models(self) -> set[str]:
        return {str(m["id"]) for m in self._platform} | set(self._models)

    def model_ids(self) -> list[str]:
        """The ids of every model the fake holds, oldest first."""
        return list(self._models)

    def add_model(self, *, owner: str | None = None, **fields: Any) -> str:
        """Store a model directly (an already trained one, say).

        Args:
            owner: The owning user's id; the fake's own user when omitted.
            **fields: Wire fields to set (``name="x"``, ``status="PENDING"``,
                ``sdVersion="FLUX_KONTEXT"``, ``id=...``); a given ``status``
                stays until ``set_status``.

        Returns:
            The model's id.
        """
        model_id = fields.pop("id", None) or str(uuid.uuid4())
        now = datetime.now(timezone.utc)
        stored = {
            "id": model_id,
            "name": "added model",
            "description": "",
            "instancePrompt": None,
            "modelWidth": 512,
            "modelHeight": 512,
            "public": False,
            "sdVersion": "v1_5",
            "status": "COMPLETE",
            "type": "GENERAL",
            "createdAt": _timestamp(now),
            "updatedAt": _timestamp(now),
            **fields,
        }
        self._models[model_id] = _Model(
            stored, owner or self.user_id, time.monotonic(), False, stored["status"]
        )
        return model_id

    # The server side.

    @web.middleware
    async def _observe(
        self,
        request: web.Request,
        handler: Callable[[web.Request], Awaitable[web.StreamResponse]],
    ) -> web.StreamResponse:
        if self._runner is not None:
            open_now = len(self._runner.server.connections)  # type: ignore[union-attr]
            self.max_connections = max(self.max_connections, open_now)
        self._in_flight += 1
        self.max_in_flight = max(self.max_in_flight, self._in_flight)
        try:
            return await self._serve(request, handler)
        finally:
            self._in_flight -= 1

    async def _serve(
        self,
        request: web.Request,
        handler: Callable[[web.Request], Awaitable[web.StreamResponse]],
    ) -> web.StreamResponse:
        path = request.path.removeprefix(API_PREFIX)
        storage = path.startswith("/storage/")
        body: Any = None
        if not storage:  # the storage handler reads its multipart body itself
            raw = await request.read()
            body = _decoded(raw) if raw else None
            if body is _NOT_JSON:
                body = raw.decode("utf-8", "replace")
        self.requests.append(
            RecordedRequest(
                request.method, path, dict(request.headers), body, dict(request.query)
            )
        )
        fault = next((f for f in self._faults if f.matches(request.method, path)), None)
        if fault is not None:
            fault.times -= 1
            if fault.delay:
                await asyncio.sleep(fault.delay)
            if fault.status is not None or fault.body is not None:
                return self._fault_response(fault, xml=storage)
        if storage:
            # The storage knows nothing of the API key; it must never get it.
            if "Authorization" in request.headers:
                return _s3_error(
                    400, "InvalidArgument", "Only one auth mechanism allowed"
                )
        elif request.headers.get("Authorization") != f"Bearer {self.api_key}":
            return _error(401, "Invalid authentication credentials", "access-denied")
        response = await handler(request)
        if fault is not None and fault.drop_connection and request.transport:
            request.transport.close()
        return response

    @staticmethod
    def _fault_response(fault: Fault, *, xml: bool) -> web.Response:
        status = fault.status or 200
        headers = {}
        if fault.retry_after is not None:
            headers["Retry-After"] = str(fault.retry_after)
        if fault.body is None and xml:
            return _s3_error(status, "InjectedFault", "injected fault", headers)
        if fault.body is None:
            return web.json_response(
                {"error": "injected fault", "path": "$", "code": "unexpected"},
                status=status,
                headers=headers,
            )
        body = fault.body.encode() if isinstance(fault.body, str) else fault.body
        return web.Response(
            body=body, status=status, headers=headers, content_type="text/html"
        )

    def _view(self, model: _Model) -> dict[str, Any]:
        fields = dict(model.fields)
        if model.status is not None:
            fields["status"] = model.status
        elif time.monotonic() - model.created >= self.training_seconds:
            fields["status"] = "FAILED" if model.fails else "COMPLETE"
            finished = datetime.fromisoformat(fields["createdAt"]) + timedelta(
                seconds=self.training_seconds
            )
            fields["updatedAt"] = _timestamp(finished)
        return fields

    async def _platform_models(self, request: web.Request) -> web.Response:
        return web.json_response({"custom_models": self._platform})

    async def _train(self, request: web.Request) -> web.Response:
        body = await _json_object(request)
        problem = _training_problem(body)
        if body is None or problem is not None:
            return _error(400, problem or "expected an object", "validation-failed")
        if body["datasetId"] not in self._datasets:
            return _error(400, "dataset not found", "validation-failed")
        model_id = str(uuid.uuid4())
        now = datetime.now(timezone.utc)
        resolution = body.get("resolution") or 512
        self._models[model_id] = _Model(
            {
                "id": model_id,
                "name": body["name"],
                "description": body.get("description") or "",
                "instancePrompt": body["instance_prompt"],
                "modelWidth": resolution,
                "modelHeight": resolution,
                "public": False,
                "sdVersion": body.get("sd_version") or "v1_5",
                "status": "PENDING",
                "type": body.get("modelType") or "GENERAL",
                "createdAt": _timestamp(now),
                "updatedAt": _timestamp(now),
            },
            self.user_id,
            time.monotonic(),
            self._fail_next > 0,
        )
        self._fail_next = max(0, self._fail_next - 1)
        self.trainings.append((model_id, body["name"]))
        credits = training_credits()
        job = {
            "customModelId": model_id,
            "apiCreditCost": credits,
            "cost": dollars(credits),
        }
        return web.json_response({"sdTrainingJob": job})

    async def _get_model(self, request: web.Request) -> web.Response:
        model = self._models.get(request.match_info["id"])
        view = None if model is None else self._view(model)
        return web.json_response({"custom_models_by_pk": view})

    async def _delete_model(self, request: web.Request) -> web.Response:
        model = self._models.pop(request.match_info["id"], None)
        deleted = None if model is None else {"id": model.fields["id"]}
        return web.json_response({"delete_custom_models_by_pk": deleted})

    async def _user_models(self, request: web.Request) -> web.Response:
        owner = request.match_info["user_id"]
        views = [self._view(m) for m in self._models.values() if m.owner == owner]
        return web.json_response({"custom_models": views})

    async def _me(self, request: web.Request) -> web.Response:
        renewal = _timestamp(datetime.now(timezone.utc) + timedelta(days=30))
        details = {
            "user": {"id": self.user_id, "username": "fake-user"},
            "tokenRenewalDate": renewal,
            "paidTokens": 0,
            "subscriptionTokens": 8500,
            "subscriptionGptTokens": 100,
            "subscriptionModelTokens": 10,
            "apiConcurrencySlots": 10,
            "apiPaidTokens": 2500,
            "apiSubscriptionTokens": 25000,
            "apiPlanTokenRenewalDate": renewal,
        }
        return web.json_response({"user_details": [details]})

    def dataset_ids(self) -> list[str]:
        """The ids of every dataset the fake holds, oldest first."""
        return list(self._datasets)

    def add_dataset(self, *, name: str = "added dataset", id: str | None = None) -> str:
        """Store an empty dataset directly, so that trainings can name it.

        Args:
            name: Its name.
            id: Its id; a random UUID when omitted.

        Returns:
            The dataset's id.
        """
        dataset_id = id or str(uuid.uuid4())
        now = _timestamp(datetime.now(timezone.utc))
        self._datasets[dataset_id] = _Dataset(
            {
                "id": dataset_id,
                "name": name,
                "description": None,
                "createdAt": now,
                "updatedAt": now,
            }
        )
        return dataset_id

    async def _create_dataset(self, request: web.Request) -> web.Response:
        body = await _json_object(request)
        name = body.get("name") if body is not None else None
        if not isinstance(name, str) or not name:
            return _error(400, "missing or invalid field 'name'", "validation-failed")
        description = body.get("description") if body is not None else None
        if description is not None and not isinstance(description, str):
            return _error(400, "invalid field 'description'", "validation-failed")
        now = _timestamp(datetime.now(timezone.utc))
        dataset_id = str(uuid.uuid4())
        self._datasets[dataset_id] = _Dataset(
            {
                "id": dataset_id,
                "name": name,
                "description": description,
                "createdAt": now,
                "updatedAt": now,
            }
        )
        return web.json_response({"insert_datasets_one": {"id": dataset_id}})

    async def _get_dataset(self, request: web.Request) -> web.Response:
        dataset = self._datasets.get(request.match_info["id"])
        view = None
        if dataset is not None:
            view = {**dataset.fields, "dataset_images": list(dataset.images)}
        return web.json_response({"datasets_by_pk": view})

    async def _delete_dataset(self, request: web.Request) -> web.Response:
        dataset = self._datasets.pop(request.match_info["id"], None)
        deleted = None if dataset is None else {"id": dataset.fields["id"]}
        return web.json_response({"delete_datasets_by_pk": deleted})

    async def _upload_slot(self, request: web.Request) -> web.Response:
        dataset_id = request.match_info["id"]
        body = await _json_object(request)
        extension = body.get("extension") if body is not None else None
        if not isinstance(extension, str) or extension not in IMAGE_TYPES:
            return _error(
                400, "extension must be png, jpg, jpeg or webp", "validation-failed"
            )
        if dataset_id not in self._datasets:
            return _error(400, "dataset not found", "validation-failed")
        image_id = str(uuid.uuid4())
        key = f"datasets/{dataset_id}/{image_id}.{extension}"
        fields = {
            "Content-Type": IMAGE_TYPES[extension],
            "bucket": "leonardo-datasets",
            "X-Amz-Algorithm": "AWS4-HMAC-SHA256",
            "X-Amz-Credential": "FAKEACCESSKEY/20260101/us-west-2/s3/aws4_request",
            "X-Amz-Date": "20260101T000000Z",
            "key": key,
            "Policy": "eyJmYWtlIjogInBvbGljeSJ9",
            "X-Amz-Signature": uuid.uuid4().hex * 2,
        }
        self._slots[key] = _Slot(dataset_id, image_id, fields)
        slot = {
            "url": self.storage_url,
            "fields": json.dumps(fields),
            "id": image_id,
            "key": key,
        }
        return web.json_response({"uploadDatasetImage": slot})

    async def _upload_generated(self, request: web.Request) -> web.Response:
        dataset = self._datasets.get(request.match_info["id"])
        body = await _json_object(request)
        generated = body.get("generatedImageId") if body is not None else None
        if not isinstance(generated, str) or not generated:
            return _error(
                400, "missing or invalid field 'generatedImageId'", "validation-failed"
            )
        if dataset is None:
            return _error(400, "dataset not found", "validation-failed")
        image_id = str(uuid.uuid4())
        dataset.images.append(self._image(image_id, f"generations/{generated}.jpg"))
        return web.json_response({"uploadDatasetImageFromGen": {"id": image_id}})

    def _image(self, image_id: str, key: str) -> dict[str, Any]:
        return {
            "id": image_id,
            "url": f"https://cdn.leonardo.ai/{key}",
            "createdAt": _timestamp(datetime.now(timezone.utc)),
        }

    async def _store(self, request: web.Request) -> web.Response:
        # Like S3's presigned POST: every field as issued, the file part last.
        fields: list[tuple[str, str]] = []
        file: tuple[str | None, str | None, bytes] | None = None
        try:
            reader = await request.multipart()
        except (AssertionError, ValueError):
            return _s3_error(
                400, "MalformedPOSTRequest", "The body is not multipart/form-data."
            )
        while (part := await reader.next()) is not None:
            if not isinstance(part, BodyPartReader):
                return _s3_error(400, "MalformedPOSTRequest", "Nested multipart.")
            if file is not None:
                return _s3_error(
                    400, "InvalidArgument", "The file must be the last field."
                )
            if part.name == "file":
                file = (
                    part.filename,
                    part.headers.get("Content-Type"),
                    await part.read(),
                )
            else:
                fields.append((part.name or "", await part.text()))
        issued = dict(fields)
        slot = self._slots.get(issued.get("key", ""))
        if slot is None or issued != slot.fields:
            return _s3_error(
                403,
                "AccessDenied",
                "Invalid according to Policy: Policy Condition failed",
            )
        if file is None:
            return _s3_error(
                400,
                "InvalidArgument",
                "POST requires exactly one file upload per request.",
            )
        self.uploads.append(
            StoredUpload(
                issued["key"], fields, file[0], file[1], file[2], dict(request.headers)
            )
        )
        dataset = self._datasets.get(slot.dataset_id)
        if dataset is not None and all(
            i["id"] != slot.image_id for i in dataset.images
        ):
            dataset.images.append(self._image(slot.image_id, issued["key"]))
        return web.Response(status=204)


def _s3_error(
    status: int, code: str, message: str, headers: Mapping[str, str] | None = None
) -> web.Response:
    body = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f"<Error><Code>{code}</Code><Message>{message}</Message></Error>"
    )
    return web.Response(
        text=body, status=status, headers=headers, content_type="application/xml"
    )


def _training_problem(body: Any) -> str | None:
    """What is wrong with a training body, as strictly as the spec; or ``None``."""
    if not isinstance(body, dict):
        return "expected a JSON object"
    for key in ("name", "datasetId", "instance_prompt"):
        if not isinstance(body.get(key), str) or not body[key]:
            return f"missing or invalid field {key!r}"
    # Each optional field: what it may be besides null (the spec allows null).
    choices: dict[str, tuple[Any, ...]] = {
        "sd_version": _TRAINABLE_SD_VERSIONS,
        "modelType": _MODEL_TYPES,
        "strength": _STRENGTHS,
    }
    for key, allowed in choices.items():
        value = body.get(key)
        if value is not None and (not isinstance(value, str) or value not in allowed):
            return f"invalid value for {key!r}: {value!r}"
    resolution = body.get("resolution")
    if resolution is not None and (
        type(resolution) is not int or resolution not in (512, 768)
    ):
        return f"invalid value for 'resolution': {resolution!r}"
    if body.get("nsfw") is not None and not isinstance(body["nsfw"], bool):
        return f"invalid value for 'nsfw': {body['nsfw']!r}"
    description = body.get("description")
    if description is not None and not isinstance(description, str):
        return f"invalid value for 'description': {description!r}"
    return None
