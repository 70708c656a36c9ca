"""Waiting at scale, over real HTTP, each measure in a fresh process.

``python benchmarks/waits.py [--quick]`` writes ``results/waits.md``:

- 10,000 independent ``wait_for_training`` calls, started together, for
  trainings that complete after 10 s: the requests they cost in all, and the
  peak RSS of the process against 10,000 bare sleeping tasks in a process
  that imported the same (the SDK, aiohttp) and made a client.
- Requests per round and client CPU per round against the number of waiters
  (1, 10, 1,000, 10,000) and the account's size (10 and 10,000 models).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import socket
import subprocess
import sys
import time
import urllib.request
from datetime import datetime, timezone
from pathlib import Path

HERE = Path(__file__).parent
KEY = "3f2e1d0c-9b8a-4765-8432-10fedcba9876"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    """The wait server in its own process, for one measure."""

    def __init__(self, account: int, done_after: float) -> None:
        self.port = free_port()
        self.proc = subprocess.Popen(
            [
                sys.executable,
                str(HERE / "wait_server.py"),
                str(self.port),
                str(account),
                str(done_after),
            ]
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), 0.2).close()
                return
            except OSError:
                time.sleep(0.05)
        self.proc.kill()
        raise RuntimeError("the wait server did not start")

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/rest/v1"

    def requests(self) -> list[tuple[float, str]]:
        url = f"http://127.0.0.1:{self.port}/stats"
        with urllib.request.urlopen(url, timeout=10) as answer:
            return [tuple(r) for r in json.loads(answer.read())["requests"]]

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait()


def child(args: list[str]) -> dict[str, float]:
    """Run one measure in this (fresh) process; print its figures as JSON."""
    mode, count, base_url = args[0], int(args[1]), args[2]
    seconds = float(args[3]) if len(args) > 3 else 0.0

    import leonardo_async as leo

    sys.path.insert(0, str(HERE))
    from wait_server import model_id

    async def run() -> dict[str, float]:
        async with leo.LeonardoClient(KEY, base_url=base_url) as client:
            account = int(args[4]) if len(args) > 4 else count
            ids = [model_id(i % account) for i in range(count)]
            if mode == "sleep":
                await asyncio.gather(*(asyncio.sleep(seconds) for _ in ids))
                return {}
            if mode == "wait":
                await asyncio.gather(*(client.wait_for_training(i) for i in ids))
                return {}
            # rounds: a fixed schedule for ``seconds``; CPU of the whole run
            waits = [
                asyncio.ensure_future(
                    client.wait_for_training(
                        i, poll_interval=0.5, max_poll_interval=0.5
                    )
                )
                for i in ids
            ]
            start = time.process_time()
            await asyncio.sleep(seconds)
            cpu = time.process_time() - start
            for wait in waits:
                wait.cancel()
            await asyncio.gather(*waits, return_exceptions=True)
            return {"cpu": cpu}

    figures = asyncio.run(run())
    figures["rss"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    print(json.dumps(figures))
    return figures


def in_fresh_process(*args: object) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, __file__, "--child", *map(str, args)],
        capture_output=True,
        text=True,
        check=True,
        timeout=600,
    )
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def rounds_of(requests: list[tuple[float, str]]) -> list[list[str]]:
    """Requests grouped into rounds: a pause of 0.2 s or more starts one."""
    rounds: list[list[str]] = []
    last = None
    for at, path in requests:
        if path.endswith("/me"):
            continue
        if last is None or at - last >= 0.2:
            rounds.append([])
        rounds[-1].append(path)
        last = at
    return rounds


def scale(count: int) -> list[list[str]]:
    server = Server(account=count, done_after=10.0)
    try:
        waits = in_fresh_process("wait", count, server.base_url)
        requests = len(server.requests())
    finally:
        server.stop()
    sleeps = in_fresh_process("sleep", count, "http://127.0.0.1:9/v1", 10.0)
    return [
        [
            f"{count:,} waits, trainings done after 10 s",
            "requests in all",
            f"{requests}",
        ],
        [
            f"{count:,} waits, trainings done after 10 s",
            "peak RSS vs bare sleeping tasks",
            f"{waits['rss'] / 2**20:.0f} MiB vs {sleeps['rss'] / 2**20:.0f} MiB: "
            f"{waits['rss'] / sleeps['rss']:.2f}x",
        ],
    ]


def per_round(waiters: int, account: int, seconds: float) -> list[str]:
    server = Server(account=account, done_after=3600.0)
    try:
        figures = in_fresh_process("rounds", waiters, server.base_url, seconds, account)
        rounds = rounds_of(server.requests())
    finally:
        server.stop()
    sizes = [len(r) for r in rounds]
    kinds = {"list" if "/user/" in p else "GET by id" for r in rounds for p in r}
    return [
        f"{waiters:,}",
        f"{account:,}",
        f"{len(rounds)}",
        f"{sum(sizes) / len(rounds):.1f} ({', '.join(sorted(kinds))})",
        f"{figures['cpu'] / len(rounds) * 1000:.1f} ms",
    ]


def main() -> None:
    if sys.argv[1:2] == ["--child"]:
        child(sys.argv[2:])
        return
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="shorter runs")
    quick = parser.parse_args().quick
    lines = [
        f"Run {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC on {os.cpu_count()} "
        f"cores, load average {os.getloadavg()[0]:.2f}; Python "
        f"{sys.version.split()[0]}.",
        "",
        "| measure | what | figure |",
        "|---|---|---|",
    ]
    lines += ["| " + " | ".join(row) + " |" for row in scale(10_000)]
    lines += [
        "",
        "Rounds of 0.5 s; requests per round leave out the one `GET /me`.",
        "",
        "| waiters | account | rounds | requests per round | client CPU per round |",
        "|---|---|---|---|---|",
    ]
    seconds = 2.0 if quick else 3.0
    for account in (10, 10_000):
        for waiters in (1, 10, 1_000, 10_000):
            row = per_round(waiters, account, seconds)
            lines.append("| " + " | ".join(row) + " |")
    text = "\n".join(lines) + "\n"
    out = HERE / "results"
    out.mkdir(exist_ok=True)
    (out / "waits.md").write_text(text)
    print(text)


if __name__ == "__main__":
    main()
