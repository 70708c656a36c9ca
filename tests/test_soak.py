"""1,000 mixed operations through one client while the fake misbehaves."""

from __future__ import annotations

import asyncio
import collections
import contextlib
import random
import time

import pytest

import leonardo_async as leo
from leonardo_async.testing import FakeLeonardo

from .conftest import DATASET_ID, client_sockets, leftover_tasks, sample_max

pytestmark = pytest.mark.soak

OPERATIONS = 1000
WORKERS = 64
MAX_CONCURRENCY = 32
FAULT_SHARE = 0.2
FAULTS = {
    "429": {"status": 429, "retry_after": 0},
    "500": {"status": 500},
    "502 html": {"status": 502, "body": "<html><h1>502 Bad Gateway</h1></html>"},
    "503": {"status": 503},
    "slow": {"delay": 0.6},
    "dropped": {"drop_connection": True},
    "200 html": {"body": "<html>maintenance</html>"},
}
# What a call may raise once its retries are spent, by operation.
TRANSIENT = (leo.APIConnectionError, leo.ServerError, leo.RateLimitError)
ALLOWED = {
    "train": (
        leo.TrainingOutcomeUnknownError,
        leo.RateLimitError,
        leo.APIConnectionError,
    ),
    "get": (*TRANSIENT, leo.NotFoundError, leo.ResponseValidationError),
    "delete": (*TRANSIENT, leo.NotFoundError, leo.ResponseValidationError),
    "list": (*TRANSIENT, leo.ResponseValidationError),
    "platform": (*TRANSIENT, leo.ResponseValidationError),
}


async def no_wait(seconds: float) -> None:
    await asyncio.sleep(0)


async def test_soak() -> None:
    rng = random.Random(20261127)
    injected: collections.Counter[str] = collections.Counter()
    outcomes: collections.Counter[str] = collections.Counter()
    returned_jobs: dict[str, str] = {}  # model id -> name
    unknown_names: set[str] = set()
    started = time.monotonic()

    async with FakeLeonardo(training_seconds=0.05) as fake:
        fake.add_dataset(id=DATASET_ID)
        base = leo.LeonardoClient(
            fake.api_key,
            base_url=fake.base_url,
            timeout=0.5,
            max_retries=2,
            max_concurrency=MAX_CONCURRENCY,
        )
        client = base._copy(base._options._replace(sleep=no_wait))
        known_ids: list[str] = [fake.add_model() for _ in range(20)]

        def maybe_fault(method: str, path: str) -> None:
            if rng.random() < FAULT_SHARE:
                kind = rng.choice(sorted(FAULTS))
                injected[kind] += 1
                fake.inject_fault(method, path, **FAULTS[kind])  # type: ignore[arg-type]

        async def operate(number: int) -> None:
            kind = rng.choices(
                ["train", "get", "delete", "list", "platform"], [30, 30, 15, 15, 10]
            )[0]
            try:
                if kind == "train":
                    name = f"soak-{number}"
                    maybe_fault("POST", "/models")
                    try:
                        job = await client.models.train(
                            name=name, dataset_id=DATASET_ID, instance_prompt="sks"
                        )
                    except leo.TrainingOutcomeUnknownError:
                        unknown_names.add(name)
                        raise
                    returned_jobs[job.custom_model_id] = name
                    known_ids.append(job.custom_model_id)
                elif kind == "get":
                    model_id = rng.choice(known_ids)
                    maybe_fault("GET", f"/models/{model_id}")
                    model = await client.models.get(model_id)
                    assert model.id == model_id
                elif kind == "delete":
                    model_id = rng.choice(known_ids)
                    maybe_fault("DELETE", f"/models/{model_id}")
                    assert await client.models.delete(model_id) == model_id
                elif kind == "list":
                    maybe_fault("GET", f"/models/user/{fake.user_id}")
                    models = await client.models.list_for_user(fake.user_id)
                    assert all(isinstance(m, leo.CustomModel) for m in models)
                else:
                    maybe_fault("GET", "/platformModels")
                    assert await client.models.list_platform()
                outcomes[f"{kind} ok"] += 1
            except ALLOWED[kind] as exc:
                outcomes[f"{kind} {type(exc).__name__}"] += 1

        queue = iter(range(OPERATIONS))

        async def worker() -> None:
            for number in queue:
                await operate(number)

        port = int(fake.base_url.split(":")[2].split("/")[0])
        peak = [0]
        sampler = asyncio.create_task(sample_max(lambda: client_sockets(port), peak))
        await asyncio.gather(*(worker() for _ in range(WORKERS)))
        sampler.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await sampler
        await client.aclose()
        trainings = list(fake.trainings)
        max_connections = peak[0]
        max_in_flight = fake.max_in_flight

    elapsed = time.monotonic() - started
    names = collections.Counter(name for _, name in trainings)
    duplicates = [name for name, count in names.items() if count > 1]
    created = {model_id for model_id, _ in trainings}

    print(
        f"\nsoak: {OPERATIONS} ops in {elapsed:.1f}s; "
        f"faults injected {sum(injected.values())} "
        f"{dict(sorted(injected.items()))}; outcomes {dict(sorted(outcomes.items()))}; "
        f"trainings started {len(trainings)} (returned {len(returned_jobs)}, "
        f"outcome unknown {len(unknown_names)}); duplicates {len(duplicates)}; "
        f"max connections {max_connections}, max in flight {max_in_flight}"
    )
    assert sum(outcomes.values()) == OPERATIONS
    assert sum(injected.values()) > OPERATIONS * FAULT_SHARE * 0.7
    assert set(injected) == set(FAULTS)
    assert duplicates == []
    # Every training a call reported was started, and every other one the fake
    # started came from a call that said its outcome was unknown.
    assert set(returned_jobs) <= created
    others = {name for model_id, name in trainings if model_id not in returned_jobs}
    assert others <= unknown_names
    assert max_connections <= MAX_CONCURRENCY
    assert max_in_flight <= MAX_CONCURRENCY
    assert leftover_tasks() == set()
