"""One poller per client and kind of job: every wait's polls, coalesced.

Each wait subscribes the ids it waits for, with the moment it wants its next
look. The poller runs while a subscription exists: a round is due when the
earliest subscription is, and each round observes every id anyone waits for,
with the fewest requests: one GET by id when one id is pending; otherwise the
user's list when it is expected to be cheaper than a GET per id (see
``use_list``), and a GET for each id the list does not hold. What a round
sees goes to every subscription, which then says when it wants the next
look: a wait may see more rounds than its own schedule asks for, never
fewer. A new subscription is looked at within a short gathering window, so
that waits started together share their first request.

Failures: one that is transient (429, 5xx, a dropped connection, a timeout)
means the round saw nothing for those ids; a refused key (401) ends every
wait; any other failure of a GET ends only the waits for that id.
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import Awaitable, Callable, Iterable
from typing import Any, Generic, TypeVar

from .._errors import AuthenticationError, LeonardoError
from .._http import is_transient

J = TypeVar("J")

#: Seconds a new subscription waits for others to share its first round.
GATHER = 0.1
#: A list is used while it is expected to hold at most this many objects per
#: id being waited for: decoding one object costs a few percent of a request.
LIST_OBJECTS_PER_ID = 50

#: What a round saw, by id: a job, or the error that ends the waits for it.
Seen = dict[Any, Any]


def use_list(pending: int, account: int | None, cap: int | None) -> bool:
    """Whether a round should read the user's list rather than GET each id.

    Args:
        pending: How many ids are being waited for.
        account: How many objects the user's list last held; ``None``
            before the first list.
        cap: The most one list answer holds (a page), or ``None``.
    """
    if pending < 2:
        return False
    size = 0 if account is None else account
    if cap is not None:
        size = min(size, cap)
    return size <= pending * LIST_OBJECTS_PER_ID


class Subscription:
    """One wait's ids, when it wants its next look, and what it was sent."""

    __slots__ = ("due", "ids", "seen", "user_id", "waiter")

    def __init__(self, ids: Iterable[Any], due: float, user_id: str | None) -> None:
        self.ids = set(ids)
        self.due = due
        self.user_id = user_id
        self.seen: Any = None  # what a round saw, not yet taken, or an error
        self.waiter: asyncio.Future[None] | None = None


class Poller(Generic[J]):
    """Makes the rounds of one kind of job for every wait of a client.

    Args:
        get: Reads one job by id.
        list_for_user: Reads a user's jobs (for a round with many ids).
        user_id: The key's own user's id (asked once, then remembered).
        clock: The clock the subscriptions' ``due`` times are on.
        sleep: How the poller sleeps between rounds.
        cap: The most one list answer holds (a page), or ``None``.
    """

    def __init__(
        self,
        get: Callable[[Any], Awaitable[J]],
        list_for_user: Callable[[str], Awaitable[list[J]]],
        user_id: Callable[[], Awaitable[str]],
        clock: Callable[[], float],
        sleep: Callable[[float], Awaitable[None]],
        cap: int | None = None,
    ) -> None:
        self._get = get
        self._list = list_for_user
        self._user_id = user_id
        self._clock = clock
        self._sleep = sleep
        self._cap = cap
        self._subscriptions: set[Subscription] = set()
        self._task: asyncio.Task[None] | None = None
        self._wake: asyncio.Future[None] | None = None
        self._until = math.inf  # when the current pause ends
        self._account: int | None = None
        self._closed: BaseException | None = None

    def subscribe(self, ids: Iterable[Any], user_id: str | None = None) -> Subscription:
        """Start observing ``ids`` for one wait; its first look comes at once.

        Raises:
            LeonardoError: The client was closed.
        """
        if self._closed is not None:
            raise self._closed
        subscription = Subscription(ids, self._clock(), user_id)
        self._subscriptions.add(subscription)
        if self._task is None or self._task.done():
            self._task = asyncio.ensure_future(self._run())
        self._wake_for(subscription.due)
        return subscription

    async def unsubscribe(self, subscription: Subscription) -> None:
        """Stop observing for one wait; with the last, the poller stops.

        It has stopped when this returns: no request in flight, no timer.
        """
        self._subscriptions.discard(subscription)
        task = self._task
        if not self._subscriptions and task is not None:
            self._task = None
            task.cancel()
            await asyncio.wait({task})

    async def next(self, subscription: Subscription, due: float | None) -> Seen:
        """Wait for what the next round saw (of every id: read, never change).

        Args:
            subscription: The wait's subscription.
            due: When the wait wants its next look; ``None`` for the first,
                which is at once.

        Raises:
            LeonardoError: The round ended every wait (a refused key, the
                client closed).
        """
        if due is not None:
            subscription.due = due
            self._wake_for(due)
        if subscription.seen is None:
            subscription.waiter = asyncio.get_running_loop().create_future()
            try:
                await subscription.waiter
            finally:
                subscription.waiter = None
        seen, subscription.seen = subscription.seen, None
        if isinstance(seen, BaseException):
            raise seen
        assert isinstance(seen, dict)
        return seen

    def close(self, error: LeonardoError) -> None:
        """Stop polling; every wait still pending raises ``error``."""
        self._closed = error
        if self._task is not None:
            self._task.cancel()
        for subscription in list(self._subscriptions):
            self._deliver(subscription, error)

    def _wake_for(self, due: float) -> None:
        # Only a look earlier than the current pause's end wakes the poller.
        if due < self._until and self._wake is not None:
            _settle(self._wake)

    async def _run(self) -> None:
        try:
            while self._subscriptions:
                due = min(s.due for s in self._subscriptions)
                now = self._clock()
                if due > now:
                    await self._pause(due, now)
                    continue
                await self._gather()
                await self._round()
        except asyncio.CancelledError:
            raise
        except BaseException as exc:  # a bug must not leave a wait hanging
            for subscription in list(self._subscriptions):
                self._deliver(subscription, exc)
            raise

    async def _gather(self) -> None:
        """Let waits started with the one that is due join its round."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + GATHER
        count = -1
        while count != len(self._subscriptions) and loop.time() < deadline:
            count = len(self._subscriptions)
            await asyncio.sleep(0)

    async def _pause(self, due: float, now: float) -> None:
        """Sleep until ``due``, or less when an earlier look is asked for.

        A sleep injected for tests (anything but ``asyncio.sleep``) is
        awaited whole: it only moves a fake clock.
        """
        if self._sleep is not asyncio.sleep and due < math.inf:
            await self._sleep(due - now)
            return
        loop = asyncio.get_running_loop()
        self._until = due
        self._wake = wake = loop.create_future()
        timer = None
        if due < math.inf:
            timer = loop.call_later(due - now, _settle, wake)
        try:
            await wake
        finally:
            if timer is not None:
                timer.cancel()
            if self._wake is wake:  # a stopped poller's pause leaves the new one be
                self._wake, self._until = None, math.inf

    async def _round(self) -> None:
        subscriptions = list(self._subscriptions)
        for subscription in subscriptions:
            subscription.due = math.inf  # until its wait says when next
        ids = set().union(*(s.ids for s in subscriptions))
        try:
            seen = await self._observe(list(ids), subscriptions)
        except AuthenticationError as exc:
            for subscription in subscriptions:
                self._deliver(subscription, exc)
            return
        for subscription in subscriptions:
            self._deliver(subscription, seen)  # one dict for all: read only

    def _deliver(self, subscription: Subscription, seen: Any) -> None:
        earlier = subscription.seen
        if isinstance(earlier, dict) and isinstance(seen, dict):
            seen = {**earlier, **seen}  # not taken yet: the newest wins
        subscription.seen = seen
        waiter = subscription.waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    async def _observe(self, ids: list[Any], subscriptions: list[Subscription]) -> Seen:
        seen: Seen = {}
        missing = ids
        if use_list(len(ids), self._account, self._cap):
            listed = await self._listed(subscriptions)
            if listed is None:
                return seen
            seen = {i: listed[i] for i in ids if i in listed}
            missing = [i for i in ids if i not in seen]
        results = await asyncio.gather(
            *(self._one(i) for i in missing), return_exceptions=True
        )
        for job_id, result in zip(missing, results, strict=True):
            if isinstance(result, AuthenticationError):
                raise result
            if isinstance(result, LeonardoError):
                seen[job_id] = result  # ends the waits for this id only
            elif isinstance(result, BaseException):
                raise result
            elif result is not None:
                seen[job_id] = result
        return seen

    async def _one(self, job_id: Any) -> J | None:
        try:
            return await self._get(job_id)
        except LeonardoError as exc:
            if is_transient(exc):
                return None
            raise

    async def _listed(self, subscriptions: list[Subscription]) -> dict[Any, J] | None:
        """The user's jobs by id; empty when refused, ``None`` when transient.

        A refused list (a 403, a user that is not there) is as good as an
        empty one: every id is then asked for by id. A transient failure
        means the round saw nothing, rather than many GETs into trouble.
        """
        given = next((s.user_id for s in subscriptions if s.user_id), None)
        try:
            owner = given or await self._user_id()
            jobs = await self._list(owner)
        except AuthenticationError:
            raise
        except LeonardoError as exc:
            return None if is_transient(exc) else {}
        self._account = len(jobs)
        return {job.id: job for job in jobs}  # type: ignore[attr-defined]


def _settle(future: asyncio.Future[None]) -> None:
    if not future.done():
        future.set_result(None)


class Pollers:
    """The pollers of one client and the copies ``with_options`` makes.

    One per kind of job and clock (a copy with an injected clock, in tests,
    gets its own); they share the key's user id, asked with one ``GET /me``
    in the client's lifetime.

    Args:
        me: Reads the key's user (``client.users.me``).
    """

    def __init__(self, me: Callable[[], Awaitable[Any]]) -> None:
        self._me = me
        self._user_id: str | None = None
        self._asking: asyncio.Future[str] | None = None
        self._pollers: dict[tuple[Any, ...], Poller[Any]] = {}
        self._closed: LeonardoError | None = None

    def poller(
        self,
        name: str,
        make: Callable[[Callable[[], Awaitable[str]]], Poller[J]],
        clock: Callable[[], float],
        sleep: Callable[[float], Awaitable[None]],
    ) -> Poller[J]:
        """The poller of kind ``name`` on this clock, made on first use."""
        key = (name, clock, sleep)
        poller = self._pollers.get(key)
        if poller is None:
            poller = self._pollers[key] = make(self.user_id)
            if self._closed is not None:
                poller.close(self._closed)
        return poller

    async def user_id(self) -> str:
        """The key's user's id: one ``GET /me`` at most, however many ask."""
        if self._user_id is not None:
            return self._user_id
        if self._asking is None or (
            self._asking.done() and self._asking.exception() is not None
        ):
            self._asking = asyncio.ensure_future(self._ask())
        return await asyncio.shield(self._asking)

    async def _ask(self) -> str:
        user = await self._me()
        self._user_id = str(user.id)
        return self._user_id

    def close(self, error: LeonardoError) -> None:
        """Stop every poller; what still waits raises ``error``."""
        self._closed = error
        for poller in self._pollers.values():
            poller.close(error)
