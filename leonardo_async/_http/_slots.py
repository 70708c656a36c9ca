"""The cap on requests in flight: one ``Slots`` per client, shared by its copies.

Waiting for a slot is part of the call's budget. A call cancelled while it
waits for, or is being handed, a slot gives the slot back and sends nothing,
on every supported Python. (``asyncio.wait_for`` around a semaphore is not
used: before 3.12 it can swallow a cancellation that arrives as the slot is
handed over, and the call then goes on and sends.)
"""

from __future__ import annotations

import asyncio
import collections

from .._errors import APITimeoutError
from .._wire import Answer, Request
from ._retry import Policy
from ._transport import Transport


def _expire(waiter: asyncio.Future[bool]) -> None:
    if not waiter.done():
        waiter.set_result(False)


class Slots:
    """At most ``limit`` requests in flight; waiters are served in order.

    Args:
        limit: The most requests in flight at once.
    """

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._free = limit
        self._waiters: collections.deque[asyncio.Future[bool]] = collections.deque()

    def try_take(self) -> bool:
        """Take a slot if one is free now, without waiting."""
        if self._free and not self._waiters:
            self._free -= 1
            return True
        return False

    async def take(self, timeout: float) -> bool:
        """Take a slot within ``timeout`` seconds; ``False`` if none came free.

        Raises:
            CancelledError: The caller was cancelled; it holds no slot.
        """
        if self.try_take():
            return True
        if timeout <= 0:
            return False
        loop = asyncio.get_running_loop()
        waiter: asyncio.Future[bool] = loop.create_future()
        self._waiters.append(waiter)
        timer = loop.call_later(timeout, _expire, waiter)
        try:
            return await waiter
        except asyncio.CancelledError:
            if waiter.done() and not waiter.cancelled() and waiter.result():
                self.release()  # handed over as the call was cancelled: pass it on
            raise
        finally:
            timer.cancel()

    def release(self) -> None:
        """Give a slot back: to the first waiter still waiting, else to the pool."""
        while self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.done():
                waiter.set_result(True)
                return
        self._free += 1


async def send_within(
    transport: Transport,
    slots: Slots,
    request: Request,
    policy: Policy,
    deadline: float,
) -> Answer:
    """Send one attempt in a slot, within what is left of the call's budget.

    Raises:
        APITimeoutError: The budget ran out before a slot came free, or ran out
            while waiting for one; the request was not sent.
        APIConnectionError: The attempt failed.
    """
    clock = policy.clock
    if not slots.try_take() and not await slots.take(deadline - clock()):
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
        return await transport.send(request, remaining, policy.read_timeout)
    finally:
        slots.release()
