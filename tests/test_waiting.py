from __future__ import annotations

import asyncio
import gc

import pytest

import leonardo_async as leo
from leonardo_async._waiting._polling import poll_delay
from leonardo_async.testing import FakeLeonardo

from .conftest import MODEL_ID, USER_ID, FakeTime, leftover_tasks, paths, until


def after_sleeps(time: FakeTime, count: int, action: object) -> None:
    """Run ``action`` once the waiter has slept ``count`` times."""

    def on_sleep(_: float) -> None:
        if len(time.sleeps) == count:
            action()  # type: ignore[operator]

    time.on_sleep = on_sleep


def test_poll_delays_grow_from_the_interval_to_the_cap_with_jitter() -> None:
    for _ in range(200):
        assert 4.5 <= poll_delay(1, 5, 60) <= 5
        assert 6.75 <= poll_delay(2, 5, 60) <= 7.5
        assert 54 <= poll_delay(30, 5, 60) <= 60


async def test_first_poll_is_at_once_and_a_finished_model_returns_without_sleeping(
    timed: leo.LeonardoClient, fake: FakeLeonardo, fake_time: FakeTime
) -> None:
    model_id = fake.add_model(status="COMPLETE")
    model = await timed.wait_for_training(model_id)
    assert model.status is leo.JobStatus.COMPLETE
    assert fake_time.sleeps == []
    assert paths(fake) == [f"/models/{model_id}"]


async def test_polls_back_off_then_return_the_complete_model(
    timed: leo.LeonardoClient, fake: FakeLeonardo, fake_time: FakeTime
) -> None:
    model_id = fake.add_model(status="PENDING")
    after_sleeps(fake_time, 6, lambda: fake.set_status(model_id, "COMPLETE"))
    model = await timed.wait_for_training(
        model_id, poll_interval=2, max_poll_interval=5
    )
    assert model.status is leo.JobStatus.COMPLETE
    assert len(paths(fake)) == 7
    bases = [2, 3, 4.5, 5, 5, 5]
    assert len(fake_time.sleeps) == 6
    for slept, base in zip(fake_time.sleeps, bases, strict=True):
        assert base * 0.9 <= slept <= base


async def test_failed_training_raises_with_the_model(
    timed: leo.LeonardoClient, fake: FakeLeonardo, fake_time: FakeTime
) -> None:
    model_id = fake.add_model(status="PENDING", name="doomed")
    after_sleeps(fake_time, 1, lambda: fake.set_status(model_id, "FAILED"))
    with pytest.raises(leo.TrainingFailedError) as caught:
        await timed.wait_for_training(model_id)
    assert caught.value.model.id == model_id
    assert caught.value.model.status is leo.JobStatus.FAILED
    assert not isinstance(caught.value, leo.APIStatusError)


async def test_timeout_is_exact_and_carries_the_last_model(
    timed: leo.LeonardoClient, fake: FakeLeonardo, fake_time: FakeTime
) -> None:
    model_id = fake.add_model(status="PENDING")
    start = fake_time.now
    with pytest.raises(leo.TrainingTimeoutError) as caught:
        await timed.wait_for_training(
            model_id, timeout=100, poll_interval=5, max_poll_interval=30
        )
    assert isinstance(caught.value, TimeoutError)
    assert caught.value.model is not None and caught.value.model.id == model_id
    assert caught.value.pending_ids == [model_id]
    assert fake_time.now - start == pytest.approx(100)


async def test_unknown_status_is_not_finished(
    timed: leo.LeonardoClient, fake: FakeLeonardo, fake_time: FakeTime
) -> None:
    model_id = fake.add_model(status="TRAINING")
    seen: list[object] = []
    after_sleeps(fake_time, 2, lambda: fake.set_status(model_id, "COMPLETE"))
    model = await timed.wait_for_training(
        model_id, on_status=lambda m: seen.append(m.status)
    )
    assert model.status is leo.JobStatus.COMPLETE
    assert seen == ["TRAINING", leo.JobStatus.COMPLETE]


async def test_transient_failures_do_not_end_the_wait(
    timed: leo.LeonardoClient, fake: FakeLeonardo, fake_time: FakeTime
) -> None:
    model_id = fake.add_model(status="PENDING")
    fake.inject_fault("GET", "/models/*", status=503, times=3)
    fake.inject_fault("GET", "/models/*", status=429, times=3)
    fake.inject_fault("GET", "/models/*", drop_connection=True, times=1)
    after_sleeps(fake_time, 2, lambda: fake.set_status(model_id, "COMPLETE"))
    quiet = timed.with_options(max_retries=0)
    model = await quiet.wait_for_training(model_id)
    assert model.status is leo.JobStatus.COMPLETE


@pytest.mark.parametrize(
    ("code", "error"),
    [
        (401, leo.AuthenticationError),
        (403, leo.PermissionDeniedError),
        (404, leo.NotFoundError),
    ],
)
async def test_auth_and_not_found_end_the_wait_at_once(
    timed: leo.LeonardoClient,
    fake: FakeLeonardo,
    fake_time: FakeTime,
    code: int,
    error: type[Exception],
) -> None:
    model_id = fake.add_model(status="PENDING")
    fake.inject_fault("GET", "/models/*", status=code)
    with pytest.raises(error):
        await timed.wait_for_training(model_id)
    assert fake_time.sleeps == []


async def test_unknown_model_ends_the_wait(
    timed: leo.LeonardoClient, fake_time: FakeTime
) -> None:
    with pytest.raises(leo.NotFoundError):
        await timed.wait_for_training(MODEL_ID)
    assert fake_time.sleeps == []


async def test_on_status_sync_and_async_on_each_change_only(
    timed: leo.LeonardoClient, fake: FakeLeonardo, fake_time: FakeTime
) -> None:
    model_id = fake.add_model(status="PENDING")
    after_sleeps(fake_time, 4, lambda: fake.set_status(model_id, "COMPLETE"))
    plain: list[str] = []
    awaited: list[str] = []

    async def record(model: leo.CustomModel) -> None:
        await asyncio.sleep(0)
        awaited.append(str(model.status))

    await timed.wait_for_training(
        model_id, on_status=lambda m: plain.append(str(m.status))
    )
    assert plain == ["PENDING", "COMPLETE"]
    fake.set_status(model_id, "PENDING")
    fake_time.sleeps.clear()
    await timed.wait_for_training(model_id, on_status=record)
    assert awaited == ["PENDING", "COMPLETE"]


async def test_an_error_in_on_status_stops_the_wait(
    timed: leo.LeonardoClient, fake: FakeLeonardo, fake_time: FakeTime
) -> None:
    model_id = fake.add_model(status="PENDING")

    def explode(model: leo.CustomModel) -> None:
        raise RuntimeError("bot is down")

    with pytest.raises(RuntimeError, match="bot is down"):
        await timed.wait_for_training(model_id, on_status=explode)
    assert len(paths(fake)) == 1
    assert fake_time.sleeps == []


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"model_id": "nope"}, ValueError, "model_id"),
        ({"timeout": 0}, ValueError, "timeout"),
        ({"poll_interval": -1}, ValueError, "poll_interval"),
        ({"max_poll_interval": "60"}, TypeError, "max_poll_interval"),
        ({"poll_interval": 10, "max_poll_interval": 5}, ValueError, "poll_interval"),
        ({"on_status": "print"}, TypeError, "on_status"),
    ],
)
async def test_wait_arguments_are_checked_before_any_request(
    client: leo.LeonardoClient,
    fake: FakeLeonardo,
    kwargs: dict[str, object],
    error: type[Exception],
    match: str,
) -> None:
    args = {"model_id": MODEL_ID, **kwargs}
    with pytest.raises(error, match=match):
        await client.wait_for_training(**args)  # type: ignore[arg-type]
    watch_args = {k: v for k, v in args.items() if k != "on_status"}
    if "on_status" not in kwargs:
        with pytest.raises(error, match=match):
            client.watch_training(**watch_args)  # type: ignore[arg-type]
        batch = {k: v for k, v in args.items() if k != "model_id"}
        ids = [args["model_id"]]
        with pytest.raises(error, match=match.replace("model_id", r"model_ids\[0\]")):
            await client.wait_for_trainings(ids, **batch)  # type: ignore[arg-type]
    assert fake.requests == []


async def test_batch_arguments(client: leo.LeonardoClient, fake: FakeLeonardo) -> None:
    with pytest.raises(TypeError, match="model_ids"):
        await client.wait_for_trainings(MODEL_ID)
    with pytest.raises(ValueError, match="user_id"):
        await client.wait_for_trainings([MODEL_ID], user_id="me")
    assert await client.wait_for_trainings([]) == []
    assert fake.requests == []


async def test_cancel_mid_sleep_stops_at_once(
    client: leo.LeonardoClient, fake: FakeLeonardo
) -> None:
    model_id = fake.add_model(status="PENDING")
    task = asyncio.create_task(
        client.wait_for_training(model_id, poll_interval=30, max_poll_interval=60)
    )
    await until(lambda: fake.requests)
    await asyncio.sleep(0.05)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert len(fake.requests) == 1
    assert leftover_tasks() == set()


async def test_cancel_mid_request_stops_at_once(
    client: leo.LeonardoClient, fake: FakeLeonardo
) -> None:
    model_id = fake.add_model(status="PENDING")
    fake.inject_fault("GET", "/models/*", delay=30)
    task = asyncio.create_task(client.wait_for_training(model_id))
    await until(lambda: fake.requests)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await asyncio.wait_for(task, 2)
    assert leftover_tasks() == set()


async def test_batch_with_user_id_is_one_list_request_per_round(
    client: leo.LeonardoClient, fake: FakeLeonardo
) -> None:
    fake.training_seconds = 0.3
    fake.fail_next_training(5)
    jobs = await asyncio.gather(
        *(
            client.models.train(
                name=f"m{i}", dataset_id=MODEL_ID, instance_prompt="sks"
            )
            for i in range(50)
        )
    )
    ids = [j.custom_model_id for j in jobs]
    before = len(fake.requests)
    changes: list[tuple[str, str]] = []
    models = await client.wait_for_trainings(
        ids,
        user_id=fake.user_id,
        poll_interval=0.1,
        max_poll_interval=0.1,
        on_status=lambda m: changes.append((m.id, str(m.status))),
    )
    polls = paths(fake)[before:]
    listing = f"/models/user/{fake.user_id}"
    # One list a round; a GET only if a round finds a single one left.
    assert polls[0] == listing
    assert set(polls) <= {listing} | {f"/models/{i}" for i in ids}
    assert polls.count(listing) >= 2
    assert len(polls) <= 10
    assert [m.id for m in models] == ids
    assert [str(m.status) for m in models].count("FAILED") == 5
    assert [str(m.status) for m in models].count("COMPLETE") == 45
    assert len(changes) == 100  # PENDING, then the end, for each


async def test_batch_without_user_id_asks_me_once_then_lists(
    timed: leo.LeonardoClient, fake: FakeLeonardo, fake_time: FakeTime
) -> None:
    ids = [fake.add_model(status="PENDING") for _ in range(3)]
    rounds: list[list[str]] = []

    def on_sleep(_: float) -> None:
        rounds.append(paths(fake))
        if len(fake_time.sleeps) == 1:
            fake.set_status(ids[0], "COMPLETE")
        if len(fake_time.sleeps) == 2:
            fake.set_status(ids[1], "FAILED")
            fake.set_status(ids[2], "COMPLETE")

    fake_time.on_sleep = on_sleep
    models = await timed.wait_for_trainings([ids[2], ids[0], ids[1], ids[2]])
    assert [m.id for m in models] == [ids[2], ids[0], ids[1], ids[2]]
    assert [str(m.status) for m in models] == [
        "COMPLETE",
        "COMPLETE",
        "FAILED",
        "COMPLETE",
    ]
    listing = f"/models/user/{fake.user_id}"
    # One GET /me in the client's lifetime, then one list a round.
    assert rounds[0] == ["/me", listing]
    assert paths(fake) == ["/me", listing, listing, listing]
    await timed.wait_for_trainings(ids)
    assert paths(fake).count("/me") == 1


async def test_a_single_pending_id_is_read_by_id(
    timed: leo.LeonardoClient, fake: FakeLeonardo, fake_time: FakeTime
) -> None:
    done, pending = fake.add_model(status="COMPLETE"), fake.add_model()
    fake.set_status(pending, "PENDING")
    fake_time.on_sleep = lambda _: fake.set_status(pending, "COMPLETE")
    await timed.wait_for_trainings([done, pending], user_id=fake.user_id)
    assert paths(fake) == [f"/models/user/{fake.user_id}", f"/models/{pending}"]


async def test_batch_looks_up_ids_missing_from_the_list_one_by_one(
    timed: leo.LeonardoClient, fake: FakeLeonardo, fake_time: FakeTime
) -> None:
    mine = fake.add_model(status="COMPLETE")
    elsewhere = fake.add_model(status="COMPLETE", owner=USER_ID)
    models = await timed.wait_for_trainings([mine, elsewhere], user_id=fake.user_id)
    assert [m.id for m in models] == [mine, elsewhere]
    assert paths(fake) == [f"/models/user/{fake.user_id}", f"/models/{elsewhere}"]


async def test_batch_survives_transient_failures(
    timed: leo.LeonardoClient, fake: FakeLeonardo, fake_time: FakeTime
) -> None:
    ids = [fake.add_model(status="COMPLETE") for _ in range(2)]
    elsewhere = fake.add_model(status="COMPLETE", owner=USER_ID)
    fake.inject_fault("GET", "/models/user/*", status=503)
    fake.inject_fault("GET", f"/models/{elsewhere}", status=502)
    quiet = timed.with_options(max_retries=0)
    # A list that failed saw nothing: no GET per id into an overloaded API.
    models = await quiet.wait_for_trainings(ids, user_id=fake.user_id)
    assert [m.id for m in models] == ids
    assert len(fake_time.sleeps) == 1
    assert not any(p.startswith("/models/") and "user" not in p for p in paths(fake))
    # An id the list does not hold is asked for by id, transiently failing.
    models = await quiet.wait_for_trainings([*ids, elsewhere])
    assert [m.id for m in models] == [*ids, elsewhere]
    assert len(fake_time.sleeps) == 2


async def test_batch_timeout_names_the_pending_ids(
    timed: leo.LeonardoClient, fake: FakeLeonardo, fake_time: FakeTime
) -> None:
    done = fake.add_model(status="COMPLETE")
    stuck = fake.add_model(status="PENDING")
    with pytest.raises(leo.TrainingTimeoutError) as caught:
        await timed.wait_for_trainings([stuck, done], user_id=fake.user_id, timeout=30)
    assert caught.value.pending_ids == [stuck]
    assert stuck in str(caught.value) and done not in str(caught.value)


async def test_batch_not_found_ends_it(
    timed: leo.LeonardoClient, fake: FakeLeonardo
) -> None:
    known = fake.add_model(status="PENDING")
    with pytest.raises(leo.NotFoundError):
        await timed.wait_for_trainings([known, MODEL_ID])
    assert leftover_tasks() == set()


async def test_watch_yields_each_change_and_ends_after_the_last(
    timed: leo.LeonardoClient, fake: FakeLeonardo, fake_time: FakeTime
) -> None:
    model_id = fake.add_model(status="PENDING")

    def on_sleep(_: float) -> None:
        if len(fake_time.sleeps) == 2:
            fake.set_status(model_id, "TRAINING")
        if len(fake_time.sleeps) == 4:
            fake.set_status(model_id, "FAILED")

    fake_time.on_sleep = on_sleep
    statuses = [str(m.status) async for m in timed.watch_training(model_id)]
    assert statuses == ["PENDING", "TRAINING", "FAILED"]
    assert len(paths(fake)) == 5


async def test_watch_times_out(timed: leo.LeonardoClient, fake: FakeLeonardo) -> None:
    model_id = fake.add_model(status="PENDING")
    seen: list[leo.CustomModel] = []

    async def watch() -> None:
        async for model in timed.watch_training(model_id, timeout=20):
            seen.append(model)

    with pytest.raises(leo.TrainingTimeoutError) as caught:
        await watch()
    assert caught.value.model == seen[-1]


async def test_leaving_a_watch_early_stops_polling(
    client: leo.LeonardoClient, fake: FakeLeonardo
) -> None:
    model_id = fake.add_model(status="PENDING")
    updates = client.watch_training(
        model_id, poll_interval=0.01, max_poll_interval=0.01
    )
    async for model in updates:
        assert model.status is leo.JobStatus.PENDING
        break
    await updates.aclose()
    count = len(fake.requests)
    await asyncio.sleep(0.1)
    assert len(fake.requests) == count == 1
    gc.collect()
    assert leftover_tasks() == set()


async def test_gets_of_a_round_stay_within_max_concurrency(
    fake: FakeLeonardo,
) -> None:
    # Another user's models are not in the key's list: a GET each.
    ids = [fake.add_model(status="COMPLETE", owner=USER_ID) for _ in range(8)]
    fake.inject_fault("GET", "/models/*-*", delay=0.05, times=8)
    async with leo.LeonardoClient(
        fake.api_key, base_url=fake.base_url, max_concurrency=3
    ) as client:
        models = await client.wait_for_trainings(ids)
    assert [m.id for m in models] == ids
    assert paths(fake)[:2] == ["/me", f"/models/user/{fake.user_id}"]
    assert len(paths(fake)) == 10
    assert fake.max_in_flight == 3


async def test_the_client_sets_the_default_schedule_of_every_wait(
    fake: FakeLeonardo,
) -> None:
    model_id = fake.add_model(status="PENDING")
    async with leo.LeonardoClient(
        fake.api_key, base_url=fake.base_url, poll_interval=0.01, max_poll_interval=0.02
    ) as client:
        waiting = asyncio.create_task(client.wait_for_training(model_id, timeout=5))
        await asyncio.sleep(0.3)
        fake.set_status(model_id, "COMPLETE")
        model = await asyncio.wait_for(waiting, 2)
        assert model.status == leo.JobStatus.COMPLETE
        polls = [r for r in fake.requests if r.path == f"/models/{model_id}"]
        assert len(polls) >= 10  # every 10-20 ms, not every 5 s
        slow = client.with_options(poll_interval=1.0, max_poll_interval=2.0)
        fake.set_status(model_id, "PENDING")
        with pytest.raises(leo.TrainingTimeoutError):
            await slow.wait_for_training(model_id, timeout=0.5)
        assert len(fake.requests) - len(polls) <= 2  # one at once, one at the end


@pytest.mark.parametrize(
    ("settings", "argument"),
    [
        ({"poll_interval": 0}, "poll_interval"),
        ({"max_poll_interval": -1}, "max_poll_interval"),
        ({"poll_interval": 5, "max_poll_interval": 1}, "poll_interval"),
        ({"read_timeout": 0}, "read_timeout"),
    ],
)
def test_bad_client_intervals_name_the_argument(
    settings: dict[str, float], argument: str
) -> None:
    with pytest.raises(ValueError, match=argument):
        leo.LeonardoClient("key", **settings)  # type: ignore[arg-type]


async def test_a_waits_own_maximum_cuts_the_clients_first_pause(
    fake: FakeLeonardo,
) -> None:
    model_id = fake.add_model(status="COMPLETE")
    async with leo.LeonardoClient(
        fake.api_key, base_url=fake.base_url, poll_interval=10
    ) as client:
        model = await client.wait_for_training(model_id, max_poll_interval=0.5)
    assert model.id == model_id


async def test_a_change_seen_at_the_deadline_is_reported_before_the_timeout(
    timed: leo.LeonardoClient, fake: FakeLeonardo, fake_time: FakeTime
) -> None:
    model_id = fake.add_model(status="PENDING")
    start = fake_time.now

    def on_sleep(_: float) -> None:
        if fake_time.now - start >= 100:
            fake.set_status(model_id, "TRAINING")

    fake_time.on_sleep = on_sleep
    seen: list[str] = []
    with pytest.raises(leo.TrainingTimeoutError) as caught:
        await timed.wait_for_training(
            model_id, timeout=100, on_status=lambda m: seen.append(str(m.status))
        )
    assert seen == ["PENDING", "TRAINING"]
    assert caught.value.model is not None
    assert caught.value.model.status == "TRAINING"
