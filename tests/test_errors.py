from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest

import leonardo_async as leo
from leonardo_async._wire import Answer, parse_retry_after
from leonardo_async._wire import status_error as error_for

URL = "https://cloud.leonardo.ai/api/rest/v1/models"


def status_error(
    status: int, body: bytes, headers: dict[str, str], *, method: str, url: str
) -> leo.APIStatusError:
    return error_for(Answer(method, url, status, headers, body))


def test_an_error_body_nested_too_deep_is_no_crash() -> None:
    deep = b'{"error": ' * 5000 + b"1" + b"}" * 5000
    error = status_error(500, deep, {}, method="POST", url=URL)
    assert type(error) is leo.ServerError
    assert error.body == deep


def error_body(message: str = "nope", code: str = "access-denied") -> bytes:
    return json.dumps({"error": message, "path": "$", "code": code}).encode()


@pytest.mark.parametrize(
    ("status", "cls"),
    [
        (400, leo.BadRequestError),
        (401, leo.AuthenticationError),
        (403, leo.PermissionDeniedError),
        (404, leo.NotFoundError),
        (422, leo.BadRequestError),
        (429, leo.RateLimitError),
        (500, leo.ServerError),
        (502, leo.ServerError),
        (503, leo.ServerError),
        (599, leo.ServerError),
    ],
)
def test_status_maps_to_its_class(status: int, cls: type[Exception]) -> None:
    error = status_error(status, error_body(), {}, method="GET", url=URL)
    assert type(error) is cls
    assert isinstance(error, leo.APIStatusError)
    assert isinstance(error, leo.LeonardoError)


@pytest.mark.parametrize("status", [302, 307, 408, 409, 418])
def test_other_statuses_are_plain_status_errors(status: int) -> None:
    error = status_error(status, b"", {}, method="GET", url=URL)
    assert type(error) is leo.APIStatusError
    assert error.status == status


def test_error_body_gives_message_and_code_and_is_kept() -> None:
    body = error_body("Invalid key", "access-denied")
    error = status_error(401, body, {"X-Request": "1"}, method="POST", url=URL)
    assert error.message == "Invalid key"
    assert error.code == "access-denied"
    assert error.body == body
    assert error.headers == {"X-Request": "1"}
    assert (error.method, error.url, error.status) == ("POST", URL, 401)
    assert str(error) == f"POST {URL} -> 401: Invalid key"


def test_html_error_page_still_gives_the_right_class() -> None:
    page = b"<html><body><h1>502 Bad Gateway</h1></body></html>"
    error = status_error(502, page, {}, method="GET", url=URL)
    assert type(error) is leo.ServerError
    assert error.code is None
    assert "Bad Gateway" in error.message
    assert "<html>" in error.message
    assert error.body == page


def test_json_that_is_not_an_error_object() -> None:
    error = status_error(400, b"[1, 2]", {}, method="GET", url=URL)
    assert type(error) is leo.BadRequestError
    assert error.message.startswith("Bad Request")


def test_long_bodies_are_cut_in_messages() -> None:
    error = status_error(500, b"x" * 1000, {}, method="GET", url=URL)
    assert error.message.endswith("...')")
    assert len(error.message) < 300


def test_unknown_status_phrase() -> None:
    error = status_error(599, b"", {}, method="GET", url=URL)
    assert error.message == "HTTP error"


def test_rate_limit_reads_retry_after() -> None:
    error = status_error(429, b"", {"Retry-After": "7"}, method="GET", url=URL)
    assert isinstance(error, leo.RateLimitError)
    assert error.retry_after == 7.0
    error = status_error(429, b"", {}, method="GET", url=URL)
    assert isinstance(error, leo.RateLimitError)
    assert error.retry_after is None


def test_retry_after_seconds_and_dates() -> None:
    now = datetime(2026, 1, 1, 12, 0, 0, tzinfo=timezone.utc)
    assert parse_retry_after(None) is None
    assert parse_retry_after(" 2.5 ") == 2.5
    assert parse_retry_after("-3") == 0.0
    assert parse_retry_after("Thu, 01 Jan 2026 12:00:30 GMT", now) == 30.0
    assert parse_retry_after("Thu, 01 Jan 2026 11:00:00 GMT", now) == 0.0
    assert parse_retry_after("2026-01-01T12:00:30", now) is None
    assert parse_retry_after("soon", now) is None


def test_retry_after_date_against_the_wall_clock() -> None:
    assert parse_retry_after("Thu, 01 Jan 2099 12:00:30 GMT") > 1e8  # type: ignore[operator]


def test_training_errors_carry_what_users_need() -> None:
    model = leo.CustomModel(id="m", name="style", status=leo.JobStatus.FAILED)
    failed = leo.TrainingFailedError(model)
    assert failed.model is model
    assert "style" in str(failed)
    timeout = leo.TrainingTimeoutError(30, pending_ids=["a", "b"], model=model)
    assert isinstance(timeout, TimeoutError)
    assert timeout.pending_ids == ["a", "b"]
    assert timeout.model is model
    assert "a, b" in str(timeout)


def test_outcome_unknown_tells_the_user_what_to_check() -> None:
    cause = leo.APIConnectionError("reset", method="POST", url=URL)
    error = leo.TrainingOutcomeUnknownError("my-style", cause)
    assert error.name == "my-style"
    assert "list_for_user" in str(error)
    assert "my-style" in str(error)
    assert not isinstance(error, leo.APIConnectionError)
