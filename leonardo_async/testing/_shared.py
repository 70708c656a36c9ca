"""What the fake's API modules share: records, answers, decoding."""

from __future__ import annotations

import hashlib
import json
import uuid
from datetime import datetime
from typing import Any

import attrs
from aiohttp import web


@attrs.define
class _Model:
    fields: dict[str, Any]
    owner: str
    created: float
    fails: bool
    status: str | None = None  # set by hand; otherwise follows the clock


def _v4_id(kind: str, name: str) -> str:
    # Deterministic, and a version-4 UUID as the spec's pattern wants.
    digest = hashlib.sha256(f"{kind}:{name}".encode()).digest()[:16]
    return str(uuid.UUID(bytes=digest, version=4))


def _timestamp(moment: datetime) -> str:
    # The real API sends UTC without a zone, to the millisecond.
    return moment.replace(tzinfo=None).isoformat(timespec="milliseconds")


def _error(status: int, message: str, code: str) -> web.Response:
    return web.json_response(
        {"error": message, "path": "$", "code": code}, status=status
    )


_NOT_JSON = object()


def _decoded(raw: bytes) -> Any:
    """The JSON in a body, or ``_NOT_JSON`` (not JSON, not UTF-8, too deep)."""
    try:
        return json.loads(raw)
    except (ValueError, RecursionError):
        return _NOT_JSON


async def _json_object(request: web.Request) -> dict[str, Any] | None:
    body = _decoded(await request.read())
    return body if isinstance(body, dict) else None
