from __future__ import annotations

import asyncio
import itertools
import json
import logging
from typing import Any

import pytest

import leonardo_async as leo
from leonardo_async._http import (
    Policy,
    Slots,
    is_transient,
    may_have_reached_server,
    never_reached_server,
)
from leonardo_async._resources import Caller, Models, Pricing, Users
from leonardo_async._wire import Answer, Request, Safety, status_error
from leonardo_async.testing import FakeLeonardo

from .conftest import DATASET_ID, MODEL_ID, FakeTime, paths, with_time

BASE = "https://api.test/v1"
TRAIN = {"name": "my-style", "dataset_id": DATASET_ID, "instance_prompt": "sks"}
MODEL_BODY = {"custom_models_by_pk": {"id": MODEL_ID, "name": "m", "status": "PENDING"}}
JOB_BODY = {"sdTrainingJob": {"customModelId": MODEL_ID}}


def ok(body: Any, method: str = "GET") -> Answer:
    return Answer(method, BASE, 200, {}, json.dumps(body).encode())


def status(code: int, headers: dict[str, str] | None = None) -> leo.APIStatusError:
    return status_error(Answer("GET", BASE, code, headers or {}, b'{"error": "e"}'))


def unsent() -> leo.APIConnectionError:
    return leo.APIConnectionError("refused", method="GET", url=BASE, request_sent=False)


def lost() -> leo.APIConnectionError:
    return leo.APIConnectionError("reset", method="GET", url=BASE, request_sent=True)


def read_timeout() -> leo.APITimeoutError:
    return leo.APITimeoutError("slow", method="GET", url=BASE)


class ScriptedTransport:
    """Answers each attempt with the next scripted response or exception."""

    base_url = BASE

    def __init__(self, *outcomes: Any) -> None:
        self.outcomes = list(outcomes)
        self.calls: list[tuple[str, str, float, Safety]] = []

    async def send(
        self, request: Request, timeout: float, read_timeout: float = 30.0
    ) -> Answer:
        self.calls.append((request.method, request.url, timeout, request.safety))
        outcome = self.outcomes.pop(0)
        if isinstance(outcome, leo.APIStatusError):  # the server's answer
            return Answer(
                request.method, request.url, outcome.status, outcome.headers, b"{}"
            )
        if isinstance(outcome, BaseException):
            raise outcome
        return outcome


def models(
    transport: ScriptedTransport,
    time: FakeTime,
    *,
    max_retries: int = 2,
    timeout: float = 60.0,
) -> Models:
    options = Policy(
        timeout=timeout,
        read_timeout=30.0,
        max_retries=max_retries,
        clock=time.clock,
        sleep=time.sleep,
    )
    caller = Caller(transport, Slots(16), BASE, {}, options)  # type: ignore[arg-type]
    return Models(caller, Users(caller), Pricing(caller))


def test_policy_predicates() -> None:
    for transient in (
        unsent(),
        lost(),
        read_timeout(),
        status(408),
        status(429),
        status(500),
        status(502),
        status(503),
        status(504),
    ):
        assert is_transient(transient)
    for final in (
        status(400),
        status(401),
        status(403),
        status(404),
        status(422),
        status(501),
        ValueError(),
    ):
        assert not is_transient(final)
    assert never_reached_server(unsent())
    assert never_reached_server(status(429))
    for maybe in (lost(), read_timeout(), status(500), status(503), status(408)):
        assert not never_reached_server(maybe)
        assert may_have_reached_server(maybe)
    assert not may_have_reached_server(unsent())
    assert not may_have_reached_server(status(429))
    assert not may_have_reached_server(status(400))


@pytest.mark.parametrize(
    "failure",
    [
        unsent,
        lost,
        read_timeout,
        lambda: status(503),
        lambda: status(429),
        lambda: status(408),
    ],
)
async def test_get_is_retried_on_transient_failures(
    fake_time: FakeTime, failure: Any
) -> None:
    transport = ScriptedTransport(failure(), failure(), ok(MODEL_BODY))
    model = await models(transport, fake_time).get(MODEL_ID)
    assert model.id == MODEL_ID
    assert len(transport.calls) == 3
    assert len(fake_time.sleeps) == 2


async def test_full_jitter_backoff_bounds(fake_time: FakeTime) -> None:
    delays: list[list[float]] = []
    for _ in range(30):
        fake_time.sleeps.clear()
        transport = ScriptedTransport(
            status(503), status(503), status(503), status(503), ok(MODEL_BODY)
        )
        await models(transport, fake_time, max_retries=4).get(MODEL_ID)
        delays.append(list(fake_time.sleeps))
    for caps in zip(*delays, strict=True):
        assert all(d >= 0 for d in caps)
    firsts, seconds, thirds, fourths = (
        list(column) for column in zip(*delays, strict=True)
    )
    assert (
        max(firsts) <= 0.5
        and max(seconds) <= 1.0
        and max(thirds) <= 2.0
        and max(fourths) <= 4.0
    )
    assert len(set(firsts)) > 1, "the delays are random"
    assert max(fourths) > 1.0, "the delays grow"


async def test_retries_stop_at_max_retries(fake_time: FakeTime) -> None:
    transport = ScriptedTransport(status(502), status(502), status(502), ok(MODEL_BODY))
    with pytest.raises(leo.ServerError):
        await models(transport, fake_time, max_retries=2).get(MODEL_ID)
    assert len(transport.calls) == 3


async def test_no_retries_when_max_retries_is_zero(fake_time: FakeTime) -> None:
    transport = ScriptedTransport(status(503), ok(MODEL_BODY))
    with pytest.raises(leo.ServerError):
        await models(transport, fake_time, max_retries=0).get(MODEL_ID)
    assert len(transport.calls) == 1
    assert fake_time.sleeps == []


@pytest.mark.parametrize("code", [400, 401, 403, 404, 422])
async def test_client_errors_are_never_retried(fake_time: FakeTime, code: int) -> None:
    transport = ScriptedTransport(status(code), ok(MODEL_BODY))
    with pytest.raises(leo.APIStatusError) as caught:
        await models(transport, fake_time).get(MODEL_ID)
    assert caught.value.status == code
    assert len(transport.calls) == 1


async def test_validation_errors_are_not_retried(fake_time: FakeTime) -> None:
    transport = ScriptedTransport(
        ok({"custom_models_by_pk": {"name": "no id"}}), ok(MODEL_BODY)
    )
    with pytest.raises(leo.ResponseValidationError):
        await models(transport, fake_time).get(MODEL_ID)
    assert len(transport.calls) == 1


async def test_cancellation_is_never_retried(fake_time: FakeTime) -> None:
    transport = ScriptedTransport(status(503), asyncio.CancelledError(), ok(MODEL_BODY))
    with pytest.raises(asyncio.CancelledError):
        await models(transport, fake_time).get(MODEL_ID)
    assert len(transport.calls) == 2


async def test_retry_after_is_honoured(fake_time: FakeTime) -> None:
    transport = ScriptedTransport(status(429, {"Retry-After": "7"}), ok(MODEL_BODY))
    await models(transport, fake_time).get(MODEL_ID)
    assert fake_time.sleeps == [7.0]


async def test_retry_after_above_sixty_seconds_is_raised_at_once(
    fake_time: FakeTime,
) -> None:
    transport = ScriptedTransport(status(429, {"Retry-After": "61"}), ok(MODEL_BODY))
    with pytest.raises(leo.RateLimitError) as caught:
        await models(transport, fake_time).get(MODEL_ID)
    assert caught.value.retry_after == 61.0
    assert fake_time.sleeps == []
    assert len(transport.calls) == 1


async def test_retry_after_beyond_the_budget_is_raised_at_once(
    fake_time: FakeTime,
) -> None:
    transport = ScriptedTransport(status(429, {"Retry-After": "30"}), ok(MODEL_BODY))
    with pytest.raises(leo.RateLimitError):
        await models(transport, fake_time, timeout=20).get(MODEL_ID)
    assert fake_time.sleeps == []


async def test_the_timeout_bounds_the_whole_call(fake_time: FakeTime) -> None:
    class SlowTransport(ScriptedTransport):
        async def send(self, *args: Any, **kwargs: Any) -> Answer:
            fake_time.now += 4.0  # each attempt takes 4 seconds
            return await super().send(*args, **kwargs)

    transport = SlowTransport(*[status(503)] * 10)
    with pytest.raises(leo.ServerError):
        await models(transport, fake_time, max_retries=10, timeout=10).get(MODEL_ID)
    budgets = [call[2] for call in transport.calls]
    assert budgets[0] == 10
    assert all(later < earlier for earlier, later in itertools.pairwise(budgets))
    assert fake_time.now - 1000.0 <= 10 + 4.0
    assert len(transport.calls) < 4


async def test_no_attempt_without_budget_left(fake_time: FakeTime) -> None:
    class SlowTransport(ScriptedTransport):
        async def send(self, *args: Any, **kwargs: Any) -> Answer:
            fake_time.now += 10.0
            return await super().send(*args, **kwargs)

    transport = SlowTransport(status(503), ok(MODEL_BODY))
    # The 503 took the whole budget; retrying is pointless.
    with pytest.raises(leo.ServerError):
        await models(transport, fake_time, timeout=10).get(MODEL_ID)
    assert len(transport.calls) == 1


async def test_post_is_retried_only_when_provably_unsent(fake_time: FakeTime) -> None:
    transport = ScriptedTransport(unsent(), status(429), ok(JOB_BODY, "POST"))
    job = await models(transport, fake_time).train(**TRAIN)
    assert job.custom_model_id == MODEL_ID
    assert [c[0] for c in transport.calls] == ["POST"] * 3


@pytest.mark.parametrize(
    "failure",
    [
        lost,
        read_timeout,
        lambda: status(500),
        lambda: status(502),
        lambda: status(503),
        lambda: status(504),
        lambda: status(408),
    ],
)
async def test_post_that_may_have_landed_is_never_sent_again(
    fake_time: FakeTime, failure: Any
) -> None:
    # After the failure, the look-up's GET /me gets a body it cannot read.
    transport = ScriptedTransport(failure(), ok(JOB_BODY, "POST"))
    with pytest.raises(leo.TrainingOutcomeUnknownError) as caught:
        await models(transport, fake_time).train(**TRAIN)
    assert [c[0] for c in transport.calls] == ["POST", "GET"]
    assert "list_for_user" in str(caught.value)
    assert isinstance(caught.value.__cause__, leo.LeonardoError)


async def test_post_that_may_have_landed_after_a_refusal(fake_time: FakeTime) -> None:
    transport = ScriptedTransport(unsent(), lost(), ok(JOB_BODY, "POST"))
    with pytest.raises(leo.TrainingOutcomeUnknownError):
        await models(transport, fake_time).train(**TRAIN)
    assert [c[0] for c in transport.calls] == ["POST", "POST", "GET"]


async def test_post_rejections_are_raised_as_they_are(fake_time: FakeTime) -> None:
    transport = ScriptedTransport(status(400))
    with pytest.raises(leo.BadRequestError):
        await models(transport, fake_time).train(**TRAIN)
    transport = ScriptedTransport(status(429), status(429), status(429))
    with pytest.raises(leo.RateLimitError):
        await models(transport, fake_time).train(**TRAIN)
    assert len(transport.calls) == 3


async def test_delete_found_gone_after_an_ambiguous_attempt_counts_as_deleted(
    fake_time: FakeTime,
) -> None:
    gone = ok({"delete_custom_models_by_pk": None}, "DELETE")
    for first in (lost(), read_timeout(), status(502)):
        transport = ScriptedTransport(first, gone)
        assert await models(transport, fake_time).delete(MODEL_ID) == MODEL_ID
        assert transport.calls[0][3] is Safety.DELETING, "aiohttp must not resend it"


async def test_delete_not_found_without_an_ambiguous_attempt_is_not_found(
    fake_time: FakeTime,
) -> None:
    gone = ok({"delete_custom_models_by_pk": None}, "DELETE")
    for first in (unsent(), status(429)):
        transport = ScriptedTransport(first, gone)
        with pytest.raises(leo.NotFoundError):
            await models(transport, fake_time).delete(MODEL_ID)
    with pytest.raises(leo.NotFoundError):
        await models(ScriptedTransport(gone), fake_time).delete(MODEL_ID)
    transport = ScriptedTransport(lost(), status(404))
    assert await models(transport, fake_time).delete(MODEL_ID) == MODEL_ID


async def test_each_retry_logs_one_warning_without_secrets(
    fake_time: FakeTime, caplog: pytest.LogCaptureFixture
) -> None:
    transport = ScriptedTransport(status(503), lost(), ok(MODEL_BODY))
    with caplog.at_level(logging.WARNING, logger="leonardo_async"):
        await models(transport, fake_time).get(MODEL_ID)
    records = [r for r in caplog.records if r.name == "leonardo_async"]
    assert len(records) == 2
    assert all(r.levelno == logging.WARNING for r in records)
    first, second = (r.getMessage() for r in records)
    assert first.startswith(
        f"GET /models/{MODEL_ID} failed (HTTP 503); retry 1 of 2 in "
    )
    assert second.startswith(
        f"GET /models/{MODEL_ID} failed (APIConnectionError); retry 2 of 2 in "
    )
    assert '"error"' not in caplog.text


# Against the fake server: what really reaches it.


async def test_transient_statuses_against_the_fake(
    client: leo.LeonardoClient, fake: FakeLeonardo, fake_time: FakeTime
) -> None:
    timed = with_time(client, fake_time)
    fake.inject_fault("GET", "/platformModels", status=503, retry_after=1, times=2)
    assert await timed.models.list_platform()
    assert paths(fake) == ["/platformModels"] * 3
    assert fake_time.sleeps == [1.0, 1.0]


async def test_html_502_from_a_proxy_is_retried_then_raised(
    client: leo.LeonardoClient, fake: FakeLeonardo, fake_time: FakeTime
) -> None:
    timed = with_time(client, fake_time)
    fake.inject_fault(
        "GET", "/models/*", status=502, body="<html>502 Bad Gateway</html>", times=3
    )
    with pytest.raises(leo.ServerError) as caught:
        await timed.models.get(MODEL_ID)
    assert caught.value.status == 502
    assert len(fake.requests) == 3


async def test_exactly_one_post_reaches_the_server_when_the_answer_is_lost(
    client: leo.LeonardoClient, fake: FakeLeonardo, fake_time: FakeTime
) -> None:
    timed = with_time(client, fake_time)
    await timed.models.list_platform()  # a kept-alive connection to reuse
    fake.inject_fault("POST", "/models", drop_connection=True)
    job = await timed.models.train(**TRAIN)
    assert job.recovered  # found by name in the user's list
    assert paths(fake, "POST") == ["/models"]
    assert fake.trainings == [(job.custom_model_id, "my-style")]


async def test_exactly_one_post_when_the_server_is_too_slow(fake: FakeLeonardo) -> None:
    fake.inject_fault("POST", "/models", delay=0.5)
    async with leo.LeonardoClient(
        fake.api_key, base_url=fake.base_url, timeout=0.1
    ) as client:
        with pytest.raises(leo.TrainingOutcomeUnknownError) as caught:
            await client.models.train(**TRAIN)
    assert isinstance(caught.value.__cause__, leo.APITimeoutError)
    assert paths(fake, "POST") == ["/models"]


async def test_exactly_one_post_on_a_server_error(
    client: leo.LeonardoClient, fake: FakeLeonardo, fake_time: FakeTime
) -> None:
    fake.inject_fault("POST", "/models", status=500, times=5)
    with pytest.raises(leo.TrainingOutcomeUnknownError):
        await with_time(client, fake_time).models.train(**TRAIN)
    assert paths(fake, "POST") == ["/models"]


async def test_post_refused_connection_is_retried(fake_time: FakeTime) -> None:
    server = await asyncio.start_server(lambda r, w: None, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    server.close()
    await server.wait_closed()
    async with leo.LeonardoClient("k", base_url=f"http://127.0.0.1:{port}") as client:
        with pytest.raises(leo.APIConnectionError) as caught:
            await with_time(client, fake_time).models.train(**TRAIN)
    assert caught.value.request_sent is False
    assert len(fake_time.sleeps) == 2  # two retries, then the refusal itself


async def test_delete_whose_answer_was_lost_is_not_sent_twice_by_aiohttp(
    client: leo.LeonardoClient, fake: FakeLeonardo
) -> None:
    model_id = fake.add_model()
    await client.models.list_platform()  # the DELETE will reuse this connection
    fake.inject_fault("DELETE", "/models/*", drop_connection=True)
    once = client.with_options(max_retries=0)
    with pytest.raises(leo.APIConnectionError) as caught:
        await once.models.delete(model_id)
    assert caught.value.request_sent is True
    # aiohttp on its own would have sent it again on a new connection.
    assert paths(fake, "DELETE") == [f"/models/{model_id}"]


async def test_delete_whose_answer_was_lost_counts_as_deleted(
    client: leo.LeonardoClient, fake: FakeLeonardo, fake_time: FakeTime
) -> None:
    model_id = fake.add_model()
    await client.models.list_platform()
    fake.inject_fault("DELETE", "/models/*", drop_connection=True)
    assert await with_time(client, fake_time).models.delete(model_id) == model_id
    assert paths(fake, "DELETE") == [f"/models/{model_id}"] * 2
    assert model_id not in fake.model_ids()
