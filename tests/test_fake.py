from __future__ import annotations

import asyncio
import re

import aiohttp
import pytest

import leonardo_async as leo
from leonardo_async.testing import FakeLeonardo

from .conftest import DATASET_ID, MODEL_ID

TRAIN = {"name": "n", "datasetId": DATASET_ID, "instance_prompt": "p"}


async def raw(
    fake: FakeLeonardo,
    method: str,
    path: str,
    *,
    key: str | None = "fake",
    **kwargs: object,
) -> tuple[int, object, dict[str, str]]:
    headers = (
        {}
        if key is None
        else {"Authorization": f"Bearer {fake.api_key if key == 'fake' else key}"}
    )
    async with (
        aiohttp.ClientSession() as session,
        session.request(
            method, fake.base_url + path, headers=headers, **kwargs
        ) as answer,
    ):
        text = await answer.text()
        try:
            body: object = await answer.json(content_type=None)
        except ValueError:
            body = text
        return answer.status, body, dict(answer.headers)


def test_base_url_needs_a_running_fake() -> None:
    with pytest.raises(RuntimeError, match="not running"):
        _ = FakeLeonardo().base_url


async def test_it_listens_on_loopback_with_a_random_port(fake: FakeLeonardo) -> None:
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+/api/rest/v1", fake.base_url)
    async with FakeLeonardo() as other:
        assert other.base_url != fake.base_url
        assert other.api_key != fake.api_key


@pytest.mark.parametrize("key", [None, "wrong"])
async def test_a_wrong_key_gets_the_real_error_shape(
    fake: FakeLeonardo, key: str | None
) -> None:
    status, body, _ = await raw(fake, "GET", "/platformModels", key=key)
    assert status == 401
    assert body == {
        "error": "Invalid authentication credentials",
        "path": "$",
        "code": "access-denied",
    }


@pytest.mark.parametrize(
    "payload",
    [
        {"json": {"name": "n"}},
        {"json": {**TRAIN, "resolution": 1024}},
        {"json": {**TRAIN, "sd_version": "SDXL_1_0"}},
        {"json": {**TRAIN, "modelType": "CATS"}},
        {"json": {**TRAIN, "strength": "MAX"}},
        {"json": {**TRAIN, "nsfw": "no"}},
        {"json": ["not", "an", "object"]},
        {"data": b"{not json"},
    ],
)
async def test_a_bad_training_body_is_a_400(
    fake: FakeLeonardo, payload: dict[str, object]
) -> None:
    status, body, _ = await raw(fake, "POST", "/models", **payload)
    assert status == 400
    assert isinstance(body, dict) and body["code"] == "validation-failed"
    assert fake.trainings_started == 0


async def test_training_lifecycle_and_real_shapes(fake: FakeLeonardo) -> None:
    fake.training_seconds = 0.1
    status, body, _ = await raw(
        fake, "POST", "/models", json={**TRAIN, "resolution": 768}
    )
    assert status == 200
    job = body["sdTrainingJob"]  # type: ignore[index]
    assert job["cost"] == {"amount": "1.2500", "unit": "DOLLARS"}
    _, body, _ = await raw(fake, "GET", f"/models/{job['customModelId']}")
    model = body["custom_models_by_pk"]  # type: ignore[index]
    assert model["status"] == "PENDING"
    assert model["modelWidth"] == model["modelHeight"] == 768
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}", model["createdAt"])
    await asyncio.sleep(0.15)
    _, body, _ = await raw(fake, "GET", f"/models/{job['customModelId']}")
    done = body["custom_models_by_pk"]  # type: ignore[index]
    assert done["status"] == "COMPLETE"
    assert done["updatedAt"] > done["createdAt"]


async def test_fail_next_training(
    fake: FakeLeonardo, client: leo.LeonardoClient
) -> None:
    fake.training_seconds = 0
    fake.fail_next_training()
    first = await client.models.train(
        name="a", dataset_id=DATASET_ID, instance_prompt="p"
    )
    second = await client.models.train(
        name="b", dataset_id=DATASET_ID, instance_prompt="p"
    )
    assert (
        await client.models.get(first.custom_model_id)
    ).status is leo.JobStatus.FAILED
    assert (
        await client.models.get(second.custom_model_id)
    ).status is leo.JobStatus.COMPLETE


async def test_unknown_ids_are_null(fake: FakeLeonardo) -> None:
    assert (await raw(fake, "GET", f"/models/{MODEL_ID}"))[1] == {
        "custom_models_by_pk": None
    }
    assert (await raw(fake, "DELETE", f"/models/{MODEL_ID}"))[1] == {
        "delete_custom_models_by_pk": None
    }


async def test_faults_fire_the_given_number_of_times(fake: FakeLeonardo) -> None:
    fault = fake.inject_fault("*", "/models/*", status=503, retry_after=2, times=2)
    for _ in range(2):
        status, body, headers = await raw(fake, "GET", f"/models/{MODEL_ID}")
        assert status == 503
        assert headers["Retry-After"] == "2"
        assert body == {"error": "injected fault", "path": "$", "code": "unexpected"}
    assert fault.times == 0
    assert (await raw(fake, "GET", f"/models/{MODEL_ID}"))[0] == 200


async def test_faults_match_method_and_path(fake: FakeLeonardo) -> None:
    fake.inject_fault("DELETE", "/models/*", status=500)
    assert (await raw(fake, "GET", f"/models/{MODEL_ID}"))[0] == 200
    assert (await raw(fake, "GET", "/platformModels"))[0] == 200
    assert (await raw(fake, "DELETE", f"/models/{MODEL_ID}"))[0] == 500


async def test_faults_answer_before_the_key_is_checked_and_can_be_cleared(
    fake: FakeLeonardo,
) -> None:
    fake.inject_fault("GET", "/platformModels", body=b"<html>gateway</html>", times=5)
    status, body, _ = await raw(fake, "GET", "/platformModels", key=None)
    assert (status, body) == (200, "<html>gateway</html>")
    fake.clear_faults()
    assert (await raw(fake, "GET", "/platformModels"))[0] == 200


async def test_a_dropped_connection_acts_then_loses_the_answer(
    fake: FakeLeonardo,
) -> None:
    fake.inject_fault("POST", "/models", drop_connection=True)
    with pytest.raises(aiohttp.ServerDisconnectedError):
        await raw(fake, "POST", "/models", json=TRAIN)
    assert fake.trainings_started == 1


async def test_requests_are_recorded(fake: FakeLeonardo) -> None:
    await raw(fake, "POST", "/models", json=TRAIN)
    await raw(fake, "POST", "/models", data=b"oops")
    first, second = fake.requests
    assert (first.method, first.path, first.json) == ("POST", "/models", TRAIN)
    assert first.headers["Authorization"] == f"Bearer {fake.api_key}"
    assert second.json == "oops"
    assert fake.max_in_flight == 1


# The generation and pricing APIs, as strictly as the spec.

PLATFORM_MODEL = "b24e16ff-06e3-43eb-8d33-4416c2d75876"  # the spec's default


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        ([], "expected a JSON object"),
        ({"prompt": "x", "tile": True}, "unknown field 'tile'"),
        ({"prompt": " "}, "prompt"),
        ({"prompt": "x", "modelId": str(MODEL_ID)}, "model not found"),
        ({"prompt": "x", "seed": -5}, "seed"),
        ({"prompt": "x", "negative_prompt": 3}, "negative_prompt"),
        ({"prompt": "x", "guidance_scale": 0}, "guidance_scale"),
        ({"prompt": "x", "num_inference_steps": 61}, "num_inference_steps"),
        ({"prompt": "x", "alchemy": "yes"}, "alchemy"),
        ({"prompt": "x", "width": 1001}, "width"),
        ({"prompt": "x", "height": 16}, "height"),
        ({"prompt": "x", "num_images": 5}, "num_images"),
        ({"prompt": "x", "num_images": 9, "width": 512, "height": 512}, "num_images"),
        ({"prompt": "x", "userElements": [{"userLoraId": 1.5}]}, "userLoraId"),
        ({"prompt": "x", "userElements": [{"userLoraId": 77}]}, "element 77"),
        (
            {"prompt": "x", "userElements": [{"userLoraId": 77, "weight": "1"}]},
            "weight",
        ),
        ({"prompt": "x", "elements": [{"weight": 1}]}, "akUUID"),
        ({"prompt": "x", "elements": [{"akUUID": str(MODEL_ID)}]}, "not found"),
        ({"prompt": "x", "elements": [{"akUUID": "a", "weight": None}]}, "not found"),
    ],
)
async def test_a_bad_generation_body_is_a_400(
    fake: FakeLeonardo, body: object, problem: str
) -> None:
    status, answer, _ = await raw(fake, "POST", "/generations", json=body)
    assert status == 400
    assert isinstance(answer, dict) and problem in answer["error"]
    assert fake.generation_ids() == []


async def test_a_generation_may_name_the_specs_default_model(
    fake: FakeLeonardo,
) -> None:
    status, answer, _ = await raw(
        fake, "POST", "/generations", json={"prompt": "x", "modelId": PLATFORM_MODEL}
    )
    assert status == 200, answer


async def test_generated_images_are_served_only_when_ready_and_without_a_key(
    fake: FakeLeonardo,
) -> None:
    fake.generation_seconds = 0.05
    _, answer, _ = await raw(fake, "POST", "/generations", json={"prompt": "x"})
    assert isinstance(answer, dict)
    generation_id = answer["sdGenerationJob"]["generationId"]
    url = f"{fake.storage_root}/storage/generations/{generation_id}-1.png"
    async with aiohttp.ClientSession() as session:
        async with session.get(url) as early:
            assert early.status == 404  # still PENDING
        await asyncio.sleep(0.1)
        for missing in (f"{generation_id}-9.png", f"{generation_id}-x.png", "nope"):
            async with session.get(url.rsplit("/", 1)[0] + "/" + missing) as answer_:
                assert answer_.status == 404
        keyed = {"Authorization": f"Bearer {fake.api_key}"}
        async with session.get(url, headers=keyed) as refused:
            assert refused.status == 400
        async with session.get(url) as image:
            assert image.status == 200 and image.content_type == "image/png"
            assert (await image.read()).startswith(b"\x89PNG")


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        ({"service": "NOPE"}, "service"),
        ({"service": "MODEL_TRAINING", "serviceParams": []}, "serviceParams"),
        ({"service": "MODEL_TRAINING", "serviceParams": {}}, "resolution"),
        (
            {"service": "MODEL_TRAINING", "serviceParams": {"MODEL_TRAINING": {
                "resolution": 512.0}}},
            "resolution",
        ),
        (
            {"service": "MODEL_TRAINING", "serviceParams": {"MODEL_TRAINING": {
                "resolution": 512, "sd_version": "SDXL"}}},
            "sd_version",
        ),
        (
            {"service": "MODEL_TRAINING", "serviceParams": {"MODEL_TRAINING": {
                "resolution": 512, "sd_version": "FLUX_DEV"}}},
            "datasetImageCount",
        ),
        ({"service": "IMAGE_GENERATION", "serviceParams": {}}, "parameters"),
        (
            {"service": "IMAGE_GENERATION", "serviceParams": {"IMAGE_GENERATION": {
                "imageWidth": 1536, "imageHeight": 512, "numImages": 1}}},
            "imageWidth",
        ),
        (
            {"service": "IMAGE_GENERATION", "serviceParams": {"IMAGE_GENERATION": {
                "imageWidth": 1024, "imageHeight": 512, "numImages": 5}}},
            "numImages",
        ),
        (
            {"service": "IMAGE_GENERATION", "serviceParams": {"IMAGE_GENERATION": {
                "imageWidth": 512, "imageHeight": 512, "numImages": 1,
                "inferenceSteps": 5}}},
            "inferenceSteps",
        ),
        (
            {"service": "IMAGE_GENERATION", "serviceParams": {"IMAGE_GENERATION": {
                "imageWidth": 512, "imageHeight": 512, "numImages": 1,
                "loraCount": -1}}},
            "loraCount",
        ),
    ],
)  # fmt: skip
async def test_a_bad_price_question_is_a_400(
    fake: FakeLeonardo, body: object, problem: str
) -> None:
    status, answer, _ = await raw(fake, "POST", "/pricing-calculator", json=body)
    assert status == 400
    assert isinstance(answer, dict) and problem in answer["error"]


async def test_services_the_sdk_does_not_price_have_a_flat_fee(
    fake: FakeLeonardo,
) -> None:
    body = {"service": "UNIVERSAL_UPSCALER", "serviceParams": {}}
    status, answer, _ = await raw(fake, "POST", "/pricing-calculator", json=body)
    assert (status, answer) == (
        200,
        {"calculateProductionApiServiceCost": {"cost": 10}},
    )


async def test_generation_pages_are_checked(fake: FakeLeonardo) -> None:
    for query in ("offset=x", "limit=-1"):
        status, _, _ = await raw(
            fake, "GET", f"/generations/user/{fake.user_id}?{query}"
        )
        assert status == 400
