"""A local API for the waiting benchmark, run in its own process.

``python wait_server.py PORT ACCOUNT DONE_AFTER``: the key's user owns
ACCOUNT models, PENDING until DONE_AFTER seconds after the server started,
then COMPLETE. ``GET /stats`` gives the time of every request received.
"""

from __future__ import annotations

import json
import sys
import time
import uuid

from aiohttp import web

USER_ID = "5d4c3b2a-1f0e-4d9c-8b7a-6f5e4d3c2b1a"
PREFIX = "/api/rest/v1"


def model_id(index: int) -> str:
    """The id of the benchmark's ``index``-th model."""
    return str(uuid.UUID(int=index + 1, version=4))


def model(index: int, status: str) -> dict[str, object]:
    return {
        "id": model_id(index),
        "name": f"benchmark model {index}",
        "description": "a model made for measuring waits",
        "instancePrompt": "a photo of sks",
        "modelWidth": 768,
        "modelHeight": 768,
        "public": False,
        "sdVersion": "v1_5",
        "status": status,
        "type": "CHARACTERS",
        "createdAt": "2025-01-01T00:00:00.000",
        "updatedAt": "2025-01-01T00:00:00.000",
    }


def main() -> None:
    port, account, done_after = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])
    started = time.monotonic()
    seen: list[tuple[float, str]] = []
    lists = {
        status: json.dumps(
            {"custom_models": [model(i, status) for i in range(account)]}
        ).encode()
        for status in ("PENDING", "COMPLETE")
    }
    index = {model_id(i): i for i in range(account)}

    def status() -> str:
        return "COMPLETE" if time.monotonic() - started >= done_after else "PENDING"

    async def me(request: web.Request) -> web.Response:
        seen.append((time.monotonic(), request.path))
        body = {"user_details": [{"user": {"id": USER_ID, "username": "bench"}}]}
        return web.json_response(body)

    async def listing(request: web.Request) -> web.Response:
        seen.append((time.monotonic(), request.path))
        return web.Response(body=lists[status()], content_type="application/json")

    async def one(request: web.Request) -> web.Response:
        seen.append((time.monotonic(), request.path))
        found = index.get(request.match_info["id"])
        body = None if found is None else model(found, status())
        return web.json_response({"custom_models_by_pk": body})

    async def stats(request: web.Request) -> web.Response:
        return web.json_response({"requests": seen})

    app = web.Application()
    app.router.add_get(PREFIX + "/me", me)
    app.router.add_get(PREFIX + "/models/user/{user_id}", listing)
    app.router.add_get(PREFIX + "/models/{id}", one)
    app.router.add_get("/stats", stats)
    web.run_app(app, host="127.0.0.1", port=port, print=None, access_log=None)


if __name__ == "__main__":
    main()
