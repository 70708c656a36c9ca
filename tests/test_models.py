from __future__ import annotations

from typing import Any

import pytest

import leonardo_async as leo
from leonardo_async._resources import build_training_body
from leonardo_async.testing import FakeLeonardo

from .conftest import DATASET_ID, MODEL_ID, USER_ID, paths

REQUIRED = {
    "name": "my-style",
    "dataset_id": DATASET_ID,
    "instance_prompt": "a photo of sks",
}


def test_training_body_has_only_what_was_set() -> None:
    assert build_training_body(**REQUIRED) == {
        "name": "my-style",
        "datasetId": DATASET_ID,
        "instance_prompt": "a photo of sks",
    }


def test_training_body_uses_wire_names_and_values() -> None:
    body = build_training_body(
        **REQUIRED,
        description="mine",
        model_type=leo.CustomModelType.PIXEL_ART,
        nsfw=False,
        resolution=768,
        sd_version="v2",
        strength=leo.Strength.HIGH,
    )
    assert body == {
        "name": "my-style",
        "datasetId": DATASET_ID,
        "instance_prompt": "a photo of sks",
        "description": "mine",
        "modelType": "PIXEL_ART",
        "nsfw": False,
        "resolution": 768,
        "sd_version": "v2",
        "strength": "HIGH",
    }


@pytest.mark.parametrize(
    ("changes", "error", "argument"),
    [
        ({"name": ""}, ValueError, "name"),
        ({"instance_prompt": " "}, ValueError, "instance_prompt"),
        ({"dataset_id": "../datasets"}, ValueError, "dataset_id"),
        ({"dataset_id": None}, TypeError, "dataset_id"),
        ({"resolution": 1024}, ValueError, "resolution"),
        ({"resolution": "512"}, TypeError, "resolution"),
        ({"resolution": True}, TypeError, "resolution"),
        ({"sd_version": "SDXL_1_0"}, ValueError, "sd_version"),
        ({"sd_version": "v3"}, ValueError, "sd_version"),
        ({"model_type": "CATS"}, ValueError, "model_type"),
        ({"strength": "MAX"}, ValueError, "strength"),
        ({"nsfw": "no"}, TypeError, "nsfw"),
        ({"description": 5}, TypeError, "description"),
    ],
)
async def test_bad_training_arguments_send_nothing(
    client: leo.LeonardoClient,
    fake: FakeLeonardo,
    changes: dict[str, Any],
    error: type[Exception],
    argument: str,
) -> None:
    with pytest.raises(error, match=argument):
        await client.models.train(**{**REQUIRED, **changes})
    assert fake.requests == []
    assert fake.trainings_started == 0


@pytest.mark.parametrize("method", ["get", "delete", "list_for_user"])
async def test_bad_ids_send_nothing(
    client: leo.LeonardoClient, fake: FakeLeonardo, method: str
) -> None:
    with pytest.raises(ValueError, match="must be a UUID"):
        await getattr(client.models, method)("../../me")
    assert fake.requests == []


async def test_platform_catalogue(client: leo.LeonardoClient) -> None:
    catalogue = await client.models.list_platform()
    names = [m.name for m in catalogue]
    assert "Leonardo Phoenix 1.0" in names
    assert "FLUX.1 Kontext" in names
    assert all(isinstance(m, leo.PlatformModel) for m in catalogue)
    assert catalogue[0].generated_image is not None


async def test_train_get_list_delete(
    client: leo.LeonardoClient, fake: FakeLeonardo
) -> None:
    job = await client.models.train(**REQUIRED, resolution=768, model_type="CHARACTERS")
    assert isinstance(job, leo.TrainingJob)
    assert job.cost is not None and job.cost.unit is leo.CostUnit.DOLLARS
    assert fake.requests[-1].json == {
        "name": "my-style",
        "datasetId": DATASET_ID,
        "instance_prompt": "a photo of sks",
        "resolution": 768,
        "modelType": "CHARACTERS",
    }

    model = await client.models.get(job.custom_model_id)
    assert model.id == job.custom_model_id
    assert model.status is leo.JobStatus.PENDING
    assert model.model_width == 768
    assert model.created_at is not None and model.created_at.tzinfo is not None

    mine = await client.models.list_for_user(fake.user_id)
    assert [m.id for m in mine] == [job.custom_model_id]

    assert await client.models.delete(job.custom_model_id) == job.custom_model_id
    assert await client.models.list_for_user(fake.user_id) == []
    assert fake.trainings_started == 1


async def test_unknown_id_is_not_found_though_the_status_is_200(
    client: leo.LeonardoClient,
) -> None:
    with pytest.raises(leo.NotFoundError) as caught:
        await client.models.get(MODEL_ID)
    assert caught.value.status == 200
    assert "no custom model with this id" in str(caught.value)
    assert "custom_models_by_pk" not in str(caught.value)  # no wire names
    with pytest.raises(leo.NotFoundError):
        await client.models.delete(MODEL_ID)


async def test_a_real_404_is_not_found(
    client: leo.LeonardoClient, fake: FakeLeonardo
) -> None:
    fake.inject_fault("GET", "/models/*", status=404)
    with pytest.raises(leo.NotFoundError) as caught:
        await client.models.get(MODEL_ID)
    assert caught.value.status == 404


async def test_null_list_is_empty_and_null_items_are_skipped(
    client: leo.LeonardoClient, fake: FakeLeonardo
) -> None:
    fake.inject_fault("GET", "/models/user/*", body='{"custom_models": null}')
    assert await client.models.list_for_user(USER_ID) == []
    model_id = fake.add_model(name="kept")
    fake.inject_fault(
        "GET",
        "/models/user/*",
        body=f'{{"custom_models": [null, {{"id": "{model_id}", "name": "kept"}}]}}',
    )
    assert [m.name for m in await client.models.list_for_user(USER_ID)] == ["kept"]
    fake.inject_fault("GET", "/platformModels", body='{"custom_models": null}')
    assert await client.models.list_platform() == []


async def test_other_users_have_their_own_lists(
    client: leo.LeonardoClient, fake: FakeLeonardo
) -> None:
    fake.add_model(name="someone else's", owner=USER_ID)
    fake.add_model(name="mine")
    assert [m.name for m in await client.models.list_for_user(USER_ID)] == [
        "someone else's"
    ]


async def test_unknown_enum_values_survive_a_list(
    client: leo.LeonardoClient, fake: FakeLeonardo
) -> None:
    fake.add_model(name="kontext", sdVersion="FLUX_KONTEXT")
    fake.add_model(name="training", status="TRAINING")
    fake.add_model(name="plain")
    models = {m.name: m for m in await client.models.list_for_user(fake.user_id)}
    assert models["kontext"].sd_version == "FLUX_KONTEXT"
    assert models["training"].status == "TRAINING"
    assert models["plain"].status is leo.JobStatus.COMPLETE


@pytest.mark.parametrize(
    ("body", "path"),
    [
        ("<html><body>Service maintenance</body></html>", "$"),
        ("[1, 2, 3]", "$"),
        ('{"custom_models_by_pk": {"name": "no id"}}', "$.custom_models_by_pk.id"),
        ('{"custom_models_by_pk": ["not", "an", "object"]}', "$.custom_models_by_pk"),
    ],
)
async def test_a_200_that_does_not_fit(
    client: leo.LeonardoClient, fake: FakeLeonardo, body: str, path: str
) -> None:
    fake.inject_fault("GET", "/models/*", body=body)
    with pytest.raises(leo.ResponseValidationError) as caught:
        await client.models.get(MODEL_ID)
    assert caught.value.path == path
    assert caught.value.status == 200
    assert body[:20] in str(caught.value)


@pytest.mark.parametrize("body", ['{"sdTrainingJob": null}', "<html>ok</html>"])
async def test_an_unreadable_training_answer_is_an_unknown_outcome(
    client: leo.LeonardoClient, fake: FakeLeonardo, body: str
) -> None:
    # The server said 200: a training may be running, but its id is unknown.
    fake.inject_fault("POST", "/models", body=body)
    with pytest.raises(leo.TrainingOutcomeUnknownError) as caught:
        await client.models.train(**REQUIRED)
    assert isinstance(caught.value.__cause__, leo.ResponseValidationError)
    assert caught.value.__cause__.status == 200
    assert paths(fake, "POST") == ["/models"]


async def test_delete_answer_without_id(
    client: leo.LeonardoClient, fake: FakeLeonardo
) -> None:
    fake.inject_fault(
        "DELETE", "/models/*", body='{"delete_custom_models_by_pk": {"id": 7}}'
    )
    with pytest.raises(leo.ResponseValidationError) as caught:
        await client.models.delete(MODEL_ID)
    assert caught.value.path == "$.delete_custom_models_by_pk.id"


async def test_server_side_validation_is_a_bad_request(
    client: leo.LeonardoClient, fake: FakeLeonardo
) -> None:
    fake.inject_fault(
        "POST",
        "/models",
        status=400,
        body='{"error": "dataset not found", "path": "$", "code": "validation-failed"}',
    )
    with pytest.raises(leo.BadRequestError) as caught:
        await client.models.train(**REQUIRED)
    assert caught.value.code == "validation-failed"
    assert caught.value.message == "dataset not found"
    assert paths(fake, "POST") == ["/models"]
