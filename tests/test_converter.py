from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest

import leonardo_async as leo
from leonardo_async._converter import (
    _parse_timestamp_slowly,
    decode_json,
    parse_timestamp,
    structure,
)

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
    ("data", "cls", "path", "problem"),
    [
        (
            [WIRE_MODEL, {"name": "no id"}],
            list[leo.CustomModel],
            "$.custom_models[1].id",
            "required field missing",
        ),
        ({**WIRE_MODEL, "public": "yes"}, leo.CustomModel, "$.public", "bool"),
        (
            {**WIRE_MODEL, "createdAt": "garbage"},
            leo.CustomModel,
            "$.createdAt",
            "datetime",
        ),
        ({**WIRE_MODEL, "createdAt": 17}, leo.CustomModel, "$.createdAt", "datetime"),
        ({**WIRE_MODEL, "status": 5}, leo.CustomModel, "$.status", "JobStatus"),
        ({**WIRE_MODEL, "modelWidth": "wide"}, leo.CustomModel, "$.modelWidth", "int"),
        (
            {"customModelId": "m", "cost": {"amount": "lots"}},
            leo.TrainingJob,
            "$.cost.amount",
            "Decimal",
        ),
        (
            {"customModelId": "m", "cost": {"amount": None}},
            leo.TrainingJob,
            "$.cost.amount",
            "Decimal",
        ),
        (None, leo.TrainingJob, "$", ""),
    ],
)
def test_a_body_that_does_not_fit_names_the_path(
    data: object, cls: object, path: str, problem: str
) -> None:
    with pytest.raises(leo.ResponseValidationError) as caught:
        build(
            data, cls, "$.custom_models" if path.startswith("$.custom_models") else "$"
        )
    assert caught.value.path == path
    assert caught.value.status == 200
    assert problem in str(caught.value)
    assert "body starts" in str(caught.value)


def test_not_json() -> None:
    page = b"<html>maintenance</html>"
    with pytest.raises(leo.ResponseValidationError) as caught:
        decode_json(page, status=200)
    assert caught.value.path == "$"
    assert "not JSON" in str(caught.value)
    assert "<html>maintenance" in str(caught.value)
    assert caught.value.body == page


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
        ("2023-02-10T02:43", datetime(2023, 2, 10, 2, 43)),
    ],
)
def test_the_fallback_for_what_python_3_10_cannot_parse(
    text: str, expected: datetime
) -> None:
    assert _parse_timestamp_slowly(text) == expected


def test_the_fallback_refuses_garbage() -> None:
    with pytest.raises(ValueError, match="ISO 8601"):
        _parse_timestamp_slowly("2023-02-10 at noon")


def test_valid_bodies_take_the_fast_path(monkeypatch: pytest.MonkeyPatch) -> None:
    from leonardo_async import _converter as module

    fast = module._converter(False)

    def no_detailed(detailed_validation: bool) -> object:
        assert not detailed_validation, "a valid body must not need the slow path"
        return fast

    monkeypatch.setattr(module, "_converter", no_detailed)
    items = [WIRE_MODEL, {**WIRE_MODEL, "sdVersion": "FLUX_KONTEXT", "createdAt": None}]
    assert [m.sd_version for m in build(items, list[leo.CustomModel])] == [
        leo.SdVersion.V1_5,
        "FLUX_KONTEXT",
    ]
    job = build(
        {"customModelId": "m", "cost": {"amount": "0.5", "unit": "CREDITS"}},
        leo.TrainingJob,
    )
    assert job.cost == leo.Cost(Decimal("0.5"), leo.CostUnit.CREDITS)
    platform = build(
        {"id": "p", "name": "n", "generated_image": {"id": "g"}}, leo.PlatformModel
    )
    assert platform.generated_image == leo.GeneratedImage("g")


def test_the_fast_path_refuses_what_the_slow_one_names() -> None:
    from leonardo_async._converter import _converter

    fast = _converter(False)
    for bad in (
        {**WIRE_MODEL, "public": "yes"},
        {**WIRE_MODEL, "modelWidth": True},
        {"name": "n"},
        {**WIRE_MODEL, "id": None},
    ):
        with pytest.raises((TypeError, KeyError)):
            fast.structure(bad, leo.CustomModel)
