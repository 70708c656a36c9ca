"""Real network faults at exact points of the exchange, under load.

A proxy on loopback (tests/faults.py) sits between the client and the fake
and resets, stalls, trickles or closes where a test says. What must hold: no
create is sent twice, an outcome is called unknown only when the request may
have reached the server, a read is retried within its budget, cancellation is
never ignored, every call ends within its timeout, and connections stay
within the cap.
"""

from __future__ import annotations

import asyncio
import collections
import random
import time
from collections.abc import AsyncIterator

import pytest

import leonardo_async as leo
from leonardo_async.testing import FakeLeonardo

from .conftest import client_sockets, leftover_tasks, sample_max
from .faults import FaultProxy


class Script:
    """Modes for the next requests that match ``METHOD /path-prefix``; then pass."""

    def __init__(self) -> None:
        self.modes: dict[str, collections.deque[str]] = {}
        self.chooser: object | None = None

    def add(self, what: str, *modes: str) -> None:
        self.modes.setdefault(what, collections.deque()).extend(modes)

    def __call__(self, method: str, path: str, number: int) -> str:
        for what, modes in self.modes.items():
            wanted_method, prefix = what.split(" ", 1)
            if method == wanted_method and path.startswith(prefix) and modes:
                return modes.popleft()
        return "pass"


@pytest.fixture
async def script() -> Script:
    return Script()


@pytest.fixture
async def proxy(fake: FakeLeonardo, script: Script) -> AsyncIterator[FaultProxy]:
    port = int(fake.base_url.split(":")[2].split("/")[0])
    async with FaultProxy(port, script) as running:
        yield running


@pytest.fixture
async def dataset_id(client: leo.LeonardoClient) -> str:
    return await client.datasets.create("faults")  # straight to the fake


def through(
    proxy: FaultProxy, fake: FakeLeonardo, **options: float
) -> leo.LeonardoClient:
    settings: dict[str, float] = {"timeout": 5.0, "read_timeout": 0.5, **options}
    return leo.LeonardoClient(
        fake.api_key,
        base_url=f"http://127.0.0.1:{proxy.port}/api/rest/v1",
        **settings,  # type: ignore[arg-type]
    )


@pytest.mark.parametrize(
    ("mode", "trainings"),
    [
        ("reset_before", 0),
        ("reset_after", 1),
        ("reset_mid_body", 1),
        ("close_after_headers", 1),
        ("stall", 0),
    ],
)
async def test_a_create_that_may_have_landed_is_recovered_or_unknown_and_sent_once(
    fake: FakeLeonardo,
    proxy: FaultProxy,
    script: Script,
    dataset_id: str,
    mode: str,
    trainings: int,
) -> None:
    script.add("POST /api/rest/v1/models", mode)
    async with through(proxy, fake) as client:
        train = client.models.train(
            name="once", dataset_id=dataset_id, instance_prompt="sks"
        )
        if trainings:  # the server acted: the look-up finds the one model
            job = await train
            assert job.recovered
            assert fake.trainings == [(job.custom_model_id, "once")]
        else:
            with pytest.raises(leo.TrainingOutcomeUnknownError) as caught:
                await train
            assert caught.value.candidates == []
    assert [s for s in proxy.seen if s[0] == "POST"] == [
        ("POST", "/api/rest/v1/models", mode)
    ]
    assert fake.trainings_started == trainings


async def test_a_trickled_answer_is_read(
    fake: FakeLeonardo, proxy: FaultProxy, script: Script, dataset_id: str
) -> None:
    script.add("POST /api/rest/v1/models", "trickle")
    async with through(proxy, fake) as client:
        job = await client.models.train(
            name="slowly", dataset_id=dataset_id, instance_prompt="sks"
        )
    assert fake.trainings == [(job.custom_model_id, "slowly")]


async def test_a_create_never_goes_on_a_kept_alive_connection(
    fake: FakeLeonardo, proxy: FaultProxy, script: Script, dataset_id: str
) -> None:
    # The server closes a kept-alive connection as the next request arrives.
    proxy.plan = lambda method, path, number: "close_kept_alive"
    async with through(proxy, fake) as client:
        for attempt in range(10):
            await client.users.me()  # leaves a kept-alive connection
            job = await client.models.train(
                name=f"fresh-{attempt}", dataset_id=dataset_id, instance_prompt="sks"
            )
            assert (job.custom_model_id, f"fresh-{attempt}") in fake.trainings
    # None was closed on its way in (that would be an unknown outcome).
    assert fake.trainings_started == 10


async def test_a_create_passes_over_every_kept_alive_connection(
    fake: FakeLeonardo, proxy: FaultProxy, script: Script, dataset_id: str
) -> None:
    proxy.plan = lambda method, path, number: "close_kept_alive"
    fake.inject_fault("GET", "/me", delay=0.05, times=4)
    async with through(proxy, fake) as client:
        # Four calls at once leave four kept-alive connections in the pool.
        await asyncio.gather(*(client.users.me() for _ in range(4)))
        job = await client.models.train(
            name="past-four", dataset_id=dataset_id, instance_prompt="sks"
        )
    assert fake.trainings == [(job.custom_model_id, "past-four")]
    assert fake.trainings_started == 1


@pytest.mark.parametrize(
    "mode",
    ["reset_before", "reset_after", "reset_mid_body", "close_after_headers", "stall"],
)
async def test_a_read_is_tried_again_within_its_budget(
    fake: FakeLeonardo, proxy: FaultProxy, script: Script, mode: str
) -> None:
    model_id = fake.add_model(name="read me")
    script.add("GET /api/rest/v1/models/", mode)
    async with through(proxy, fake, timeout=3.0, read_timeout=0.3) as client:
        started = time.monotonic()
        model = await client.models.get(model_id)
    assert model.name == "read me"
    assert time.monotonic() - started < 3.5
    assert [m for _, p, m in proxy.seen if p.startswith("/api/rest/v1/models/")] == [
        mode,
        "pass",
    ]


FAULT_MODES = [
    "reset_before",
    "reset_after",
    "reset_mid_body",
    "close_after_headers",
    "stall",
    "trickle",
    "close_kept_alive",
]


async def _busy_loop(stop: asyncio.Event) -> None:
    # Holds the event loop in slices, like an application with heavy work.
    while not stop.is_set():
        time.sleep(0.005)  # noqa: ASYNC251 - blocking the loop is the point
        await asyncio.sleep(0.001)


async def test_many_calls_with_faults_and_cancellation(
    fake: FakeLeonardo, proxy: FaultProxy, dataset_id: str
) -> None:
    rng = random.Random(13)
    proxy.plan = lambda method, path, number: (
        rng.choice(FAULT_MODES) if rng.random() < 0.2 else "pass"
    )
    model_ids = [fake.add_model(name=f"m{i}") for i in range(10)]
    timeout = 1.5
    returned: set[str] = set()
    recovered: set[str] = set()
    unknown: set[str] = set()
    cancelled_after_send: set[str] = set()
    late: list[float] = []
    ignored: list[str] = []
    stop = asyncio.Event()
    busy = asyncio.create_task(_busy_loop(stop))

    async def one(client: leo.LeonardoClient, number: int) -> None:
        name = f"load-{number}"
        started = time.monotonic()
        # A create whose answer was lost looks for what it made: at most one
        # more timeout.
        bound = timeout * (2 if number % 3 == 0 else 1)
        try:
            if number % 3 == 0:
                job = await client.models.train(
                    name=name, dataset_id=dataset_id, instance_prompt="sks"
                )
                returned.add(job.custom_model_id)
                if job.recovered:
                    recovered.add(job.custom_model_id)
            else:
                await client.models.get(rng.choice(model_ids))
        except leo.TrainingOutcomeUnknownError:
            unknown.add(name)
        except leo.LeonardoError:
            pass
        finally:
            late.append(time.monotonic() - started - bound)

    peak = [0]
    sampler = asyncio.create_task(sample_max(lambda: client_sockets(proxy.port), peak))
    async with through(proxy, fake, timeout=timeout, read_timeout=0.3) as client:
        tasks = [asyncio.create_task(one(client, n)) for n in range(240)]
        cancelled = []
        for number, task in enumerate(tasks):
            if rng.random() < 0.1:
                await asyncio.sleep(rng.random() * 0.02)
                if task.cancel():
                    cancelled.append(task)
                    if number % 3 == 0:
                        cancelled_after_send.add(f"load-{number}")
        results = await asyncio.gather(*tasks, return_exceptions=True)
        for result in results:
            if isinstance(result, BaseException) and not isinstance(
                result, asyncio.CancelledError
            ):
                ignored.append(repr(result))
    stop.set()
    await busy
    sampler.cancel()
    await asyncio.gather(sampler, return_exceptions=True)

    names = collections.Counter(name for _, name in fake.trainings)
    created = {model_id for model_id, _ in fake.trainings}
    print(
        f"\nfaults: {len(proxy.seen)} requests, modes "
        f"{dict(collections.Counter(m for _, _, m in proxy.seen))}; trainings "
        f"{len(created)} (returned {len(returned)}, of them recovered "
        f"{len(recovered)}, unknown {len(unknown)}, "
        f"cancelled {len(cancelled_after_send)}); latest end "
        f"{max(late):+.3f}s past the timeout; most connections {peak[0]}"
    )
    assert ignored == []
    assert all(task.cancelled() for task in cancelled)  # no cancellation ignored
    assert max(names.values(), default=0) == 1  # no create sent twice
    assert returned <= created
    others = {name for model_id, name in fake.trainings if model_id not in returned}
    assert others <= unknown | cancelled_after_send
    assert recovered <= returned
    assert max(late) <= 0.5
    assert peak[0] <= 16
    assert leftover_tasks() - proxy.tasks == set()  # the SDK left nothing behind


async def test_many_waits_under_faults_load_and_cancellation(
    fake: FakeLeonardo, proxy: FaultProxy
) -> None:
    rng = random.Random(7)
    proxy.plan = lambda method, path, number: (
        rng.choice(FAULT_MODES) if rng.random() < 0.3 else "pass"
    )
    fake.training_seconds = 0.6
    ids = []
    for number in range(300):
        ids.append(fake.add_model(name=f"w{number}"))
        fake.set_status(ids[-1], "PENDING")
    finishing = ids[:200]  # the rest never finish: their waits time out
    stop = asyncio.Event()
    busy = asyncio.create_task(_busy_loop(stop))
    late: list[float] = []
    outcomes: collections.Counter[str] = collections.Counter()

    async def one(client: leo.LeonardoClient, model_id: str, timeout: float) -> None:
        started = time.monotonic()
        try:
            await client.wait_for_training(
                model_id, timeout=timeout, poll_interval=0.1, max_poll_interval=0.2
            )
            outcomes["complete"] += 1
        except leo.TrainingTimeoutError:
            outcomes["timed out"] += 1
        finally:
            # One request's time (the client's timeout, 1 s) past its own.
            late.append(time.monotonic() - started - timeout - 1.0)

    async with through(proxy, fake, timeout=1.0, read_timeout=0.3) as client:
        loop = asyncio.get_running_loop()
        loop.call_later(
            0.5, lambda: [fake.set_status(i, "COMPLETE") for i in finishing]
        )
        tasks = [
            asyncio.create_task(one(client, i, 3.0 if i in finishing else 1.5))
            for i in ids
        ]
        cancelled = []
        for task in rng.sample(tasks, 30):
            await asyncio.sleep(rng.random() * 0.05)
            if task.cancel():
                cancelled.append(task)
        await asyncio.gather(*tasks, return_exceptions=True)
        requests = len(proxy.seen)
    stop.set()
    await busy
    print(
        f"\nwaits under faults: {dict(outcomes)}, {len(cancelled)} cancelled, "
        f"{requests} requests for {len(ids)} waits, latest end "
        f"{max(late):+.3f}s past timeout + one request"
    )
    assert all(task.cancelled() for task in cancelled)  # no cancellation ignored
    assert outcomes["complete"] + len(cancelled) >= 200 - 30
    assert outcomes["timed out"] <= 100
    assert max(late) <= 0.5
    # Coalesced: 300 waits polling every 0.2 s alone would make thousands.
    assert requests < 200
    assert leftover_tasks() - proxy.tasks == set()
