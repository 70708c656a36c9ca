from __future__ import annotations

import ast
import json
import logging
import pathlib
from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest

import leonardo_async as leo
from leonardo_async._wire import Answer, field, list_reader, object_reader, structure
from leonardo_async._wire._converter import parse_timestamp

WIRE_MODEL = {
    "id": "0b6c8a3e-1f2d-4e5a-9b7c-8d9e0f1a2b3c",
    "name": "my-style",
    "description": "",
    "instancePrompt": "a photo of sks",
    "modelWidth": 768,
    "modelHeight": 768,
    "public": False,
    "sdVersion": "v1_5",
    "status": "PENDING",
    "type": "CHARACTERS",
    "createdAt": "2023-02-10T02:43:10.395",
    "updatedAt": "2023-02-10T02:43:10.395",
}


def build(data: object, cls: object, path: str = "$") -> object:
    return structure(data, cls, path=path, status=200, body=json.dumps(data).encode())


def test_custom_model_from_wire_names() -> None:
    model = build(WIRE_MODEL, leo.CustomModel)
    assert model == leo.CustomModel(
        id=WIRE_MODEL["id"],
        name="my-style",
        description="",
        instance_prompt="a photo of sks",
        model_width=768,
        model_height=768,
        public=False,
        sd_version=leo.SdVersion.V1_5,
        status=leo.JobStatus.PENDING,
        type=leo.CustomModelType.CHARACTERS,
        created_at=datetime(2023, 2, 10, 2, 43, 10, 395000, tzinfo=timezone.utc),
        updated_at=datetime(2023, 2, 10, 2, 43, 10, 395000, tzinfo=timezone.utc),
    )


def test_models_are_frozen() -> None:
    model = build(WIRE_MODEL, leo.CustomModel)
    with pytest.raises(AttributeError):
        model.name = "other"  # type: ignore[attr-defined]


def test_unknown_enum_values_are_kept_as_strings() -> None:
    data = {
        **WIRE_MODEL,
        "sdVersion": "FLUX_KONTEXT",
        "status": "TRAINING",
        "type": "NEW",
    }
    model = build(data, leo.CustomModel)
    assert model.sd_version == "FLUX_KONTEXT"
    assert not isinstance(model.sd_version, leo.SdVersion)
    assert model.status == "TRAINING"
    assert model.type == "NEW"


def test_unknown_values_inside_a_list_drop_nothing() -> None:
    items = [
        WIRE_MODEL,
        {**WIRE_MODEL, "id": "other", "sdVersion": "FLUX_KONTEXT"},
        {**WIRE_MODEL, "id": "third", "status": "QUEUED"},
    ]
    models = build(items, list[leo.CustomModel], "$.custom_models")
    assert [m.id for m in models] == [WIRE_MODEL["id"], "other", "third"]
    assert models[0].sd_version is leo.SdVersion.V1_5
    assert models[1].sd_version == "FLUX_KONTEXT"
    assert models[2].status == "QUEUED"


def test_unknown_fields_are_ignored_and_missing_optional_ones_are_none() -> None:
    model = build({"id": "x", "name": "n", "brandNewField": [1, 2]}, leo.CustomModel)
    assert model == leo.CustomModel(id="x", name="n")


def test_enums_are_their_string_values() -> None:
    assert leo.SdVersion.V1_5 == "v1_5"
    assert str(leo.JobStatus.COMPLETE) == "COMPLETE"
    assert f"{leo.CostUnit.DOLLARS}" == "DOLLARS"


def test_training_job_and_exact_cost() -> None:
    job = build(
        {
            "customModelId": "m",
            "apiCreditCost": 125,
            "cost": {"amount": "0.0147", "unit": "DOLLARS"},
        },
        leo.TrainingJob,
    )
    assert job.custom_model_id == "m"
    assert job.api_credit_cost == 125
    assert job.cost == leo.Cost(amount=Decimal("0.0147"), unit=leo.CostUnit.DOLLARS)
    numeric = build(
        {"customModelId": "m", "cost": {"amount": 2, "unit": "TOKENS"}}, leo.TrainingJob
    )
    assert numeric.cost == leo.Cost(amount=Decimal(2), unit="TOKENS")


def test_platform_model_with_image() -> None:
    model = build(
        {
            "id": "p",
            "name": "Leonardo Phoenix 1.0",
            "description": "d",
            "nsfw": False,
            "featured": True,
            "generated_image": {"id": "g", "url": "https://x/y.jpg"},
        },
        leo.PlatformModel,
    )
    assert model.generated_image == leo.GeneratedImage(id="g", url="https://x/y.jpg")
    assert model.featured is True


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "2023-02-10T02:43:10.395",
            datetime(2023, 2, 10, 2, 43, 10, 395000, tzinfo=timezone.utc),
        ),
        ("2023-02-10T02:43:10", datetime(2023, 2, 10, 2, 43, 10, tzinfo=timezone.utc)),
        (
            "2023-02-10T02:43:10.39Z",
            datetime(2023, 2, 10, 2, 43, 10, 390000, tzinfo=timezone.utc),
        ),
        (
            "2023-02-10T02:43:10.1234567",
            datetime(2023, 2, 10, 2, 43, 10, 123456, tzinfo=timezone.utc),
        ),
        (
            "2023-02-10T04:43:10+02:00",
            datetime(2023, 2, 10, 2, 43, 10, tzinfo=timezone.utc),
        ),
        ("2023-02-10 02:43", datetime(2023, 2, 10, 2, 43, tzinfo=timezone.utc)),
    ],
)
def test_timestamps_are_aware_and_utc_when_zoneless(
    text: str, expected: datetime
) -> None:
    parsed = parse_timestamp(text)
    assert parsed == expected
    assert parsed.utcoffset() is not None


def test_zone_is_honoured_not_replaced() -> None:
    parsed = parse_timestamp("2023-02-10T04:43:10+0200")
    assert parsed.utcoffset() == timedelta(hours=2)


def test_not_a_timestamp() -> None:
    with pytest.raises(ValueError, match="ISO 8601"):
        parse_timestamp("yesterday")


@pytest.mark.parametrize(
    ("data", "cls", "root", "path", "problem"),
    [
        (
            [WIRE_MODEL, {"name": "no id"}],
            list[leo.CustomModel],
            "$.custom_models",
            "$.custom_models[1].id",
            "missing",
        ),
        (
            [WIRE_MODEL, None, {**WIRE_MODEL, "id": 5}],
            list[leo.CustomModel],
            "$.custom_models",
            "$.custom_models[2].id",
            "string id",
        ),
        (
            [WIRE_MODEL, "a string"],
            list[leo.CustomModel],
            "$.custom_models",
            "$.custom_models[1]",
            "expected an object",
        ),
        ({**WIRE_MODEL, "id": ""}, leo.CustomModel, "$", "$.id", "string id"),
        ({"apiCreditCost": 5}, leo.TrainingJob, "$", "$.customModelId", "missing"),
        ({"name": "x"}, leo.CustomModel, "$", "$.id", "missing"),
        (None, leo.TrainingJob, "$", "$", "expected an object"),
        ({"customModels": []}, list[leo.CustomModel], "$.x", "$.x", "an array"),
    ],
)
def test_an_identity_that_does_not_fit_fails_and_names_the_path(
    data: object, cls: object, root: str, path: str, problem: str
) -> None:
    with pytest.raises(leo.ResponseValidationError) as caught:
        build(data, cls, root)
    assert caught.value.path == path
    assert caught.value.status == 200
    assert problem in str(caught.value)
    assert "body starts" in str(caught.value)


@pytest.mark.parametrize(
    ("data", "attribute", "wire"),
    [
        ({**WIRE_MODEL, "public": "yes"}, "public", "public"),
        ({**WIRE_MODEL, "public": 1}, "public", "public"),
        ({**WIRE_MODEL, "createdAt": "ipsum ut esse"}, "created_at", "createdAt"),
        ({**WIRE_MODEL, "createdAt": 17}, "created_at", "createdAt"),
        ({**WIRE_MODEL, "status": 5}, "status", "status"),
        ({**WIRE_MODEL, "modelWidth": "wide"}, "model_width", "modelWidth"),
        ({**WIRE_MODEL, "modelWidth": True}, "model_width", "modelWidth"),
        ({**WIRE_MODEL, "modelWidth": 7.5}, "model_width", "modelWidth"),
        ({**WIRE_MODEL, "name": ["x"]}, "name", "name"),
    ],
)
def test_a_field_that_does_not_fit_becomes_none_with_one_debug_line(
    data: dict[str, object],
    attribute: str,
    wire: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    items = [WIRE_MODEL, None, data]
    with caplog.at_level(logging.DEBUG, logger="leonardo_async"):
        models = build(items, list[leo.CustomModel], "$.custom_models")
    assert [m.id for m in models] == [WIRE_MODEL["id"], WIRE_MODEL["id"]]
    assert getattr(models[1], attribute) is None
    # The rest of the model is read as usual.
    assert models[1].instance_prompt == "a photo of sks" or attribute == "name"
    lines = [r.getMessage() for r in caplog.records if r.name == "leonardo_async"]
    assert len(lines) == 1
    assert f"$.custom_models[2].{wire}" in lines[0]


def test_a_create_answer_with_its_id_is_read_whatever_else_does_not_fit(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.DEBUG, logger="leonardo_async"):
        job = build(
            {"customModelId": "m", "cost": {"amount": "minim nostrud"}},
            leo.TrainingJob,
            "$.sdTrainingJob",
        )
        missing = build({"customModelId": "m", "cost": {}}, leo.TrainingJob)
        null = build({"customModelId": "m", "cost": {"amount": None}}, leo.TrainingJob)
    assert job == leo.TrainingJob(custom_model_id="m", cost=None)
    assert missing.cost is None and null.cost is None
    messages = [r.getMessage() for r in caplog.records]
    assert any("$.sdTrainingJob.cost.amount" in m for m in messages)


@pytest.mark.parametrize("amount", ["NaN", "Infinity", True, [1], "1,5"])
def test_an_amount_that_is_not_a_finite_decimal_does_not_fit(amount: object) -> None:
    job = build({"customModelId": "m", "cost": {"amount": amount}}, leo.TrainingJob)
    assert job.cost is None


def test_a_nested_list_that_does_not_fit_is_empty_and_named(
    caplog: pytest.LogCaptureFixture,
) -> None:
    data = {
        "id": "d",
        "name": "cats",
        "dataset_images": [{"id": "i1"}, None, {"url": "no id"}],
    }
    with caplog.at_level(logging.DEBUG, logger="leonardo_async"):
        dataset = build(data, leo.Dataset, "$.datasets_by_pk")
    assert dataset.name == "cats"
    assert dataset.images == []
    assert "$.datasets_by_pk.dataset_images[2].id" in caplog.records[0].getMessage()


def test_a_nested_field_is_named_with_its_whole_path(
    caplog: pytest.LogCaptureFixture,
) -> None:
    data = [None, {"id": "p", "generated_image": {"id": "g", "url": 5}}]
    with caplog.at_level(logging.DEBUG, logger="leonardo_async"):
        (model,) = build(data, list[leo.PlatformModel], "$.custom_models")
    assert model.generated_image == leo.GeneratedImage(id="g", url=None)
    message = caplog.records[0].getMessage()
    assert "$.custom_models[1].generated_image.url" in message


def test_a_float_balance_is_read() -> None:
    user = build({"user.id": "u", "paidTokens": 12.4567}, leo.User)
    assert user.paid_tokens == 12.4567
    assert build({"user.id": "u", "paidTokens": 3}, leo.User).paid_tokens == 3.0


def answer(body: bytes) -> Answer:
    return Answer("GET", "https://api.test/x", 200, {}, body)


def test_not_json() -> None:
    page = b"<html>maintenance</html>"
    with pytest.raises(leo.ResponseValidationError) as caught:
        field(answer(page), "custom_models")
    assert caught.value.path == "$"
    assert "not JSON" in str(caught.value)
    assert "<html>maintenance" in str(caught.value)
    assert caught.value.body == page


def test_json_nested_too_deep_is_a_validation_error() -> None:
    deep = b"[" * 100_000 + b"]" * 100_000
    with pytest.raises(leo.ResponseValidationError, match="too deep"):
        field(answer(deep), "custom_models")


def test_an_answer_without_its_key_does_not_fit() -> None:
    with pytest.raises(leo.ResponseValidationError) as caught:
        list_reader("custom_models", leo.CustomModel)(answer(b'{"other": []}'))
    assert caught.value.path == "$.custom_models"
    read = object_reader("custom_models_by_pk", leo.CustomModel, not_found="model")
    with pytest.raises(leo.NotFoundError):
        read(answer(b'{"custom_models_by_pk": null}'))
    assert (
        list_reader("custom_models", leo.CustomModel)(
            answer(b'{"custom_models": null}')
        )
        == []
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "2023-02-10T02:43:10.39Z",
            datetime(2023, 2, 10, 2, 43, 10, 390000, tzinfo=timezone.utc),
        ),
        (
            "2023-02-10T02:43:10.1234567+01:00",
            datetime(2023, 2, 10, 1, 43, 10, 123456, tzinfo=timezone.utc),
        ),
        ("2023-02-10T02:43", datetime(2023, 2, 10, 2, 43, tzinfo=timezone.utc)),
    ],
)
def test_what_python_3_10_cannot_parse_is_parsed(text: str, expected: datetime) -> None:
    assert parse_timestamp(text) == expected


def test_the_parser_refuses_garbage() -> None:
    with pytest.raises(ValueError, match="ISO 8601"):
        parse_timestamp("2023-02-10 at noon")


def test_the_project_generates_no_code_of_its_own() -> None:
    package = pathlib.Path(leo.__file__).parent
    for source in package.rglob("*.py"):
        tree = ast.parse(source.read_text())
        names = {
            node.func.id
            for node in ast.walk(tree)
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
        }
        assert not names & {"exec", "eval", "compile"}, source


def test_a_cost_reads_as_a_person_would_write_it() -> None:
    assert str(leo.Cost(Decimal("1.2500"), leo.CostUnit.DOLLARS)) == "1.2500 DOLLARS"
    assert str(leo.Cost(Decimal(3), "TOKENS")) == "3 TOKENS"
    assert str(leo.Cost(Decimal("0.5"))) == "0.5"
