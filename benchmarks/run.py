"""Measure leonardo-async against raw aiohttp and its peers, side by side.

Every figure is a ratio measured in one run, the clients interleaved in each
repetition, so that the machine's speed and load cancel out. Writes a
markdown table to benchmarks/results/latest.md and prints it.

    python benchmarks/run.py [--quick]
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import pathlib
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import datetime, timezone
from typing import Any

import aiohttp

import leonardo_async as leo
from leonardo_async._data import CustomModel, CustomModelType, JobStatus, SdVersion

HERE = pathlib.Path(__file__).parent
MODEL_ID = "00000000-0000-4000-8000-000000000001"
GENERATION_ID = "00000000-0000-4000-8000-00000000012c"
USER_ID = "5d4c3b2a-1f0e-4d9c-8b7a-6f5e4d3c2b1a"
KEY = "3f2e1d0c-9b8a-4765-8432-10fedcba9876"
HEADERS = {"Authorization": f"Bearer {KEY}", "Accept": "application/json"}

Call = Callable[[], Awaitable[Any]]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server() -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    proc = subprocess.Popen([sys.executable, str(HERE / "server.py"), str(port)])
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return proc, f"http://127.0.0.1:{port}/api/rest/v1"
        except OSError:
            time.sleep(0.05)
    proc.kill()
    raise RuntimeError("the benchmark server did not start")


async def cpu_per_call(call: Call, calls: int, concurrency: int) -> float:
    """Client CPU seconds per call, ``calls`` calls by ``concurrency`` workers."""
    per_worker = calls // concurrency

    async def worker() -> None:
        for _ in range(per_worker):
            await call()

    gc.collect()
    start = time.process_time()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return (time.process_time() - start) / (per_worker * concurrency)


async def clients(
    base_url: str,
) -> tuple[dict[str, dict[str, Call]], dict[str, Call], list[Any]]:
    """The small calls (``get``, ``list_platform``) and ``list_for_user`` of each
    client, and what to close."""
    to_close: list[Any] = []
    session = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=64))
    to_close.append(session)
    one_url = f"{base_url}/models/{MODEL_ID}"
    many_url = f"{base_url}/models/user/{USER_ID}"
    platform_url = f"{base_url}/platformModels"
    generation_url = f"{base_url}/generations/{GENERATION_ID}"

    async def raw_get() -> Any:
        async with session.get(one_url, headers=HEADERS) as answer:
            return json.loads(await answer.read())

    async def raw_platform() -> Any:
        async with session.get(platform_url, headers=HEADERS) as answer:
            return json.loads(await answer.read())

    async def raw_generation() -> Any:
        async with session.get(generation_url, headers=HEADERS) as answer:
            return json.loads(await answer.read())

    async def raw_list() -> Any:
        async with session.get(many_url, headers=HEADERS) as answer:
            return json.loads(await answer.read())

    async def floor_list() -> Any:
        return build_by_hand(await raw_list())

    client = leo.LeonardoClient(KEY, base_url=base_url, max_concurrency=64)
    to_close.append(client)
    gets: dict[str, Call] = {
        "raw aiohttp": raw_get,
        "leonardo-async": lambda: client.models.get(MODEL_ID),
    }
    platform: dict[str, Call] = {
        "raw aiohttp": raw_platform,
        "leonardo-async": lambda: client.models.list_platform(),
    }
    generations: dict[str, Call] = {
        "raw aiohttp": raw_generation,
        "leonardo-async": lambda: client.generations.get(GENERATION_ID),
    }
    lists: dict[str, Call] = {
        "raw aiohttp + json.loads": raw_list,
        "floor (raw + hand-built objects)": floor_list,
        "leonardo-async": lambda: client.models.list_for_user(USER_ID),
    }
    try:
        import httpx
    except ImportError:
        httpx = None  # type: ignore[assignment]
    if httpx is not None:
        hx = httpx.AsyncClient(limits=httpx.Limits(max_connections=64))
        to_close.append(hx)

        async def httpx_get() -> Any:
            return json.loads((await hx.get(one_url, headers=HEADERS)).content)

        gets["raw httpx"] = httpx_get
    try:
        from leonardo_ai_sdk import LeonardoAiSDK
    except ImportError:
        LeonardoAiSDK = None
    if LeonardoAiSDK is not None and httpx is not None:
        official_http = httpx.AsyncClient(limits=httpx.Limits(max_connections=64))
        to_close.append(official_http)
        official = LeonardoAiSDK(
            bearer_auth=KEY, server_url=base_url, async_client=official_http
        )
        gets["leonardo-ai-sdk 7.0.0"] = lambda: official.models.get_model_by_id_async(
            id=MODEL_ID
        )
        platform["leonardo-ai-sdk 7.0.0"] = lambda: (
            official.models.list_platform_models_async()
        )
        generations["leonardo-ai-sdk 7.0.0"] = lambda: (
            official.image.get_generation_by_id_async(id=GENERATION_ID)
        )
        lists["leonardo-ai-sdk 7.0.0"] = lambda: (
            official.models.get_custom_models_by_user_id_async(user_id=USER_ID)
        )
    small = {
        "get()": gets,
        "list_platform()": platform,
        "generations.get()": generations,
    }
    return small, lists, to_close


def build_by_hand(data: dict[str, Any]) -> list[CustomModel]:
    """The floor: the same frozen objects, built by a loop written for this body."""
    parse = datetime.fromisoformat
    versions = SdVersion._value2member_map_
    statuses = JobStatus._value2member_map_
    types = CustomModelType._value2member_map_
    out = []
    for m in data["custom_models"]:
        created, updated = m.get("createdAt"), m.get("updatedAt")
        sd_version, status, kind = m.get("sdVersion"), m.get("status"), m.get("type")
        out.append(
            CustomModel(
                m["id"],
                m["name"],
                m.get("description"),
                m.get("instancePrompt"),
                m.get("modelWidth"),
                m.get("modelHeight"),
                m.get("public"),
                versions.get(sd_version, sd_version),
                statuses.get(status, status),
                types.get(kind, kind),
                parse(created + "+00:00") if created else None,
                parse(updated + "+00:00") if updated else None,
            )
        )
    return out


async def measure_calls(base_url: str, reps: int, quick: bool) -> list[list[str]]:
    gets, lists, to_close = await clients(base_url)
    rows: list[list[str]] = []
    try:
        every = [*lists.values()] + [c for g in gets.values() for c in g.values()]
        for call in every:  # warm up: connections, caches
            for _ in range(3):
                await call()
        for what, calls_of in gets.items():
            for concurrency in (1, 32):
                calls = 160 if quick else 480
                samples: dict[str, list[float]] = {name: [] for name in calls_of}
                for _ in range(reps):
                    for name, call in calls_of.items():
                        cpu = await cpu_per_call(call, calls, concurrency)
                        samples[name].append(cpu)
                rows += ratio_rows(
                    f"{what}, concurrency {concurrency}", samples, "raw aiohttp"
                )
        samples = {name: [] for name in lists}
        for _ in range(reps):
            for name, call in lists.items():
                samples[name].append(await cpu_per_call(call, 2 if quick else 3, 1))
        rows += ratio_rows(
            "list_for_user(), 10,000 models",
            samples,
            "floor (raw + hand-built objects)",
        )
    finally:
        for thing in to_close:
            await (thing.aclose() if hasattr(thing, "aclose") else thing.close())
    return rows


def ratio_rows(
    what: str, samples: dict[str, list[float]], base: str
) -> list[list[str]]:
    rows = []
    for name, values in samples.items():
        ratios = [v / b for v, b in zip(values, samples[base], strict=True)]
        rows.append(
            [
                what,
                name,
                f"{statistics.median(values) * 1e6:,.0f} µs",
                f"{statistics.median(ratios):.2f}x",
                f"{min(ratios):.2f} to {max(ratios):.2f}",
            ]
        )
    return rows


def measure_import(reps: int) -> list[list[str]]:
    # Imported as an installed package is: from compiled bytecode. An
    # editable install run with PYTHONDONTWRITEBYTECODE would compile the
    # package from source at every start, while pip compiled its dependencies
    # when it installed them; a cache of its own puts both on the same footing.
    with tempfile.TemporaryDirectory() as cache:
        env = {**os.environ, "PYTHONPYCACHEPREFIX": cache}
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        return import_rows(reps, env)


def import_rows(reps: int, env: dict[str, str]) -> list[list[str]]:
    """The import rows, each interpreter started with ``env``."""

    def timed(code: str) -> float:
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True, env=env)
        return time.perf_counter() - start

    for code in ("import aiohttp, attrs, cattrs, tenacity", "import leonardo_async"):
        timed(code)  # fills the cache
    bare, deps, sdk = [], [], []
    for _ in range(reps):
        bare.append(timed("pass"))
        deps.append(timed("import aiohttp, attrs, cattrs, tenacity"))
        sdk.append(timed("import leonardo_async"))
    ratios = [(s - b) / (d - b) for b, d, s in zip(bare, deps, sdk, strict=True)]
    probe = (
        "import sys, leonardo_async; print(sorted(m for m in ('rich', "
        "'aiohttp.web', 'leonardo_async.testing', 'leonardo_async._cli') "
        "if m in sys.modules))"
    )
    lazy = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        check=True,
        env=env,
    ).stdout.strip()
    return [
        [
            "import",
            "aiohttp, attrs, cattrs, tenacity",
            f"{statistics.median(deps) - statistics.median(bare):.3f} s",
            "1.00x",
            "",
        ],
        [
            "import",
            "leonardo_async",
            f"{statistics.median(sdk) - statistics.median(bare):.3f} s",
            f"{statistics.median(ratios):.2f}x",
            f"{min(ratios):.2f} to {max(ratios):.2f}",
        ],
        [
            "import",
            f"loaded eagerly of rich, aiohttp.web, testing, CLI: {lazy}",
            "",
            "",
            "",
        ],
    ]


def markdown(rows: list[list[str]]) -> str:
    head = ["measure", "client", "median", "ratio", "range over repetitions"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def save(name: str, text: str) -> None:
    """Write ``text`` to benchmarks/results/``name`` and print it."""
    out = HERE / "results"
    out.mkdir(exist_ok=True)
    (out / name).write_text(text)
    print(text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--quick", action="store_true", help="fewer calls and repetitions"
    )
    args = parser.parse_args()
    reps = 3 if args.quick else 5
    proc, base_url = start_server()
    try:
        rows = asyncio.run(measure_calls(base_url, reps, args.quick))
    finally:
        proc.terminate()
        proc.wait()
    rows += measure_import(5 if args.quick else 15)
    load = os.getloadavg()
    header = (
        f"Run {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC on "
        f"{os.cpu_count()} cores, load average {load[0]:.2f}; "
        f"Python {sys.version.split()[0]}, aiohttp {aiohttp.__version__}; "
        f"{reps} repetitions."
    )
    save("latest.md", header + "\n\n" + markdown(rows) + "\n")


if __name__ == "__main__":
    main()
