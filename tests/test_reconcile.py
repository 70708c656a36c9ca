"""After a create's answer is lost: what it made is found, never made twice."""

from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone

import pytest

import leonardo_async as leo
from leonardo_async._resources._reconcile import server_offset
from leonardo_async.testing import FakeLeonardo

from .conftest import DATASET_ID, paths

TRAIN = {"name": "my-style", "dataset_id": DATASET_ID, "instance_prompt": "sks"}


def an_hour_ago() -> str:
    moment = datetime.now(timezone.utc) - timedelta(hours=1)
    return moment.replace(tzinfo=None).isoformat(timespec="milliseconds")


async def test_the_answer_lost_after_the_server_acted_is_recovered(
    client: leo.LeonardoClient, fake: FakeLeonardo
) -> None:
    older = fake.add_model(name="my-style", createdAt=an_hour_ago())
    fake.inject_fault("POST", "/models", drop_connection=True)
    job = await client.models.train(**TRAIN)
    assert job.recovered and job.cost is None
    assert job.custom_model_id != older  # older than the request: no match
    assert fake.trainings == [(job.custom_model_id, "my-style")]
    assert paths(fake, "POST") == ["/models"]
    done = await client.wait_for_training(job.custom_model_id, poll_interval=0.05)
    assert done.name == "my-style"


async def test_two_same_name_models_made_after_the_request_are_not_guessed(
    client: leo.LeonardoClient, fake: FakeLeonardo
) -> None:
    fake.inject_fault("POST", "/models", drop_connection=True)
    other = fake.add_model(name="my-style")  # another process, at the same time
    with pytest.raises(leo.TrainingOutcomeUnknownError) as caught:
        await client.models.train(**TRAIN)
    made = fake.trainings[0][0]
    assert sorted(m.id for m in caught.value.candidates) == sorted([made, other])
    assert paths(fake, "POST") == ["/models"]
    assert made in str(caught.value) and other in str(caught.value)


async def test_an_older_same_name_model_is_no_match(
    client: leo.LeonardoClient, fake: FakeLeonardo
) -> None:
    fake.add_model(name="my-style", createdAt=an_hour_ago())
    fake.inject_fault("POST", "/models", status=502)  # it never acted
    with pytest.raises(leo.TrainingOutcomeUnknownError) as caught:
        await client.models.train(**TRAIN)
    assert caught.value.candidates == []
    assert fake.trainings == []
    assert paths(fake, "POST") == ["/models"]


async def test_a_model_without_a_creation_time_is_no_match(
    client: leo.LeonardoClient, fake: FakeLeonardo
) -> None:
    fake.add_model(name="my-style", createdAt=None)
    fake.inject_fault("POST", "/models", status=500)
    with pytest.raises(leo.TrainingOutcomeUnknownError) as caught:
        await client.models.train(**TRAIN)
    assert caught.value.candidates == []


async def test_a_failed_look_up_leaves_the_outcome_unknown(
    client: leo.LeonardoClient, fake: FakeLeonardo
) -> None:
    fake.inject_fault("POST", "/models", drop_connection=True)
    fake.inject_fault("GET", "/me", status=400)
    with pytest.raises(leo.TrainingOutcomeUnknownError) as caught:
        await client.models.train(**TRAIN)
    assert caught.value.candidates == []
    assert len(fake.trainings) == 1  # it was made; the SDK could not tell


async def test_a_raw_create_that_was_recovered_gives_the_look_up_answer(
    client: leo.LeonardoClient, fake: FakeLeonardo
) -> None:
    fake.inject_fault("POST", "/models", drop_connection=True)
    raw = await client.with_raw_response.models.train(**TRAIN)
    assert raw.method == "GET" and "/models/user/" in raw.url
    assert raw.parse().recovered


@pytest.mark.parametrize(
    ("date", "offset"),
    [
        ("Tue, 01 Dec 2026 12:00:05 GMT", 5.0),
        ("Tue, 01 Dec 2026 11:00:00 GMT", -3600.0),
        ("not a date", 0.0),
        (None, 0.0),
    ],
)
def test_the_server_clock_comes_from_the_date_header(
    date: str | None, offset: float
) -> None:
    received = datetime(2026, 12, 1, 12, 0, tzinfo=timezone.utc).timestamp()
    headers = {} if date is None else {"Date": date}
    assert server_offset(headers, received) == offset


async def test_the_look_up_takes_at_most_one_more_timeout(
    fake: FakeLeonardo,
) -> None:
    fake.inject_fault("POST", "/models", drop_connection=True)
    fake.inject_fault("GET", "/models/user/*", delay=30)  # the list never comes
    async with leo.LeonardoClient(
        fake.api_key, base_url=fake.base_url, timeout=1.0
    ) as client:
        started = time.monotonic()
        with pytest.raises(leo.TrainingOutcomeUnknownError) as caught:
            await client.models.train(**TRAIN)
        took = time.monotonic() - started
    assert caught.value.candidates == []
    assert took <= 2.0 + 0.5  # the call's timeout, then min(timeout, 5 s)
    assert paths(fake, "POST") == ["/models"]
