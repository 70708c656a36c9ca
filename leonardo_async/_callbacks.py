"""Calling the user's callbacks, which may be plain or async."""

from __future__ import annotations

import inspect
from typing import Any


async def call_back(callback: Any, *args: Any) -> None:
    """Call ``callback(*args)`` if it is set, awaiting it if it is async."""
    if callback is not None:
        result = callback(*args)
        if inspect.isawaitable(result):
            await result
