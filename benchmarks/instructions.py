"""Count the client's instructions per call, layer by layer, under callgrind.

CPU time on a shared machine moves by tens of percent between runs; the
number of instructions a call executes does not. Each client runs in its own
process under ``valgrind --tool=callgrind``, twice (few calls and many), so
that start-up cancels out of the difference. The server runs outside
valgrind, in another process. Writes benchmarks/results/instructions.md.

    python benchmarks/instructions.py

Needs valgrind; without it, says so and exits. About ten minutes on 2 cores.
"""

from __future__ import annotations

import asyncio
import json
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile
from datetime import datetime, timezone
from typing import Any

import aiohttp
from run import GENERATION_ID, HEADERS, KEY, MODEL_ID, save, start_server

import leonardo_async as leo
from leonardo_async._http._transport import Transport
from leonardo_async._wire import Request, Safety

FEW, MANY = 100, 500

#: Name -> (what the row measures, the baseline it is compared with).
CLIENTS = {
    "raw": ("get(): raw aiohttp + json.loads", "raw"),
    "raw-limits": ("get(): raw aiohttp with the SDK's three time limits", "raw"),
    "transport": ("get(): the SDK's transport, one attempt + json.loads", "raw"),
    "get": ("get(): leonardo-async", "raw"),
    "raw-generation": ("generations.get(): raw aiohttp + json.loads", "raw-generation"),
    "generation": ("generations.get(): leonardo-async", "raw-generation"),
    "raw-platform": ("list_platform(): raw aiohttp + json.loads", "raw-platform"),
    "platform": ("list_platform(): leonardo-async", "raw-platform"),
}


async def run_client(name: str, calls: int, base_url: str) -> None:
    """Make ``calls`` calls of one client (run inside valgrind)."""
    session = aiohttp.ClientSession()
    client = leo.LeonardoClient(KEY, base_url=base_url)
    transport = Transport(max_connections=16, session=None)
    urls = {
        "raw": f"{base_url}/models/{MODEL_ID}",
        "raw-generation": f"{base_url}/generations/{GENERATION_ID}",
        "raw-platform": f"{base_url}/platformModels",
    }
    limits = aiohttp.ClientTimeout(
        total=60, sock_connect=10, sock_read=30, ceil_threshold=math.inf
    )
    request = Request("GET", urls["raw"], HEADERS, Safety.REPEATABLE)

    async def raw(url: str, **options: Any) -> Any:
        async with session.get(url, headers=HEADERS, **options) as answer:
            return json.loads(await answer.read())

    async def one_attempt() -> Any:
        return json.loads((await transport.send(request, 60.0, 30.0)).body)

    call = {
        "raw": lambda: raw(urls["raw"]),
        "raw-limits": lambda: raw(urls["raw"], timeout=limits),
        "transport": one_attempt,
        "get": lambda: client.models.get(MODEL_ID),
        "raw-generation": lambda: raw(urls["raw-generation"]),
        "generation": lambda: client.generations.get(GENERATION_ID),
        "raw-platform": lambda: raw(urls["raw-platform"]),
        "platform": lambda: client.models.list_platform(),
    }[name]
    try:
        for _ in range(calls):
            await call()
    finally:
        await session.close()
        await client.aclose()
        await transport.aclose()


def instructions(name: str, calls: int, base_url: str) -> int:
    """The instructions a client process executes making ``calls`` calls."""
    with tempfile.TemporaryDirectory() as scratch:
        done = subprocess.run(
            [
                "valgrind",
                "--tool=callgrind",
                f"--callgrind-out-file={scratch}/out",
                sys.executable,
                __file__,
                "--client",
                name,
                str(calls),
                base_url,
            ],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "PYTHONHASHSEED": "0"},
        )
    found = re.search(r"Collected\s*:\s*([\d,]+)", done.stderr)
    if found is None:
        raise RuntimeError(f"callgrind gave no count:\n{done.stderr[-2000:]}")
    return int(found[1].replace(",", ""))


def main() -> None:
    if len(sys.argv) == 5 and sys.argv[1] == "--client":
        asyncio.run(run_client(sys.argv[2], int(sys.argv[3]), sys.argv[4]))
        return
    if shutil.which("valgrind") is None:
        print("valgrind is not installed; nothing measured")
        return
    proc, base_url = start_server()
    try:
        per_call = {
            name: (
                instructions(name, MANY, base_url) - instructions(name, FEW, base_url)
            )
            / (MANY - FEW)
            for name in CLIENTS
        }
    finally:
        proc.terminate()
        proc.wait()
    lines = [
        f"Run {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC; Python "
        f"{sys.version.split()[0]}, aiohttp {aiohttp.__version__}; instructions "
        f"per call = (count for {MANY} calls - count for {FEW}) / {MANY - FEW}.",
        "",
        "| client | instructions per call | ratio |",
        "|---|---|---|",
    ]
    for name, (what, base) in CLIENTS.items():
        ratio = per_call[name] / per_call[base]
        lines.append(f"| {what} | {per_call[name]:,.0f} | {ratio:.2f}x |")
    save("instructions.md", "\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
