"""client.elements against the fake: catalogue, training, reading, deleting."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import pytest

import leonardo_async as leo
from leonardo_async.testing import FakeLeonardo

from .conftest import DATASET_ID


async def test_the_catalogue(client: leo.LeonardoClient) -> None:
    catalogue = await client.elements.list_platform()
    assert len(catalogue) >= 3
    first = catalogue[0]
    assert isinstance(first, leo.PlatformElement)
    assert uuid.UUID(first.ak_uuid).version == 4
    assert first.name and first.base_model in ("FLUX_DEV", "SDXL_1_0")
    assert (first.weight_min, first.weight_default, first.weight_max) == (-1, 1, 2)


async def test_a_training_sends_the_documented_defaults_and_finishes(
    client: leo.LeonardoClient, fake: FakeLeonardo
) -> None:
    job = await client.elements.train(
        name="my-cat", dataset_id=DATASET_ID, lora_focus=leo.LoraFocus.STYLE
    )
    sent = fake.requests[-1].json
    assert sent == {
        "name": "my-cat",
        "datasetId": DATASET_ID,
        "lora_focus": "Style",
        "sd_version": "FLUX_DEV",
        "num_train_epochs": 60,
        "learning_rate": 0.00001,
        "train_text_encoder": True,
    }
    assert isinstance(job.element_id, int)
    assert str(job.cost) == "1.0000 DOLLARS"  # FLUX_DEV: by the dataset's images
    element = await client.elements.get(job.element_id)
    assert element.status == leo.JobStatus.PENDING
    assert element.focus is leo.LoraFocus.STYLE
    assert element.base_model is leo.ElementBaseModel.FLUX_DEV
    assert (element.training_epochs, element.learning_rate) == (60, 0.00001)
    await asyncio.sleep(0.25)
    assert (await client.elements.get(job.element_id)).status == leo.JobStatus.COMPLETE
    assert [e.id for e in await client.elements.list_mine()] == [job.element_id]
    assert await client.elements.delete(job.element_id) == job.element_id
    with pytest.raises(leo.NotFoundError, match="no element"):
        await client.elements.get(job.element_id)


async def test_every_setting_given_is_sent(
    client: leo.LeonardoClient, fake: FakeLeonardo
) -> None:
    await client.elements.train(
        name="sdxl",
        dataset_id=DATASET_ID,
        lora_focus="General",
        sd_version="SDXL_1_0",
        instance_prompt="jackthedog",
        description="d",
        num_train_epochs=250,
        learning_rate=0.00001,
        train_text_encoder=False,
        resolution=1024,
    )
    sent = fake.requests[-1].json
    assert sent["instance_prompt"] == "jackthedog" and sent["resolution"] == 1024
    assert (sent["num_train_epochs"], sent["train_text_encoder"]) == (250, False)
    assert sent["description"] == "d" and sent["sd_version"] == "SDXL_1_0"


GOOD: dict[str, Any] = {
    "name": "n",
    "dataset_id": DATASET_ID,
    "lora_focus": "Style",
}


@pytest.mark.parametrize(
    ("changes", "error", "argument"),
    [
        ({"lora_focus": "General"}, ValueError, "lora_focus"),
        ({"lora_focus": "Cats"}, ValueError, "lora_focus"),
        ({"lora_focus": 3}, TypeError, "lora_focus"),
        ({"sd_version": "v1_5"}, ValueError, "sd_version"),
        ({"num_train_epochs": 29}, ValueError, "num_train_epochs"),
        ({"num_train_epochs": 121}, ValueError, "num_train_epochs"),
        ({"num_train_epochs": True}, TypeError, "num_train_epochs"),
        ({"num_train_epochs": 60.0}, TypeError, "num_train_epochs"),
        ({"learning_rate": 0.0001}, ValueError, "learning_rate"),
        ({"learning_rate": float("nan")}, ValueError, "learning_rate"),
        ({"learning_rate": "fast"}, TypeError, "learning_rate"),
        ({"lora_focus": "Character"}, ValueError, "instance_prompt"),
        ({"sd_version": "SDXL_1_0"}, ValueError, "instance_prompt"),
        ({"instance_prompt": ""}, ValueError, "instance_prompt"),
        ({"resolution": 512}, ValueError, "resolution"),
        ({"resolution": True}, ValueError, "resolution"),
        ({"name": " "}, ValueError, "name"),
        ({"dataset_id": "x"}, ValueError, "dataset_id"),
        ({"train_text_encoder": 1}, TypeError, "train_text_encoder"),
        ({"description": 5}, TypeError, "description"),
    ],
)
async def test_bad_arguments_name_themselves_before_sending(
    client: leo.LeonardoClient,
    fake: FakeLeonardo,
    changes: dict[str, Any],
    error: type[Exception],
    argument: str,
) -> None:
    with pytest.raises(error, match=argument):
        await client.elements.train(**{**GOOD, **changes})
    assert fake.requests == []


@pytest.mark.parametrize(
    ("element_id", "error"),
    [(True, TypeError), (0, ValueError), (-3, ValueError), ("12", TypeError)],
)
async def test_element_ids_are_positive_ints(
    client: leo.LeonardoClient, fake: FakeLeonardo, element_id: Any, error: type
) -> None:
    with pytest.raises(error, match="element_id"):
        await client.elements.get(element_id)
    with pytest.raises(error, match="element_id"):
        await client.elements.delete(element_id)
    assert fake.requests == []


async def test_a_training_whose_answer_is_lost_is_recovered_and_sent_once(
    client: leo.LeonardoClient, fake: FakeLeonardo
) -> None:
    fake.inject_fault("POST", "/elements", drop_connection=True)
    job = await client.elements.train(**GOOD)
    assert job.recovered and job.cost is None
    assert [job.element_id] == [e for e, _ in fake.element_trainings]
    assert [r.method for r in fake.requests].count("POST") == 1


async def test_a_lost_answer_with_two_candidates_is_unknown(
    client: leo.LeonardoClient, fake: FakeLeonardo
) -> None:
    fake.inject_fault("POST", "/elements", drop_connection=True)
    fake.add_element(name="n")  # made by someone else, just now
    with pytest.raises(leo.ElementOutcomeUnknownError) as caught:
        await client.elements.train(**GOOD)
    assert isinstance(caught.value, leo.OutcomeUnknownError)
    assert caught.value.name == "n"
    assert len(caught.value.candidates) == 2
    assert "Found 2" in str(caught.value)
    assert [r.method for r in fake.requests].count("POST") == 1


async def test_a_training_on_a_dataset_the_fake_lacks_is_refused(
    client: leo.LeonardoClient, fake: FakeLeonardo
) -> None:
    with pytest.raises(leo.BadRequestError, match="dataset not found"):
        await client.elements.train(**{**GOOD, "dataset_id": str(uuid.uuid4())})
    assert fake.element_trainings == []


async def test_raw_answers_and_a_failed_training(
    client: leo.LeonardoClient, fake: FakeLeonardo
) -> None:
    fake.fail_next_training()
    job = await client.elements.train(**GOOD)
    raw = await client.with_raw_response.elements.get(job.element_id)
    assert raw.status == 200 and raw.parse().id == job.element_id
    await asyncio.sleep(0.25)
    assert (await client.elements.get(job.element_id)).status == leo.JobStatus.FAILED


async def test_waiting_for_an_element(
    client: leo.LeonardoClient, fake: FakeLeonardo
) -> None:
    fast = client.with_options(poll_interval=0.02, max_poll_interval=0.05)
    job = await fast.elements.train(**GOOD)
    seen: list[object] = []
    element = await fast.wait_for_element(job.element_id, on_status=seen.append)
    assert element.id == job.element_id and element.status == leo.JobStatus.COMPLETE
    assert [getattr(e, "status", None) for e in seen] == ["PENDING", "COMPLETE"]

    fake.fail_next_training()
    doomed = await fast.elements.train(**GOOD)
    with pytest.raises(leo.TrainingFailedError) as caught:
        await fast.wait_for_element(doomed.element_id)
    assert isinstance(caught.value, leo.JobFailedError)
    assert isinstance(caught.value.model, leo.Element)
    assert f"element {doomed.element_id}" in str(caught.value)


async def test_an_element_wait_that_runs_out(
    client: leo.LeonardoClient, fake: FakeLeonardo
) -> None:
    job = await client.elements.train(**GOOD)
    with pytest.raises(leo.TrainingTimeoutError) as caught:
        await client.wait_for_element(job.element_id, timeout=0.05, poll_interval=0.02)
    assert isinstance(caught.value, leo.WaitTimeoutError)
    assert isinstance(caught.value, TimeoutError)
    assert caught.value.pending_ids == [job.element_id]
    assert isinstance(caught.value.model, leo.Element)


async def test_a_batch_of_elements_is_one_request_a_round(
    client: leo.LeonardoClient, fake: FakeLeonardo
) -> None:
    fast = client.with_options(poll_interval=0.02, max_poll_interval=0.05)
    jobs = [await fast.elements.train(**{**GOOD, "name": f"e{i}"}) for i in range(4)]
    fake.requests.clear()
    done = await fast.wait_for_elements(
        [j.element_id for j in jobs], user_id=fake.user_id
    )
    assert [e.id for e in done] == [j.element_id for j in jobs]
    listing = f"/elements/user/{fake.user_id}"
    # One list a round while several are pending; a GET if one is left.
    assert fake.requests[0].path == listing
    by_id = {f"/elements/{j.element_id}" for j in jobs}
    assert {r.path for r in fake.requests} <= {listing} | by_id
    assert [r.path for r in fake.requests].count(listing) >= 2
    assert await fast.wait_for_elements([]) == []


async def test_watching_an_element(client: leo.LeonardoClient) -> None:
    fast = client.with_options(poll_interval=0.02, max_poll_interval=0.05)
    job = await fast.elements.train(**GOOD)
    statuses = [e.status async for e in fast.watch_element(job.element_id)]
    assert statuses == [leo.JobStatus.PENDING, leo.JobStatus.COMPLETE]


@pytest.mark.parametrize(
    ("ids", "error"),
    [(5, TypeError), ([1, "2"], TypeError), ([1, 0], ValueError), ("12", TypeError)],
)
async def test_bad_element_ids_for_a_batch(
    client: leo.LeonardoClient, fake: FakeLeonardo, ids: Any, error: type
) -> None:
    with pytest.raises(error, match="element_ids"):
        await client.wait_for_elements(ids)
    with pytest.raises(ValueError, match="element_id"):
        client.watch_element(0)
    assert fake.requests == []
