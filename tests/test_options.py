"""Per-call options, raw answers, and the tolerant reader, end to end."""

from __future__ import annotations

import json
import logging

import pytest

import leonardo_async as leo
from leonardo_async.testing import FakeLeonardo

from .conftest import DATASET_ID, MODEL_ID


async def test_extras_reach_the_server(
    client: leo.LeonardoClient, fake: FakeLeonardo
) -> None:
    dataset_id = await client.datasets.create("cats")
    job = await client.models.train(
        name="my-style",
        dataset_id=dataset_id,
        instance_prompt="sks",
        extra_headers={"X-Trace": "abc"},
        extra_query={"dryRun": False},
        extra_body={"brandNewField": {"a": 1}},
    )
    sent = fake.requests[-1]
    assert sent.headers["X-Trace"] == "abc"
    assert sent.query == {"dryRun": "false"}
    assert sent.json["brandNewField"] == {"a": 1}
    assert sent.json["name"] == "my-style"
    model = await client.models.get(job.custom_model_id, extra_query={"v": 2})
    assert model.name == "my-style"
    assert fake.requests[-1].query == {"v": "2"}


@pytest.mark.parametrize(
    ("options", "error", "argument"),
    [
        ({"extra_body": {"name": "other"}}, ValueError, "extra_body"),
        ({"extra_body": {"datasetId": DATASET_ID}}, ValueError, "extra_body"),
        ({"extra_headers": {"authorization": "Bearer x"}}, ValueError, "extra_headers"),
        ({"extra_query": {"q": object()}}, TypeError, "extra_query"),
    ],
)
async def test_bad_extras_are_refused_before_sending(
    client: leo.LeonardoClient,
    fake: FakeLeonardo,
    options: dict[str, object],
    error: type[Exception],
    argument: str,
) -> None:
    with pytest.raises(error, match=argument):
        await client.models.train(
            name="n", dataset_id=DATASET_ID, instance_prompt="sks", **options
        )
    assert fake.requests == []


async def test_the_key_header_cannot_be_overridden_on_a_read(
    client: leo.LeonardoClient, fake: FakeLeonardo
) -> None:
    with pytest.raises(ValueError, match="Authorization"):
        await client.users.me(extra_headers={"Authorization": "Bearer stolen"})
    assert fake.requests == []


async def test_a_raw_answer_and_its_parse(
    client: leo.LeonardoClient, fake: FakeLeonardo
) -> None:
    model_id = fake.add_model(name="raw")
    raw = await client.with_raw_response.models.get(model_id)
    assert raw.status == 200
    assert raw.method == "GET"
    assert raw.url == f"{fake.base_url}/models/{model_id}"
    assert raw.headers["Content-Type"].startswith("application/json")
    assert json.loads(raw.body)["custom_models_by_pk"]["id"] == model_id
    assert raw.elapsed >= 0
    assert raw.parse() == await client.models.get(model_id)
    assert "200" in repr(raw)


async def test_a_raw_answer_that_does_not_fit_raises_on_parse(
    client: leo.LeonardoClient, fake: FakeLeonardo
) -> None:
    fake.inject_fault("GET", "/platformModels", body="<html>maintenance</html>")
    raw = await client.with_raw_response.models.list_platform()
    assert raw.status == 200
    assert raw.body == b"<html>maintenance</html>"
    with pytest.raises(leo.ResponseValidationError):
        raw.parse()


async def test_a_raw_call_still_raises_status_errors(
    client: leo.LeonardoClient, fake: FakeLeonardo
) -> None:
    fake.inject_fault("GET", "/me", status=403)
    with pytest.raises(leo.PermissionDeniedError) as caught:
        await client.with_raw_response.users.me()
    assert caught.value.status == 403


async def test_raw_answers_of_every_resource(
    client: leo.LeonardoClient, fake: FakeLeonardo
) -> None:
    raw = client.with_raw_response
    created = await raw.datasets.create("cats")
    dataset_id = created.parse()
    assert (await raw.datasets.get(dataset_id)).parse().id == dataset_id
    mine = await raw.models.list_mine()
    assert mine.url.endswith(f"/models/user/{fake.user_id}")  # the last request
    assert (await raw.users.me()).parse().id == fake.user_id
    assert (await raw.datasets.delete(dataset_id)).parse() == dataset_id


async def test_a_model_with_unreadable_fields_is_kept(
    client: leo.LeonardoClient,
    fake: FakeLeonardo,
    caplog: pytest.LogCaptureFixture,
) -> None:
    fake.add_model(name="good")
    fake.add_model(name="odd", createdAt="ipsum ut esse", modelWidth="wide")
    with caplog.at_level(logging.DEBUG, logger="leonardo_async"):
        models = await client.models.list_mine()
    odd = next(m for m in models if m.name == "odd")
    assert len(models) == 2
    assert odd.created_at is None and odd.model_width is None
    assert odd.status == leo.JobStatus.COMPLETE
    lines = [r.getMessage() for r in caplog.records if "ignored" in r.getMessage()]
    assert any("$.custom_models[1].createdAt" in line for line in lines)


async def test_a_training_answer_with_its_id_but_no_amount_is_a_job(
    client: leo.LeonardoClient, fake: FakeLeonardo
) -> None:
    body = {"sdTrainingJob": {"customModelId": MODEL_ID, "cost": {"unit": "x"}}}
    fake.inject_fault("POST", "/models", body=json.dumps(body))
    job = await client.models.train(
        name="n", dataset_id=DATASET_ID, instance_prompt="sks"
    )
    assert job == leo.TrainingJob(custom_model_id=MODEL_ID, cost=None)


async def test_a_float_balance_on_me(
    client: leo.LeonardoClient, fake: FakeLeonardo
) -> None:
    body = {"user_details": [{"user": {"id": fake.user_id}, "paidTokens": 12.4567}]}
    fake.inject_fault("GET", "/me", body=json.dumps(body))
    assert (await client.users.me()).paid_tokens == 12.4567
