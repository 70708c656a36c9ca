"""Cancelling a call at any stage stops it at once and leaves nothing behind."""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import AsyncIterator, Iterator

import pytest
from aiohttp import web

import leonardo_async as leo
from leonardo_async.testing import FakeLeonardo

from .conftest import MODEL_ID, leftover_tasks, until


async def assert_all_free(
    client: leo.LeonardoClient, fake: FakeLeonardo, slots: int = 16
) -> None:
    """Every slot and connection came back: ``slots`` calls fly at once."""
    fake.inject_fault("GET", "/me", delay=0.2, times=slots)
    before = len(fake.requests)
    await asyncio.wait_for(
        asyncio.gather(*(client.users.me() for _ in range(slots))), 5
    )
    assert len(fake.requests) - before == slots
    assert fake.max_in_flight >= slots


async def cancel_soon(task: asyncio.Task[object], after: float = 0.05) -> None:
    await asyncio.sleep(after)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await asyncio.wait_for(task, 1)


async def test_cancel_while_waiting_for_headers(
    client: leo.LeonardoClient, fake: FakeLeonardo
) -> None:
    fake.inject_fault("GET", "/models/*", delay=10)
    task = asyncio.create_task(client.models.get(MODEL_ID))
    await until(lambda: fake.requests)
    await cancel_soon(task)
    assert leftover_tasks() == set()
    await assert_all_free(client, fake)  # the slot and connection came back


async def test_cancel_while_sleeping_before_a_retry(
    client: leo.LeonardoClient, fake: FakeLeonardo
) -> None:
    fake.inject_fault("GET", "/models/*", status=503, retry_after=30)
    task = asyncio.create_task(client.models.get(MODEL_ID))
    await until(lambda: fake.requests)
    await cancel_soon(task)
    assert len(fake.requests) == 1
    assert leftover_tasks() == set()
    fake.clear_faults()
    await assert_all_free(client, fake)


async def test_cancel_while_waiting_for_a_slot(fake: FakeLeonardo) -> None:
    fake.inject_fault("GET", "/platformModels", delay=0.3)
    async with leo.LeonardoClient(
        fake.api_key, base_url=fake.base_url, max_concurrency=1
    ) as client:
        busy = asyncio.create_task(client.models.list_platform())
        await until(lambda: fake.requests)
        queued = asyncio.create_task(client.models.get(MODEL_ID))
        await cancel_soon(queued, 0.02)
        assert await busy  # the slot holder is unharmed
        assert [r.path for r in fake.requests] == ["/platformModels"]
        await assert_all_free(client, fake, 1)  # and the slot is free again
    assert leftover_tasks() == set()


async def test_a_slot_wait_beyond_the_budget_times_out_unsent(
    fake: FakeLeonardo,
) -> None:
    fake.inject_fault("GET", "/platformModels", delay=0.5)
    async with leo.LeonardoClient(
        fake.api_key, base_url=fake.base_url, max_concurrency=1
    ) as client:
        busy = asyncio.create_task(client.models.list_platform())
        await until(lambda: fake.requests)
        with pytest.raises(leo.APITimeoutError) as caught:
            await client.with_options(timeout=0.1).models.get(MODEL_ID)
        assert caught.value.request_sent is False
        assert "slot" in str(caught.value)
        await busy
        await assert_all_free(client, fake, 1)


@pytest.fixture
async def stalling_server() -> AsyncIterator[str]:
    """Answers with headers and half a body, then stalls."""

    async def stall(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "application/json"})
        response.content_length = 1000
        await response.prepare(request)
        await response.write(b'{"custom_models": [')
        await asyncio.sleep(30)
        return response

    app = web.Application()
    app.router.add_get("/v1/platformModels", stall)
    runner = web.AppRunner(app, shutdown_timeout=0.1)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    yield f"http://127.0.0.1:{runner.addresses[0][1]}/v1"
    await runner.cleanup()


async def test_cancel_while_reading_the_body(stalling_server: str) -> None:
    async with leo.LeonardoClient(
        "key", base_url=stalling_server, max_concurrency=1
    ) as client:
        task = asyncio.create_task(client.models.list_platform())
        await cancel_soon(task, 0.2)
        # The one slot and the one connection came back: the next call is
        # sent, and stalls in its turn.
        with pytest.raises(leo.APITimeoutError) as caught:
            await client.with_options(timeout=0.3).models.list_platform()
        assert caught.value.request_sent is True
        assert "slot" not in str(caught.value)
    assert leftover_tasks() == set()


async def test_a_stalled_body_is_a_timeout(stalling_server: str) -> None:
    async with leo.LeonardoClient(
        "key", base_url=stalling_server, timeout=0.3, max_retries=1
    ) as client:
        with pytest.raises(leo.APITimeoutError) as caught:
            await client.models.list_platform()
    assert caught.value.request_sent is True


@pytest.fixture
def unanswered_port() -> Iterator[int]:
    """A port whose connections never open: the listener's queue is full."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(0)
    port = listener.getsockname()[1]
    fillers = []
    for _ in range(3):
        filler = socket.socket()
        filler.setblocking(False)
        with contextlib.suppress(BlockingIOError):
            filler.connect(("127.0.0.1", port))
        fillers.append(filler)
    probe = socket.socket()
    probe.settimeout(0.2)
    try:
        probe.connect(("127.0.0.1", port))
    except OSError:
        pass  # it hangs, as wanted
    else:
        pytest.skip("this system opens connections beyond a full listen queue")
    finally:
        probe.close()
    yield port
    for sock in [*fillers, listener]:
        sock.close()


async def test_cancel_while_connecting(unanswered_port: int) -> None:
    base_url = f"http://127.0.0.1:{unanswered_port}"
    async with leo.LeonardoClient(
        "key", base_url=base_url, max_concurrency=1
    ) as client:
        task = asyncio.create_task(client.models.list_platform())
        await cancel_soon(task, 0.2)
        # The slot came back: the next call tries to connect in its turn.
        with pytest.raises(leo.APITimeoutError) as caught:
            await client.with_options(timeout=0.3).models.list_platform()
        assert "connecting" in str(caught.value)
    assert leftover_tasks() == set()


async def test_a_connection_that_never_opens_is_provably_unsent(
    unanswered_port: int,
) -> None:
    base_url = f"http://127.0.0.1:{unanswered_port}"
    async with leo.LeonardoClient("key", base_url=base_url, timeout=0.5) as client:
        with pytest.raises(leo.APITimeoutError) as caught:
            await client.models.train(
                name="n", dataset_id=MODEL_ID, instance_prompt="p"
            )
    # Not TrainingOutcomeUnknownError: the training request never left.
    assert caught.value.request_sent is False
    assert "connecting" in str(caught.value)


@pytest.mark.parametrize("budget", [0.005, 0.05])
async def test_a_tiny_budget_on_a_connection_that_never_opens_is_unsent(
    unanswered_port: int, budget: float
) -> None:
    # The whole-call timer and the connect timer are microseconds apart here;
    # which fired first must not decide whether the request was sent.
    base_url = f"http://127.0.0.1:{unanswered_port}"
    async with leo.LeonardoClient("key", base_url=base_url, timeout=budget) as client:
        for _ in range(40):
            with pytest.raises(leo.APITimeoutError) as caught:
                await client.models.train(
                    name="n", dataset_id=MODEL_ID, instance_prompt="p"
                )
            assert caught.value.request_sent is False
