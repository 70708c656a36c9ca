"""Transport-level exactness with aioresponses (needs an aiohttp it can mock)."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator

import aiohttp
import aioresponses as aioresponses_module
import pytest
from yarl import URL

import leonardo_async as leo

from .conftest import DATASET_ID, MODEL_ID

pytestmark = pytest.mark.aioresponses

BASE = "https://cloud.leonardo.ai/api/rest/v1"
KEY = "3f2e1d0c-9b8a-4765-8432-10fedcba9876"


@pytest.fixture
def mocked() -> Iterator[aioresponses_module.aioresponses]:
    with aioresponses_module.aioresponses() as m:
        yield m


@pytest.fixture
async def api() -> leo.LeonardoClient:
    async with leo.LeonardoClient(KEY, max_retries=0) as client:
        yield client  # type: ignore[misc]


async def test_train_sends_exactly_this(
    mocked: aioresponses_module.aioresponses, api: leo.LeonardoClient
) -> None:
    mocked.post(
        f"{BASE}/models",
        payload={
            "sdTrainingJob": {
                "customModelId": MODEL_ID,
                "cost": {"amount": "0.5", "unit": "CREDITS"},
            }
        },
    )
    job = await api.models.train(
        name="n",
        dataset_id=DATASET_ID,
        instance_prompt="p",
        sd_version=leo.SdVersion.V2,
    )
    assert job.custom_model_id == MODEL_ID
    [call] = mocked.requests[("POST", URL(f"{BASE}/models"))]
    assert json.loads(call.kwargs["data"]) == {
        "name": "n",
        "datasetId": DATASET_ID,
        "instance_prompt": "p",
        "sd_version": "v2",
    }
    headers = call.kwargs["headers"]
    assert headers["Authorization"] == f"Bearer {KEY}"
    assert headers["Content-Type"] == "application/json"
    assert headers["Accept"] == "application/json"
    assert call.kwargs["allow_redirects"] is False


async def test_get_sends_no_body(
    mocked: aioresponses_module.aioresponses, api: leo.LeonardoClient
) -> None:
    mocked.get(
        f"{BASE}/models/{MODEL_ID}",
        payload={"custom_models_by_pk": {"id": MODEL_ID, "name": "m"}},
    )
    await api.models.get(MODEL_ID)
    [call] = mocked.requests[("GET", URL(f"{BASE}/models/{MODEL_ID}"))]
    assert call.kwargs.get("data") is None  # no body
    assert "Content-Type" not in call.kwargs["headers"]


@pytest.mark.parametrize(
    ("status", "body", "cls", "code"),
    [
        (
            400,
            {"error": "bad", "path": "$", "code": "validation-failed"},
            leo.BadRequestError,
            "validation-failed",
        ),
        (
            401,
            {"error": "Invalid key", "path": "$", "code": "access-denied"},
            leo.AuthenticationError,
            "access-denied",
        ),
        (
            403,
            {"error": "no", "path": "$", "code": "access-denied"},
            leo.PermissionDeniedError,
            "access-denied",
        ),
        (
            422,
            {"error": "bad", "path": "$", "code": "validation-failed"},
            leo.BadRequestError,
            "validation-failed",
        ),
        (
            500,
            {"error": "boom", "path": "$", "code": "unexpected"},
            leo.ServerError,
            "unexpected",
        ),
    ],
)
async def test_error_statuses(
    mocked: aioresponses_module.aioresponses,
    api: leo.LeonardoClient,
    status: int,
    body: dict[str, str],
    cls: type[leo.APIStatusError],
    code: str,
) -> None:
    mocked.get(f"{BASE}/platformModels", status=status, payload=body)
    with pytest.raises(cls) as caught:
        await api.models.list_platform()
    assert caught.value.status == status
    assert caught.value.code == code
    assert caught.value.message == body["error"]
    assert caught.value.url == f"{BASE}/platformModels"
    assert caught.value.method == "GET"
    assert KEY not in str(caught.value)


async def test_a_proxy_html_page(
    mocked: aioresponses_module.aioresponses, api: leo.LeonardoClient
) -> None:
    mocked.get(
        f"{BASE}/platformModels",
        status=503,
        body="<html><h1>503 Service Unavailable</h1></html>",
        headers={"Retry-After": "3"},
    )
    with pytest.raises(leo.ServerError) as caught:
        await api.models.list_platform()
    assert caught.value.headers["Retry-After"] == "3"
    assert b"<h1>" in caught.value.body


async def test_rate_limit_with_http_date(
    mocked: aioresponses_module.aioresponses, api: leo.LeonardoClient
) -> None:
    mocked.get(
        f"{BASE}/platformModels",
        status=429,
        headers={"Retry-After": "Thu, 01 Jan 2099 00:00:00 GMT"},
    )
    with pytest.raises(leo.RateLimitError) as caught:
        await api.models.list_platform()
    assert caught.value.retry_after is not None and caught.value.retry_after > 60


async def test_dns_failure_is_provably_unsent(
    mocked: aioresponses_module.aioresponses, api: leo.LeonardoClient
) -> None:
    key = aiohttp.client_reqrep.ConnectionKey(
        "cloud.leonardo.ai", 443, True, True, None, None, None
    )
    dns = aiohttp.ClientConnectorDNSError(
        key, socket.gaierror(-2, "Name or service not known")
    )
    mocked.post(f"{BASE}/models", exception=dns)
    with pytest.raises(leo.APIConnectionError) as caught:
        await api.models.train(name="n", dataset_id=DATASET_ID, instance_prompt="p")
    assert caught.value.request_sent is False
    assert caught.value.__cause__ is dns


async def test_connect_timeout_is_provably_unsent(
    mocked: aioresponses_module.aioresponses, api: leo.LeonardoClient
) -> None:
    mocked.get(
        f"{BASE}/platformModels", exception=aiohttp.ConnectionTimeoutError("connect")
    )
    with pytest.raises(leo.APITimeoutError) as caught:
        await api.models.list_platform()
    assert caught.value.request_sent is False


@pytest.mark.parametrize(
    "failure",
    [
        aiohttp.ServerDisconnectedError(),
        aiohttp.ClientPayloadError("cut"),
        aiohttp.ClientOSError(104, "reset"),
        ConnectionResetError(),
    ],
)
async def test_failures_after_sending_may_have_landed(
    mocked: aioresponses_module.aioresponses,
    api: leo.LeonardoClient,
    failure: Exception,
) -> None:
    mocked.post(f"{BASE}/models", exception=failure)
    with pytest.raises(leo.TrainingOutcomeUnknownError) as caught:
        await api.models.train(name="n", dataset_id=DATASET_ID, instance_prompt="p")
    cause = caught.value.__cause__
    assert isinstance(cause, leo.APIConnectionError) and cause.request_sent is True
    assert cause.__cause__ is failure


async def test_read_timeout_may_have_landed(
    mocked: aioresponses_module.aioresponses, api: leo.LeonardoClient
) -> None:
    mocked.get(f"{BASE}/platformModels", exception=aiohttp.SocketTimeoutError("read"))
    with pytest.raises(leo.APITimeoutError) as caught:
        await api.models.list_platform()
    assert caught.value.request_sent is True


async def test_retries_reach_the_mock_as_new_requests(
    mocked: aioresponses_module.aioresponses,
) -> None:
    mocked.get(f"{BASE}/platformModels", status=502)
    mocked.get(f"{BASE}/platformModels", payload={"custom_models": []})
    async with leo.LeonardoClient(KEY, max_retries=1) as client:
        assert await client.models.list_platform() == []
    assert len(mocked.requests[("GET", URL(f"{BASE}/platformModels"))]) == 2


async def test_the_storage_request_is_exactly_this(
    mocked: aioresponses_module.aioresponses, api: leo.LeonardoClient
) -> None:
    fields = {
        "key": "datasets/d/i.png",
        "Content-Type": "image/png",
        "Policy": "p",
        "X-Amz-Signature": "s",
    }
    storage = "https://leonardo-datasets.s3.amazonaws.com/"
    mocked.post(
        f"{BASE}/datasets/{DATASET_ID}/upload",
        payload={
            "uploadDatasetImage": {
                "url": storage,
                "fields": json.dumps(fields),
                "id": MODEL_ID,
                "key": fields["key"],
            }
        },
    )
    mocked.post(storage, status=204)
    assert (
        await api.datasets.upload_image(DATASET_ID, b"\x89PNG", extension="png")
        == MODEL_ID
    )
    [slot] = mocked.requests[("POST", URL(f"{BASE}/datasets/{DATASET_ID}/upload"))]
    assert json.loads(slot.kwargs["data"]) == {"extension": "png"}
    [upload] = mocked.requests[("POST", URL(storage))]
    # The storage gets the same user agent as the API, and nothing else.
    assert upload.kwargs["headers"] == {
        "User-Agent": slot.kwargs["headers"]["User-Agent"]
    }
    form = upload.kwargs["data"]
    names = [options["name"] for options, _, _ in form._fields]
    assert names == [*fields, "file"]
    assert [value for _, _, value in form._fields][:-1] == list(fields.values())
    assert KEY not in repr(upload)


async def test_storage_xml_errors(
    mocked: aioresponses_module.aioresponses, api: leo.LeonardoClient
) -> None:
    storage = "https://leonardo-datasets.s3.amazonaws.com/"
    mocked.post(
        f"{BASE}/datasets/{DATASET_ID}/upload",
        payload={
            "uploadDatasetImage": {"url": storage, "fields": "{}", "id": MODEL_ID}
        },
    )
    xml = (
        "<?xml version='1.0'?><Error><Code>EntityTooLarge</Code><Message>Your "
        "proposed upload exceeds the maximum allowed size &amp; more</Message></Error>"
    )
    mocked.post(storage, status=400, body=xml, content_type="application/xml")
    with pytest.raises(leo.BadRequestError) as caught:
        await api.datasets.upload_image(DATASET_ID, b"x", extension="png")
    assert caught.value.code == "EntityTooLarge"
    assert (
        caught.value.message
        == "Your proposed upload exceeds the maximum allowed size & more"
    )
