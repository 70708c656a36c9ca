"""Random bodies and paths at the fake: 400 or 401, never 500, nothing unreadable.

The fake runs on its own loop in a thread; hypothesis drives plain HTTP
requests at it, then the SDK reads back everything the fake stored.
"""

from __future__ import annotations

import asyncio
import http.client
import json
import logging
import uuid
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import leonardo_async as leo
from leonardo_async.testing import FakeLeonardo

from .conftest import DATASET_ID, ThreadedFake

JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**40), 2**40)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.text(max_size=12), inner, max_size=4)
    ),
    max_leaves=12,
)
FIELDS = ["name", "datasetId", "instance_prompt", "description", "modelType",
          "nsfw", "resolution", "sd_version", "strength", "extension",
          "generatedImageId", "lora_focus", "num_train_epochs",
          "learning_rate", "train_text_encoder"]  # fmt: skip
ALMOST = st.fixed_dictionaries(
    {"name": st.just("fuzz"), "instance_prompt": st.just("p")},
    optional={
        key: JSON | st.sampled_from([512, 768, 512.0, "v1_5", "GENERAL", True, 0])
        for key in FIELDS
        if key not in ("name", "instance_prompt")
    },
).map(lambda body: {**body, "datasetId": body.get("datasetId", DATASET_ID)})
BODIES = (
    JSON.map(lambda v: json.dumps(v).encode())
    | ALMOST.map(lambda v: json.dumps(v).encode())
    | st.binary(max_size=40)
    | st.integers(100, 3000).map(lambda n: b"[" * n + b"]" * n)
)
IDS = st.sampled_from([DATASET_ID, "0", "x" * 40, str(uuid.UUID(int=7))])
PATHS = st.one_of(
    st.sampled_from(
        [
            "/models",
            "/datasets",
            "/me",
            "/platformModels",
            "/elements",
            "/generations",
            "/pricing-calculator",
        ]
    ),
    st.sampled_from(["1001", "0", "-1", "x", "99999999999999999999"]).map(
        lambda i: f"/elements/{i}"
    ),
    IDS.map(lambda i: f"/elements/user/{i}"),
    IDS.map(lambda i: f"/models/{i}"),
    IDS.map(lambda i: f"/generations/{i}"),
    IDS.map(lambda i: f"/generations/user/{i}?offset={i}&limit={i}"),
    IDS.map(lambda i: f"/models/user/{i}"),
    IDS.map(lambda i: f"/datasets/{i}"),
    IDS.map(lambda i: f"/datasets/{i}/upload"),
    IDS.map(lambda i: f"/datasets/{i}/upload/gen"),
    st.text("abc/%?#", max_size=12).map(lambda t: f"/{t}"),
)


@pytest.fixture(scope="module")
def served() -> Iterator[FakeLeonardo]:
    with ThreadedFake() as fake:
        yield fake


def send(fake: FakeLeonardo, method: str, path: str, body: bytes, key: str) -> int:
    host, port = fake.base_url.split("//")[1].split("/")[0].split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=10)
    try:
        connection.request(
            method,
            "/api/rest/v1" + path,
            body=body,
            headers={
                "Authorization": f"Bearer {key}",
                "Content-Type": "application/json",
            },
        )
        return connection.getresponse().status
    finally:
        connection.close()


@settings(
    max_examples=400,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    method=st.sampled_from(["GET", "POST", "DELETE", "PUT"]),
    path=PATHS,
    body=BODIES,
    right_key=st.booleans(),
)
def test_any_request_gets_an_answer_of_the_api_kind(
    served: FakeLeonardo, method: str, path: str, body: bytes, right_key: bool
) -> None:
    key = served.api_key if right_key else "not-the-key"
    status = send(served, method, path, body, key)
    assert status < 500, (method, path, body[:80])
    if not right_key and status not in (404, 405):
        assert status == 401


def test_what_the_fake_stored_reads_back_whole(
    served: FakeLeonardo, caplog: pytest.LogCaptureFixture
) -> None:
    # After the fuzzing above (same module fake): every model and dataset the
    # fake holds is read by the SDK with no field that does not fit.
    async def read_all() -> tuple[list[leo.CustomModel], list[leo.Dataset]]:
        async with leo.LeonardoClient(served.api_key, base_url=served.base_url) as c:
            models = await c.models.list_mine()
            datasets = [await c.datasets.get(i) for i in served.dataset_ids()]
            elements = await c.elements.list_mine()
            assert [e.id for e in elements] == served.element_ids()
            return models, datasets

    with caplog.at_level(logging.DEBUG, logger="leonardo_async"):
        models, datasets = asyncio.run(read_all())
    assert [r.getMessage() for r in caplog.records if "ignored" in r.getMessage()] == []
    assert all(isinstance(m.name, str) and m.sd_version for m in models)
    assert len(datasets) == len(served.dataset_ids())


def test_a_training_on_an_unknown_dataset_is_refused(served: FakeLeonardo) -> None:
    body = {"name": "n", "datasetId": str(uuid.uuid4()), "instance_prompt": "p"}
    before = served.model_ids()
    assert (
        send(served, "POST", "/models", json.dumps(body).encode(), served.api_key)
        == 400
    )
    assert served.model_ids() == before


@pytest.mark.parametrize(
    ("field", "value"),
    [("description", 5), ("resolution", 512.0), ("nsfw", 0), ("resolution", True)],
)
def test_a_training_field_of_the_wrong_type_is_refused(
    served: FakeLeonardo, field: str, value: object
) -> None:
    dataset_id = served.add_dataset()  # the fuzzing may have deleted others
    body = {"name": "n", "datasetId": dataset_id, "instance_prompt": "p", field: value}
    assert (
        send(served, "POST", "/models", json.dumps(body).encode(), served.api_key)
        == 400
    )


@pytest.mark.parametrize("field", ["resolution", "nsfw", "sd_version", "description"])
def test_null_is_taken_where_the_spec_allows_it(
    served: FakeLeonardo, field: str
) -> None:
    dataset_id = served.add_dataset()  # the fuzzing may have deleted others
    body = {"name": "n", "datasetId": dataset_id, "instance_prompt": "p", field: None}
    assert (
        send(served, "POST", "/models", json.dumps(body).encode(), served.api_key)
        == 200
    )


def test_a_deep_body_with_a_wrong_key_is_401(served: FakeLeonardo) -> None:
    deep = b"[" * 5000 + b"]" * 5000
    assert send(served, "POST", "/models", deep, "wrong") == 401
    assert (
        send(served, "POST", "/datasets/0/upload", b'{"extension": {}}', served.api_key)
        == 400
    )


def test_catalogue_ids_fit_the_specs_pattern(served: FakeLeonardo) -> None:
    async def catalogue() -> list[leo.PlatformModel]:
        async with leo.LeonardoClient(served.api_key, base_url=served.base_url) as c:
            return await c.models.list_platform()

    for model in asyncio.run(catalogue()):
        assert uuid.UUID(model.id).version == 4
        assert model.generated_image is not None
        assert uuid.UUID(model.generated_image.id).version == 4
