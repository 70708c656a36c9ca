"""The cap on requests in flight: one ``Slots`` per client, shared by its copies.

Waiting for a slot is part of the call's budget. A call cancelled while it
waits for, or is being handed, a slot gives the slot back and sends nothing,
on every supported Python (before 3.12, ``asyncio.wait_for`` can swallow a
cancellation that arrives as the slot is handed over, so it is not used).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from .._errors import APITimeoutError
from .._wire import Answer, Request
from ._transport import Transport


class Slots:
    """At most ``limit`` requests in flight.

    Args:
        limit: The most requests in flight at once.
    """

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._semaphore = asyncio.Semaphore(limit)

    async def acquire(self, timeout: float) -> bool:
        """Take a slot within ``timeout`` seconds; ``False`` if none came free.

        Raises:
            CancelledError: The caller was cancelled; it holds no slot.
        """
        semaphore = self._semaphore
        if not semaphore.locked():
            await semaphore.acquire()  # returns at once: no await point
            return True
        if timeout <= 0:
            return False
        waiter = asyncio.ensure_future(semaphore.acquire())
        try:
            done, _ = await asyncio.wait((waiter,), timeout=timeout)
        except asyncio.CancelledError:
            self._abandon(waiter)
            raise
        if not done:
            self._abandon(waiter)
            return False
        return True

    def _abandon(self, waiter: asyncio.Future[Any]) -> None:
        # The slot may have been handed over already, or may be in the very
        # next step: either way it goes back.
        if waiter.done():
            if not waiter.cancelled():
                self.release()
            return
        waiter.cancel()
        waiter.add_done_callback(lambda w: None if w.cancelled() else self.release())

    def release(self) -> None:
        """Give a slot back."""
        self._semaphore.release()


async def send_within(
    transport: Transport,
    slots: Slots,
    request: Request,
    deadline: float,
    clock: Callable[[], float],
) -> Answer:
    """Send one attempt in a slot, within what is left of the call's budget.

    Raises:
        APITimeoutError: The budget ran out before a slot came free, or ran out
            while waiting for one; the request was not sent.
        APIConnectionError: The attempt failed.
    """
    if not await slots.acquire(deadline - clock()):
        raise APITimeoutError(
            f"{request.method} {request.url}: no free concurrency slot in time",
            method=request.method,
            url=request.url,
            request_sent=False,
        )
    try:
        remaining = deadline - clock()
        if remaining <= 0:  # aiohttp reads a limit of zero as no limit at all
            raise APITimeoutError(
                f"{request.method} {request.url}: the call's budget ran out "
                "before it could be sent",
                method=request.method,
                url=request.url,
                request_sent=False,
            )
        return await transport.send(request, remaining)
    finally:
        slots.release()
