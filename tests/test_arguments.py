from __future__ import annotations

import math

import pytest

import leonardo_async as leo
from leonardo_async._arguments import (
    check_bool,
    check_choice,
    check_count,
    check_id,
    check_optional_text,
    check_positive,
    check_text,
)

from .conftest import MODEL_ID


def test_ids_are_anchored_uuids_in_any_case() -> None:
    assert check_id(MODEL_ID, "model_id") == MODEL_ID
    assert check_id(MODEL_ID.upper(), "model_id") == MODEL_ID.upper()


@pytest.mark.parametrize(
    "bad",
    [
        "",
        "abc",
        f"../{MODEL_ID}",
        f"{MODEL_ID}/../x",
        f"{MODEL_ID}?x=1",
        f" {MODEL_ID}",
        "m2n3o4p5-q6r7-s8t9-uvwx-yz1234567890",
    ],
)
def test_bad_ids_name_the_argument(bad: str) -> None:
    with pytest.raises(ValueError, match="model_id must be a UUID"):
        check_id(bad, "model_id")


def test_id_of_wrong_type() -> None:
    with pytest.raises(TypeError, match="user_id must be a str, not int"):
        check_id(5, "user_id")


def test_text() -> None:
    assert check_text("x", "name") == "x"
    with pytest.raises(ValueError, match="name must not be empty"):
        check_text("  ", "name")
    with pytest.raises(TypeError, match="name must be a str"):
        check_text(None, "name")
    assert check_optional_text(None, "description") is None
    with pytest.raises(TypeError, match="description"):
        check_optional_text(3, "description")


def test_bool() -> None:
    assert check_bool(False, "nsfw") is False
    with pytest.raises(TypeError, match="nsfw must be a bool"):
        check_bool("yes", "nsfw")


def test_choice_accepts_member_or_value() -> None:
    assert check_choice("v2", "sd_version", leo.SdVersion) is leo.SdVersion.V2
    assert (
        check_choice(leo.SdVersion.V2, "sd_version", leo.SdVersion) is leo.SdVersion.V2
    )


def test_choice_refuses_unknown_and_disallowed() -> None:
    with pytest.raises(ValueError, match="strength must be one of 'VERY_LOW'"):
        check_choice("EXTREME", "strength", leo.Strength)
    with pytest.raises(ValueError, match="sd_version must be one of 'v1_5', 'v2'"):
        check_choice(
            "SDXL_1_0",
            "sd_version",
            leo.SdVersion,
            (leo.SdVersion.V1_5, leo.SdVersion.V2),
        )
    with pytest.raises(TypeError, match="model_type must be a CustomModelType or str"):
        check_choice(3, "model_type", leo.CustomModelType)


def test_positive_numbers() -> None:
    assert check_positive(2, "timeout") == 2.0
    for bad in (0, -1, math.inf, math.nan):
        with pytest.raises(ValueError, match="timeout must be a positive number"):
            check_positive(bad, "timeout")
    for wrong in ("5", True, None):
        with pytest.raises(TypeError, match="timeout must be a number"):
            check_positive(wrong, "timeout")


def test_counts() -> None:
    assert check_count(0, "max_retries", minimum=0) == 0
    with pytest.raises(ValueError, match="max_concurrency must be at least 1"):
        check_count(0, "max_concurrency", minimum=1)
    with pytest.raises(TypeError, match="max_retries must be an int"):
        check_count(1.5, "max_retries", minimum=0)
