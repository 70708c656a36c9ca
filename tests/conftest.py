from __future__ import annotations

import asyncio
import contextlib
import pathlib
import threading
from collections.abc import AsyncIterator, Callable

import pytest

from leonardo_async import LeonardoClient
from leonardo_async.testing import FakeLeonardo

MODEL_ID = "0b6c8a3e-1f2d-4e5a-9b7c-8d9e0f1a2b3c"
USER_ID = "5d4c3b2a-1f0e-4d9c-8b7a-6f5e4d3c2b1a"
DATASET_ID = "7f3c2a1e-5b8d-4c6f-9e0a-1b2c3d4e5f60"


class FakeTime:
    """An injected clock and sleep: sleeping advances the clock, nothing waits."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []
        self.on_sleep: Callable[[float], None] | None = None

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds
        if self.on_sleep is not None:
            self.on_sleep(seconds)
        await asyncio.sleep(0)


def with_time(client: LeonardoClient, time: FakeTime) -> LeonardoClient:
    """A sibling of ``client`` that reads ``time``'s clock and sleeps its sleep."""
    return client._copy(client._options._replace(clock=time.clock, sleep=time.sleep))


@pytest.fixture
def fake_time() -> FakeTime:
    return FakeTime()


#: The dataset id the docs' examples train on (theirs, as a user's would be).
DOCS_DATASET_ID = "0b6c8a3e-1f2d-4e5a-9b7c-8d9e0f1a2b3c"


def with_datasets(fake: FakeLeonardo) -> FakeLeonardo:
    """The fake, holding the datasets the tests and the docs name by id."""
    for dataset_id in (DATASET_ID, DOCS_DATASET_ID):
        fake.add_dataset(id=dataset_id, name="test images")
    return fake


@pytest.fixture
async def fake() -> AsyncIterator[FakeLeonardo]:
    async with FakeLeonardo(training_seconds=0.2) as server:
        yield with_datasets(server)


@pytest.fixture
async def client(fake: FakeLeonardo) -> AsyncIterator[LeonardoClient]:
    async with LeonardoClient(fake.api_key, base_url=fake.base_url) as c:
        yield c


@pytest.fixture
def timed(client: LeonardoClient, fake_time: FakeTime) -> LeonardoClient:
    return with_time(client, fake_time)


@pytest.fixture(autouse=True)
def _no_env_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LEONARDO_API_KEY", raising=False)
    monkeypatch.delenv("LEONARDO_BASE_URL", raising=False)


def paths(fake: FakeLeonardo, method: str | None = None) -> list[str]:
    return [r.path for r in fake.requests if method is None or r.method == method]


def leftover_tasks() -> set[asyncio.Task[object]]:
    """Tasks still alive besides the test's own and the fake server's handlers."""
    return {
        task
        for task in asyncio.all_tasks()
        if task is not asyncio.current_task()
        and not task.get_coro().__qualname__.startswith("RequestHandler.")  # type: ignore[union-attr]
    }


async def until(condition: Callable[[], object], timeout: float = 5.0) -> None:
    """Wait until ``condition()`` is true: state another server task changes."""
    deadline = asyncio.get_running_loop().time() + timeout
    while not condition():
        assert asyncio.get_running_loop().time() < deadline, "condition never held"
        await asyncio.sleep(0.01)


class ThreadedFake:
    """A FakeLeonardo on its own event loop in a thread, for the sync CLI."""

    def __init__(self, training_seconds: float = 0.2) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.fake = FakeLeonardo(training_seconds=training_seconds)

    def __enter__(self) -> FakeLeonardo:
        self.thread.start()
        asyncio.run_coroutine_threadsafe(self.fake.start(), self.loop).result(10)
        return with_datasets(self.fake)

    def __exit__(self, *exc: object) -> None:
        asyncio.run_coroutine_threadsafe(self.fake.stop(), self.loop).result(10)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)
        self.loop.close()


def client_sockets(port: int) -> int:
    """Established TCP connections from this machine to ``port`` (Linux)."""
    count = 0
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with contextlib.suppress(OSError):
            for line in pathlib.Path(table).read_text().splitlines()[1:]:
                fields = line.split()
                remote_port = int(fields[2].rsplit(":", 1)[1], 16)
                if remote_port == port and fields[3] == "01":  # ESTABLISHED
                    count += 1
    return count


async def sample_max(probe: Callable[[], int], peak: list[int]) -> None:
    while True:
        peak[0] = max(peak[0], probe())
        await asyncio.sleep(0.002)
