"""One poller per client: every wait's polls coalesced into shared rounds.

Rounds are counted from the fake's request times: what matters to a user is
how many requests their waits cost, and that each wait still keeps its own
timeout, schedule and outcome.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator

import pytest

import leonardo_async as leo
from leonardo_async.testing import FakeLeonardo

from .conftest import MODEL_ID, USER_ID, leftover_tasks, paths, until

FAST = {"poll_interval": 0.1, "max_poll_interval": 0.1}


@pytest.fixture
async def quick(fake: FakeLeonardo) -> AsyncIterator[leo.LeonardoClient]:
    async with leo.LeonardoClient(fake.api_key, base_url=fake.base_url) as client:
        yield client


def pending(fake: FakeLeonardo, count: int) -> list[str]:
    ids = []
    for _ in range(count):
        ids.append(fake.add_model())
        fake.set_status(ids[-1], "PENDING")
    return ids


def polls(fake: FakeLeonardo, since: int = 0) -> list[str]:
    return [p for p in paths(fake)[since:] if p != "/me"]


async def test_waits_started_together_share_one_request_a_round(
    quick: leo.LeonardoClient, fake: FakeLeonardo
) -> None:
    ids = [fake.add_model(status="COMPLETE") for _ in range(1000)]
    models = await asyncio.gather(*(quick.wait_for_training(i) for i in ids))
    assert [m.id for m in models] == ids
    # One GET /me in the client's lifetime, then one list for all 1,000.
    assert paths(fake) == ["/me", f"/models/user/{fake.user_id}"]


async def test_waits_started_at_different_moments_share_rounds(
    quick: leo.LeonardoClient, fake: FakeLeonardo
) -> None:
    ids = pending(fake, 5)
    tasks = []
    for model_id in ids:
        tasks.append(asyncio.create_task(quick.wait_for_training(model_id, **FAST)))
        await asyncio.sleep(0.05)
    await asyncio.sleep(0.5)
    before = len(fake.requests)
    await asyncio.sleep(0.5)
    rounds = fake.requests[before:]
    # Five waits polling every 0.1 s alone would make about 25 requests.
    assert 3 <= len(rounds) <= 7
    assert {r.path for r in rounds} == {f"/models/user/{fake.user_id}"}
    times = [r.at for r in fake.requests[before - 1 :]]
    assert min(b - a for a, b in itertools.pairwise(times)) >= 0.08
    for model_id in ids:
        fake.set_status(model_id, "COMPLETE")
    assert [m.status for m in await asyncio.gather(*tasks)] == ["COMPLETE"] * 5


async def test_a_short_timeout_beside_a_long_one(
    quick: leo.LeonardoClient, fake: FakeLeonardo
) -> None:
    short, long = pending(fake, 2)
    waiting = asyncio.create_task(quick.wait_for_training(long, timeout=10, **FAST))
    with pytest.raises(leo.TrainingTimeoutError) as caught:
        await quick.wait_for_training(short, timeout=0.3, **FAST)
    assert caught.value.pending_ids == [short]
    assert not waiting.done()
    fake.set_status(long, "COMPLETE")
    assert (await waiting).status == leo.JobStatus.COMPLETE


async def test_cancelling_one_wait_disturbs_no_other(
    quick: leo.LeonardoClient, fake: FakeLeonardo
) -> None:
    first, second = pending(fake, 2)
    one = asyncio.create_task(quick.wait_for_training(first, **FAST))
    other = asyncio.create_task(quick.wait_for_training(second, **FAST))
    await until(lambda: len(fake.requests) >= 3)
    one.cancel()
    with pytest.raises(asyncio.CancelledError):
        await one
    await asyncio.sleep(0.15)  # a round already under way may still list both
    before = len(fake.requests)
    await asyncio.sleep(0.3)
    assert len(fake.requests) > before  # the other is still polled
    assert polls(fake, before) == [f"/models/{second}"] * len(polls(fake, before))
    fake.set_status(second, "COMPLETE")
    assert (await other).status == leo.JobStatus.COMPLETE


async def test_no_request_once_the_last_wait_ends(
    quick: leo.LeonardoClient, fake: FakeLeonardo
) -> None:
    (model_id,) = pending(fake, 1)
    fake_done = asyncio.get_running_loop().call_later(
        0.25, fake.set_status, model_id, "COMPLETE"
    )
    await quick.wait_for_training(model_id, **FAST)
    fake_done.cancel()
    count = len(fake.requests)
    assert leftover_tasks() == set()
    await asyncio.sleep(0.3)
    assert len(fake.requests) == count


async def test_closing_the_client_ends_every_pending_wait(
    fake: FakeLeonardo,
) -> None:
    ids = pending(fake, 3)
    client = leo.LeonardoClient(fake.api_key, base_url=fake.base_url)
    copy = client.with_options(timeout=5)
    waits = [
        asyncio.create_task(client.wait_for_training(ids[0], **FAST)),
        asyncio.create_task(copy.wait_for_trainings(ids[1:], **FAST)),
    ]
    await until(lambda: len(fake.requests) >= 2)
    await client.aclose()
    for wait in waits:
        with pytest.raises(leo.LeonardoError, match="client was closed"):
            await wait
    count = len(fake.requests)
    await asyncio.sleep(0.2)
    assert len(fake.requests) == count
    assert leftover_tasks() == set()
    with pytest.raises(RuntimeError, match="closed"):
        await client.wait_for_training(ids[0])


async def test_a_refused_key_ends_every_wait_a_missing_id_only_its_own(
    quick: leo.LeonardoClient, fake: FakeLeonardo
) -> None:
    first, second = pending(fake, 2)
    alone = asyncio.create_task(quick.wait_for_training(first, **FAST))
    with pytest.raises(leo.NotFoundError):
        await quick.wait_for_training(MODEL_ID, **FAST)
    assert not alone.done()
    both = asyncio.create_task(quick.wait_for_trainings([second], **FAST))
    await asyncio.sleep(0.15)
    fake.inject_fault("GET", "*", status=401, times=100)
    for wait in (alone, both):
        with pytest.raises(leo.AuthenticationError):
            await wait


async def test_copies_share_the_poller(
    quick: leo.LeonardoClient, fake: FakeLeonardo
) -> None:
    ids = [fake.add_model(status="COMPLETE") for _ in range(4)]
    copy = quick.with_options(max_retries=0)
    await asyncio.gather(
        quick.wait_for_training(ids[0]),
        copy.wait_for_training(ids[1]),
        quick.wait_for_trainings(ids[2:]),
    )
    assert paths(fake) == ["/me", f"/models/user/{fake.user_id}"]


async def test_each_kind_has_its_own_poller(
    quick: leo.LeonardoClient, fake: FakeLeonardo
) -> None:
    models = [fake.add_model(status="COMPLETE") for _ in range(2)]
    elements = [fake.add_element() for _ in range(2)]
    await asyncio.gather(
        *(quick.wait_for_training(i) for i in models),
        *(quick.wait_for_element(i) for i in elements),
    )
    assert sorted(paths(fake)) == sorted(
        ["/me", f"/models/user/{fake.user_id}", f"/elements/user/{fake.user_id}"]
    )


async def test_a_large_account_is_polled_by_id(
    quick: leo.LeonardoClient, fake: FakeLeonardo
) -> None:
    for _ in range(200):
        fake.add_model(status="COMPLETE")
    first, second = pending(fake, 2)
    waits = asyncio.gather(
        quick.wait_for_training(first, **FAST), quick.wait_for_training(second, **FAST)
    )
    await until(lambda: len(polls(fake)) >= 3)
    # The first round learns the account holds 202 models: more than 50 per
    # id waited on, so the next rounds ask for the two by id.
    assert polls(fake)[0] == f"/models/user/{fake.user_id}"
    assert sorted(polls(fake)[1:3]) == sorted([f"/models/{first}", f"/models/{second}"])
    fake.set_status(first, "COMPLETE")
    fake.set_status(second, "COMPLETE")
    await waits


async def test_an_id_another_user_owns_is_asked_for_by_id(
    quick: leo.LeonardoClient, fake: FakeLeonardo
) -> None:
    mine = fake.add_model(status="COMPLETE")
    theirs = fake.add_model(status="COMPLETE", owner=USER_ID)
    await asyncio.gather(quick.wait_for_training(mine), quick.wait_for_training(theirs))
    assert polls(fake) == [f"/models/user/{fake.user_id}", f"/models/{theirs}"]
