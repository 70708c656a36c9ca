"""The pure layers: request building, and the direction of every import."""

from __future__ import annotations

import ast
import asyncio
import json
import pathlib

import pytest

import leonardo_async as leo
from leonardo_async._http import Policy, Slots, send_within
from leonardo_async._wire import Answer, Extras, Request, Safety, build_request

URL = "https://api.test/v1/models"
HEADERS = {"Authorization": "Bearer k", "User-Agent": "ua"}
PACKAGE = pathlib.Path(leo.__file__).parent


def test_a_request_without_extras_is_sent_as_built() -> None:
    request = build_request(
        "POST", URL, HEADERS, Safety.CREATING, json_body={"name": "n"}
    )
    assert request == Request(
        "POST", URL, HEADERS, Safety.CREATING, b'{"name": "n"}', None
    )


def test_extras_are_merged() -> None:
    request = build_request(
        "POST",
        URL,
        HEADERS,
        Safety.CREATING,
        json_body={"name": "n"},
        extras=Extras(
            headers={"user-agent": "mine", "X-Trace": "1"},
            query={"a": "b c", "n": 2, "yes": True},
            body={"newField": [1]},
        ),
    )
    assert request.url == f"{URL}?a=b+c&n=2&yes=true"
    assert dict(request.headers) == {
        "Authorization": "Bearer k",
        "user-agent": "mine",
        "X-Trace": "1",
    }
    assert json.loads(request.body or b"") == {"name": "n", "newField": [1]}


@pytest.mark.parametrize(
    ("extras", "error", "names"),
    [
        (Extras(body={"name": "other"}), ValueError, "extra_body"),
        (Extras(body={"x": object()}), TypeError, "extra_body"),
        (Extras(body={"x": float("nan")}), TypeError, "extra_body"),
        (Extras(body=["x"]), TypeError, "extra_body"),  # type: ignore[arg-type]
        (Extras(headers={"AUTHORIZATION": "x"}), ValueError, "extra_headers"),
        (Extras(headers={"X": 1}), TypeError, "extra_headers"),  # type: ignore[dict-item]
        (Extras(headers={1: "x"}), TypeError, "extra_headers"),  # type: ignore[dict-item]
        (Extras(query={"q": [1]}), TypeError, "extra_query"),
        (Extras(query="a=b"), TypeError, "extra_query"),  # type: ignore[arg-type]
    ],
)
def test_bad_extras_name_the_argument(
    extras: Extras, error: type[Exception], names: str
) -> None:
    with pytest.raises(error, match=names):
        build_request(
            "POST",
            URL,
            HEADERS,
            Safety.CREATING,
            json_body={"name": "n"},
            extras=extras,
        )


def test_extra_body_needs_a_json_body() -> None:
    with pytest.raises(TypeError, match="extra_body"):
        build_request("GET", URL, HEADERS, Safety.REPEATABLE, extras=Extras(body={}))


def test_a_query_is_added_to_a_url_that_has_one() -> None:
    request = build_request(
        "GET", URL + "?x=1", HEADERS, Safety.REPEATABLE, extras=Extras(query={"y": 2})
    )
    assert request.url == URL + "?x=1&y=2"


def _imports(source: pathlib.Path) -> set[str]:
    """The package modules (dotted, below leonardo_async) and others a file imports."""
    tree = ast.parse(source.read_text())
    package = source.relative_to(PACKAGE.parent).with_suffix("").parts[:-1]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                found.add(".".join([*base, node.module] if node.module else base))
            else:
                found.add(node.module or "")
    return found


#: What each layer may import from the package: the design's one direction.
ALLOWED = {
    "_wire": {"_wire", "_errors", "_data"},
    "_http": {"_http", "_wire", "_errors", "_data"},
    "_resources": {"_resources", "_http", "_wire", "_errors", "_data", "_arguments"},
    "_waiting": {
        "_waiting",
        "_resources",
        "_http",
        "_wire",
        "_errors",
        "_data",
        "_arguments",
    },
}


@pytest.mark.parametrize("layer", sorted(ALLOWED))
def test_dependencies_point_one_way(layer: str) -> None:
    for source in (PACKAGE / layer).rglob("*.py"):
        for name in _imports(source):
            parts = name.split(".")
            if parts[0] != "leonardo_async" or len(parts) < 2:
                continue
            assert parts[1] in ALLOWED[layer], f"{source.name} imports {name}"


def test_the_wire_never_imports_aiohttp() -> None:
    for source in (PACKAGE / "_wire").rglob("*.py"):
        assert not any(n.split(".")[0] == "aiohttp" for n in _imports(source)), source


class RecordingTransport:
    def __init__(self) -> None:
        self.sent: list[Request] = []

    async def send(
        self, request: Request, timeout: float, read_timeout: float
    ) -> Answer:
        self.sent.append(request)
        return Answer(request.method, request.url, 200, {}, b"{}")


async def test_a_slot_handed_over_to_a_cancelled_call_comes_back() -> None:
    slots = Slots(1)
    assert await slots.take(1.0)
    waiter = asyncio.ensure_future(slots.take(5.0))
    await asyncio.sleep(0)  # it waits for the slot
    slots.release()  # the slot is handed over...
    waiter.cancel()  # ...and the call is cancelled in the same step
    with pytest.raises(asyncio.CancelledError):
        await waiter
    await asyncio.sleep(0)
    assert await slots.take(0.1), "the slot was lost"
    assert not await slots.take(0.01), "two slots out of one"


async def test_a_slot_granted_after_the_budget_ran_out_sends_nothing() -> None:
    slots, transport = Slots(1), RecordingTransport()
    now = [0.0]
    policy = Policy(60.0, 30.0, 0, lambda: now[0], asyncio.sleep)
    request = Request("POST", URL, HEADERS, Safety.CREATING, b"{}")
    assert await slots.take(1.0)
    pending = asyncio.ensure_future(
        send_within(transport, slots, request, policy, 1.0)  # type: ignore[arg-type]
    )
    await asyncio.sleep(0)
    now[0] = 2.0  # the loop was busy: the budget ran out while queued
    slots.release()
    with pytest.raises(leo.APITimeoutError) as caught:
        await pending
    assert caught.value.request_sent is False
    assert transport.sent == []
    assert await slots.take(0.1)  # and its slot came back
