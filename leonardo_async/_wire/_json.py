"""Decoding JSON bodies, safely for any body a server may send."""

from __future__ import annotations

import json
from typing import Any


def loads(body: bytes) -> Any:
    """Decode a body as JSON.

    Raises:
        ValueError: The body is not JSON, or is nested too deep to decode
            (``json`` would otherwise raise ``RecursionError``).
    """
    try:
        return json.loads(body)
    except RecursionError:
        raise ValueError("JSON nested too deep to decode") from None
