from __future__ import annotations

import asyncio
import json
import logging
from typing import Any

import aiohttp
import pytest
from aiohttp import web

import leonardo_async as leo
from leonardo_async._http import Transport
from leonardo_async._wire import Request, Safety
from leonardo_async.testing import FakeLeonardo

from .conftest import MODEL_ID

KEY = "3f2e1d0c-9b8a-4765-8432-10fedcba9876"


def test_missing_key_names_the_variable() -> None:
    with pytest.raises(ValueError, match="LEONARDO_API_KEY"):
        leo.LeonardoClient()
    with pytest.raises(ValueError, match="LEONARDO_API_KEY"):
        leo.LeonardoClient("  ")


def test_key_of_wrong_type() -> None:
    with pytest.raises(TypeError, match="api_key"):
        leo.LeonardoClient(123)  # type: ignore[arg-type]


def test_key_and_base_url_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LEONARDO_API_KEY", KEY)
    assert leo.LeonardoClient().base_url == "https://cloud.leonardo.ai/api/rest/v1"
    monkeypatch.setenv("LEONARDO_BASE_URL", "https://proxy.example.com/v1/")
    assert leo.LeonardoClient().base_url == "https://proxy.example.com/v1"
    assert (
        leo.LeonardoClient(base_url="http://127.0.0.1:9/x").base_url
        == "http://127.0.0.1:9/x"
    )


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8080/api",
        "http://localhost/api",
        "http://[::1]:80/api",
        "http://127.5.5.5/api",
        "https://cloud.leonardo.ai/api/rest/v1",
    ],
)
def test_allowed_base_urls(url: str) -> None:
    leo.LeonardoClient(KEY, base_url=url)


@pytest.mark.parametrize(
    ("url", "match"),
    [
        ("http://cloud.leonardo.ai/api/rest/v1", "clear text"),
        ("http://10.0.0.5/api", "clear text"),
        ("http://localhost.example.com/api", "clear text"),
        ("ftp://cloud.leonardo.ai", "http\\(s\\) URL"),
        ("cloud.leonardo.ai/api", "http\\(s\\) URL"),
        ("https://cloud.leonardo.ai/api?x=1", "query"),
    ],
)
def test_refused_base_urls(url: str, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        leo.LeonardoClient(KEY, base_url=url)
    with pytest.raises(TypeError, match="base_url"):
        leo.LeonardoClient(KEY, base_url=b"https://x")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"timeout": 0}, ValueError),
        ({"timeout": "60"}, TypeError),
        ({"max_retries": -1}, ValueError),
        ({"max_concurrency": 0}, ValueError),
        ({"session": object()}, TypeError),
    ],
)
def test_bad_settings(kwargs: dict[str, object], error: type[Exception]) -> None:
    with pytest.raises(error, match=next(iter(kwargs))):
        leo.LeonardoClient(KEY, **kwargs)  # type: ignore[arg-type]


class SessionRecorder:
    """Stands in for ``aiohttp.ClientSession``, keeping every session made."""

    def __init__(self) -> None:
        self.made: list[aiohttp.ClientSession] = []
        self._real = aiohttp.ClientSession

    def __call__(self, *args: Any, **kwargs: Any) -> aiohttp.ClientSession:
        session = self._real(*args, **kwargs)
        self.made.append(session)
        return session


@pytest.fixture
def sessions(monkeypatch: pytest.MonkeyPatch) -> SessionRecorder:
    recorder = SessionRecorder()
    monkeypatch.setattr(aiohttp, "ClientSession", recorder)
    return recorder


def test_construction_needs_no_event_loop_and_repr_hides_the_key(
    sessions: SessionRecorder,
) -> None:
    client = leo.LeonardoClient(KEY, timeout=5, max_retries=1, max_concurrency=3)
    assert sessions.made == []
    text = repr(client)
    assert KEY not in text
    assert text == (
        "LeonardoClient(base_url='https://cloud.leonardo.ai/api/rest/v1', "
        "timeout=5, max_retries=1, max_concurrency=3)"
    )


async def test_session_is_made_lazily_and_closed(
    fake: FakeLeonardo, sessions: SessionRecorder
) -> None:
    client = leo.LeonardoClient(fake.api_key, base_url=fake.base_url)
    assert sessions.made == []
    await client.models.list_platform()
    await client.models.list_platform()
    (session,) = sessions.made
    assert not session.closed
    await client.aclose()
    assert session.closed
    await client.aclose()  # twice is fine


async def test_a_call_after_close_is_a_clear_error(fake: FakeLeonardo) -> None:
    async with leo.LeonardoClient(fake.api_key, base_url=fake.base_url) as client:
        await client.models.list_platform()
    with pytest.raises(RuntimeError, match="closed"):
        await client.models.list_platform()
    with pytest.raises(RuntimeError, match="closed"):
        async with client:
            pass


async def test_closing_an_unused_client(fake: FakeLeonardo) -> None:
    client = leo.LeonardoClient(fake.api_key, base_url=fake.base_url)
    await client.aclose()
    with pytest.raises(RuntimeError, match="closed"):
        await client.models.get(MODEL_ID)
    assert fake.requests == []


async def test_a_borrowed_session_is_used_and_never_closed(fake: FakeLeonardo) -> None:
    async with aiohttp.ClientSession() as session:
        async with leo.LeonardoClient(
            fake.api_key, base_url=fake.base_url, session=session
        ) as client:
            await client.models.list_platform()
        assert not session.closed
        with pytest.raises(RuntimeError, match="closed"):
            await client.models.list_platform()
        async with session.get(fake.base_url + "/platformModels") as answer:
            assert answer.status == 401  # the session itself carries no key
        assert len(fake.requests) == 2


async def test_every_request_carries_auth_accept_and_user_agent(
    client: leo.LeonardoClient, fake: FakeLeonardo
) -> None:
    await client.models.list_platform()
    headers = fake.requests[0].headers
    assert headers["Authorization"] == f"Bearer {fake.api_key}"
    assert headers["Accept"] == "application/json"
    assert headers["User-Agent"].startswith(f"leonardo-async/{leo.__version__} ")


async def test_a_wrong_key_is_an_authentication_error_without_the_key(
    fake: FakeLeonardo,
) -> None:
    async with leo.LeonardoClient(KEY, base_url=fake.base_url) as client:
        with pytest.raises(leo.AuthenticationError) as caught:
            await client.models.list_platform()
    error = caught.value
    assert error.status == 401
    assert error.code == "access-denied"
    assert KEY not in str(error)
    assert KEY not in repr(error.__dict__)
    assert len(fake.requests) == 1  # 401 is not retried


async def test_with_options_shares_the_session_and_the_limit(
    fake: FakeLeonardo, sessions: SessionRecorder
) -> None:
    async with leo.LeonardoClient(
        fake.api_key, base_url=fake.base_url, max_concurrency=3
    ) as client:
        fast = client.with_options(timeout=2.5, max_retries=0)
        assert (fast.timeout, fast.max_retries) == (2.5, 0)
        assert (client.timeout, client.max_retries) == (60.0, 2)
        assert fast.base_url == client.base_url
        assert client.with_options().timeout == 60.0
        await fast.models.list_platform()
        await client.models.list_platform()
        assert len(sessions.made) == 1
        assert "max_concurrency=3" in repr(fast)
        with pytest.raises(ValueError, match="timeout"):
            client.with_options(timeout=-1)
        with pytest.raises(ValueError, match="max_retries"):
            client.with_options(max_retries=-1)
    with pytest.raises(RuntimeError, match="closed"):
        await fast.models.list_platform()


async def test_max_concurrency_caps_requests_in_flight(fake: FakeLeonardo) -> None:
    fake.inject_fault("GET", "/platformModels", delay=0.05, times=40)
    async with leo.LeonardoClient(
        fake.api_key, base_url=fake.base_url, max_concurrency=4
    ) as client:
        sibling = client.with_options(timeout=30)
        calls = [client.models.list_platform() for _ in range(20)]
        calls += [sibling.models.list_platform() for _ in range(20)]
        results = await asyncio.gather(*calls)
    assert len(results) == 40
    assert fake.max_in_flight == 4
    assert fake.max_connections <= 4


async def test_redirects_are_not_followed_and_the_key_stays_home() -> None:
    seen: list[str | None] = []

    async def redirect(request: web.Request) -> web.Response:
        raise web.HTTPFound("/elsewhere")

    async def elsewhere(request: web.Request) -> web.Response:
        seen.append(request.headers.get("Authorization"))
        return web.json_response({"custom_models": []})

    app = web.Application()
    app.router.add_get("/v1/platformModels", redirect)
    app.router.add_get("/elsewhere", elsewhere)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    try:
        async with leo.LeonardoClient(
            KEY, base_url=f"http://127.0.0.1:{port}/v1"
        ) as client:
            with pytest.raises(leo.APIStatusError) as caught:
                await client.models.list_platform()
    finally:
        await runner.cleanup()
    assert caught.value.status == 302
    assert seen == []


async def test_connection_refused_is_a_connection_error(
    caplog: pytest.LogCaptureFixture,
) -> None:
    server = await asyncio.start_server(lambda r, w: None, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    server.close()
    await server.wait_closed()
    async with leo.LeonardoClient(
        KEY, base_url=f"http://127.0.0.1:{port}", max_retries=0
    ) as client:
        with (
            caplog.at_level(logging.DEBUG, logger="leonardo_async"),
            pytest.raises(leo.APIConnectionError) as caught,
        ):
            await client.models.list_platform()
    assert caught.value.request_sent is False
    assert isinstance(caught.value.__cause__, aiohttp.ClientConnectorError)
    assert KEY not in str(caught.value)
    assert KEY not in caplog.text


async def test_a_slow_answer_is_a_timeout(fake: FakeLeonardo) -> None:
    fake.inject_fault("GET", "/platformModels", delay=5)
    async with leo.LeonardoClient(
        fake.api_key, base_url=fake.base_url, timeout=0.2, max_retries=0
    ) as client:
        with pytest.raises(leo.APITimeoutError) as caught:
            await client.models.list_platform()
    assert caught.value.request_sent is True
    assert isinstance(caught.value, leo.APIConnectionError)


async def test_the_transport_returns_any_status_as_an_answer(
    fake: FakeLeonardo,
) -> None:
    fake.inject_fault("GET", "/me", status=503, retry_after=3)
    transport = Transport(max_connections=1, session=None)
    request = Request(
        "GET", f"{fake.base_url}/me", {"Authorization": "x"}, Safety.REPEATABLE
    )
    try:
        answer = await transport.send(request, 5.0, 5.0)
    finally:
        await transport.aclose()
    assert (answer.method, answer.url, answer.status) == ("GET", request.url, 503)
    assert answer.headers["Retry-After"] == "3"
    assert json.loads(answer.body)["error"] == "injected fault"


async def test_a_silent_attempt_is_abandoned_and_a_read_tried_again(
    fake: FakeLeonardo,
) -> None:
    model_id = fake.add_model(name="slow")
    fake.inject_fault("GET", "/models/*", delay=30)  # holds its slot in silence
    async with leo.LeonardoClient(
        fake.api_key, base_url=fake.base_url, timeout=10, read_timeout=0.2
    ) as client:
        loop = asyncio.get_running_loop()
        started = loop.time()
        model = await client.models.get(model_id)
        assert loop.time() - started < 5
        assert model.name == "slow"
        assert [r.path for r in fake.requests].count(f"/models/{model_id}") == 2
        assert client.read_timeout == 0.2
        assert client.with_options(read_timeout=1).read_timeout == 1


async def test_a_budget_shorter_than_the_read_timeout_ends_a_silent_call(
    fake: FakeLeonardo,
) -> None:
    model_id = fake.add_model(name="slow")
    fake.inject_fault("GET", "/models/*", delay=30, times=5)
    async with leo.LeonardoClient(
        fake.api_key, base_url=fake.base_url, timeout=0.5, read_timeout=30
    ) as client:
        loop = asyncio.get_running_loop()
        started = loop.time()
        with pytest.raises(leo.APITimeoutError) as caught:
            await client.models.get(model_id)
        assert loop.time() - started < 3
    assert "no answer within" in str(caught.value)
    assert caught.value.request_sent


async def test_a_silent_create_is_an_unknown_outcome_sent_once(
    fake: FakeLeonardo,
) -> None:
    fake.inject_fault("POST", "/models", delay=30)
    async with leo.LeonardoClient(
        fake.api_key, base_url=fake.base_url, timeout=10, read_timeout=0.2
    ) as client:
        with pytest.raises(leo.TrainingOutcomeUnknownError) as caught:
            await client.models.train(
                name="n", dataset_id=MODEL_ID, instance_prompt="sks"
            )
    assert isinstance(caught.value.__cause__, leo.APITimeoutError)
    assert "silent" in str(caught.value.__cause__)
    # It looked for the model (not made yet: the fake is still holding the
    # request) and sent the training once.
    assert caught.value.candidates == []
    assert [r.method for r in fake.requests if r.method == "POST"] == ["POST"]
