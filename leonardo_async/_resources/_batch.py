"""Running one piece of work per item, a few at a time, with progress.

Shared by uploads and downloads: on the first failure the work not yet
finished is cancelled and waited for, and the failure says which item it was.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from .._arguments import call_back

#: What ``on_progress`` may be: called with (items done, items in all).
ProgressCallback = Callable[[int, int], Awaitable[Any] | Any]


class ItemFailed(Exception):
    """The work of item ``index`` failed with ``error``."""

    def __init__(self, index: int, error: BaseException) -> None:
        super().__init__(index, error)
        self.index = index
        self.error = error


class _CallbackFailed(Exception):
    def __init__(self, error: Exception) -> None:
        super().__init__(error)
        self.error = error


async def run_each(
    count: int,
    work: Callable[[int], Awaitable[None]],
    *,
    concurrency: int,
    on_progress: ProgressCallback | None,
) -> None:
    """Await ``work(i)`` for each ``i`` below ``count``, ``concurrency`` at once.

    ``on_progress`` is called (and awaited, if async) after each item.

    Raises:
        ItemFailed: An item's work failed; the rest was cancelled.
        Exception: ``on_progress`` raised; its exception, unchanged.
    """
    slots = asyncio.Semaphore(concurrency)
    done = 0

    async def one(index: int) -> None:
        nonlocal done
        async with slots:
            await work(index)
        done += 1
        try:
            await call_back(on_progress, done, count)
        except Exception as exc:
            raise _CallbackFailed(exc) from exc

    tasks = [asyncio.ensure_future(one(i)) for i in range(count)]
    try:
        if tasks:
            await asyncio.wait(tasks, return_when=asyncio.FIRST_EXCEPTION)
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    for index, task in enumerate(tasks):
        failure = None if task.cancelled() else task.exception()
        if isinstance(failure, _CallbackFailed):
            raise failure.error  # the callback's own exception, unchanged
        if failure is not None:
            raise ItemFailed(index, failure)
