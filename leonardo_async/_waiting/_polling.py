"""Waiting for jobs: one, a batch, or a stream of status changes, for any kind.

A kind of job (custom-model trainings, element trainings, generations) is a
``Kind``: how to read one, how to list a user's, the errors a failure and a
timeout raise, and its default schedule. Each wait subscribes to the
client's ``Poller`` for that kind and takes what its rounds see: the first
look at once, then a pause that grows from ``poll_interval`` by half again
each time, up to ``max_poll_interval`` (tenacity's exponential wait
strategy), shortened by up to a tenth at random. A look that failed
transiently (429, 5xx, a dropped connection, a timeout) saw nothing new; its
request was already retried by the client's retry policy.

No tenacity ``AsyncRetrying`` per wait: that object and its state cost four
times the memory of the whole wait, and users run thousands of waits at
once. The wait strategy is a plain callable, shared.
"""

from __future__ import annotations

import functools
import random
from collections.abc import AsyncGenerator, Awaitable, Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any, Generic, NamedTuple, Protocol, TypeVar

import attrs

from .._arguments import call_back, check_callback, check_positive
from .._data import JobStatus
from .._errors import LeonardoError
from .._http import Policy, backoff_state
from ._poller import Poller

if TYPE_CHECKING:
    from tenacity.wait import wait_base


class Job(Protocol):
    """What the waits read of a job: its id and its status."""

    @property
    def id(self) -> Any: ...

    @property
    def status(self) -> JobStatus | str | None: ...


J = TypeVar("J", bound=Job)

#: What ``on_status`` may be: a plain or an async callable taking the job.
StatusCallback = Callable[[J], Awaitable[Any] | Any]


TERMINAL = frozenset({JobStatus.COMPLETE, JobStatus.FAILED})
GROWTH = 1.5
JITTER = 0.1


@functools.lru_cache(maxsize=64)
def _growth(poll_interval: float, max_poll_interval: float) -> wait_base:
    # tenacity is imported with the first pause, not with the package.
    from tenacity.wait import wait_exponential

    return wait_exponential(
        multiplier=poll_interval, exp_base=GROWTH, max=max_poll_interval
    )


#: One state for calling the wait strategies: they read only its attempt
#: number, set just before each call (nothing runs in between).
_state = functools.cache(backoff_state)


def poll_delay(poll: int, poll_interval: float, max_poll_interval: float) -> float:
    """The pause after the ``poll``-th poll (counted from 1), jitter included.

    tenacity's exponential wait strategy gives the base; the jitter shortens
    it by up to a tenth.
    """
    state = _state()
    state.attempt_number = poll
    base = _growth(poll_interval, max_poll_interval)(state)
    return float(base) * (1.0 - JITTER * random.random())


def is_terminal(job: Job) -> bool:
    """Whether the job has ended; an unknown status has not."""
    return job.status in TERMINAL


class WaitSchedule(NamedTuple):
    """How long one wait lasts and how often it polls.

    Attributes:
        timeout: Seconds to wait at most.
        poll_interval: The first pause between polls.
        max_poll_interval: The longest pause between polls.
    """

    timeout: float
    poll_interval: float
    max_poll_interval: float


class Intervals(NamedTuple):
    """A client's default poll intervals; ``None``: each kind's own default.

    Attributes:
        poll_interval: The first pause between polls.
        max_poll_interval: The longest pause between polls.
    """

    poll_interval: float | None
    max_poll_interval: float | None


#: The schedule of a training wait when neither the wait nor the client says.
TRAINING_INTERVALS = Intervals(5.0, 60.0)
#: A generation's: they take seconds, not minutes.
GENERATION_INTERVALS = Intervals(1.0, 5.0)


@attrs.frozen
class Kind(Generic[J]):
    """A kind of job the waits poll.

    Attributes:
        get: Reads one job by id.
        list_for_user: Reads a user's jobs, for a batch's one request a round.
        failed: The error a ``FAILED`` job raises.
        timed_out: The error for a timeout: (timeout, pending ids, last job).
        defaults: Its poll intervals when neither the wait nor the client
            gives them.
        cap: The most one ``list_for_user`` answer holds (a page), or
            ``None`` when it holds every job of the user.
    """

    get: Callable[[Any], Awaitable[J]]
    list_for_user: Callable[[str], Awaitable[list[J]]]
    failed: Callable[[J], LeonardoError]
    timed_out: Callable[[float, list[Any], J | None], LeonardoError]
    defaults: Intervals = TRAINING_INTERVALS
    cap: int | None = None


def _check_order(poll_interval: float, max_poll_interval: float) -> None:
    if poll_interval > max_poll_interval:
        raise ValueError(
            f"poll_interval ({poll_interval:g}) must not exceed "
            f"max_poll_interval ({max_poll_interval:g})"
        )


def check_intervals(poll_interval: object, max_poll_interval: object) -> Intervals:
    """Check a client's default poll intervals (each may be ``None``).

    Raises:
        TypeError: One is not a number.
        ValueError: One is not positive, or they are the wrong way round.
    """
    poll = (
        None
        if poll_interval is None
        else check_positive(poll_interval, "poll_interval")
    )
    most = (
        None
        if max_poll_interval is None
        else check_positive(max_poll_interval, "max_poll_interval")
    )
    if poll is not None and most is not None:
        _check_order(poll, most)
    return Intervals(poll, most)


def check_wait_arguments(
    timeout: object,
    poll_interval: object,
    max_poll_interval: object,
    on_status: object,
    defaults: Intervals,
    kind: Intervals = TRAINING_INTERVALS,
) -> WaitSchedule:
    """Check the arguments every wait shares; return its schedule.

    An interval the wait does not give is the client's (``defaults``), else
    the kind's; a first pause the wait does not give is cut to the longest.

    Raises:
        TypeError: A number is not a number, or ``on_status`` is not callable.
        ValueError: A number is not positive, or the intervals are the wrong
            way round.
    """
    timeout = check_positive(timeout, "timeout")
    given = check_intervals(poll_interval, max_poll_interval)
    most = given.max_poll_interval or defaults.max_poll_interval
    most = most or kind.max_poll_interval or 60.0
    poll = given.poll_interval
    if poll is None:  # a default first pause is cut to fit
        poll = min(defaults.poll_interval or kind.poll_interval or 5.0, most)
    _check_order(poll, most)
    check_callback(on_status, "on_status")
    return WaitSchedule(timeout, poll, most)


def _next_due(
    options: Policy, deadline: float, poll: int, schedule: WaitSchedule
) -> float | None:
    """When to look after the ``poll``-th look; ``None`` once the deadline passed.

    The last pause is cut to end at the deadline, so one last look is made
    there.
    """
    now = options.clock()
    remaining = deadline - now
    if remaining <= 0:
        return None
    delay = poll_delay(poll, schedule.poll_interval, schedule.max_poll_interval)
    return now + min(delay, remaining)


class _Lookout(Generic[J]):
    """One job's wait: its subscription, its schedule, what it saw last."""

    __slots__ = (
        "deadline",
        "due",
        "job_id",
        "kind",
        "last",
        "options",
        "poll",
        "poller",
        "schedule",
        "subscription",
    )

    def __init__(
        self,
        kind: Kind[J],
        poller: Poller[J],
        options: Policy,
        job_id: Any,
        schedule: WaitSchedule,
    ) -> None:
        self.kind, self.poller, self.options = kind, poller, options
        self.job_id, self.schedule = job_id, schedule
        self.deadline = options.clock() + schedule.timeout
        self.subscription = poller.subscribe([job_id])
        self.due: float | None = None
        self.last: J | None = None
        self.poll = 0

    async def change(self) -> J:
        """The job at its next status change; the first look counts as one.

        Raises:
            LeonardoError: ``timeout`` passed (the kind's timeout error), or a
                look failed with a status that is not transient.
        """
        while True:
            if self.poll:  # after a look (and what its change led to): pause
                self.due = _next_due(
                    self.options, self.deadline, self.poll, self.schedule
                )
                if self.due is None:
                    raise self.kind.timed_out(
                        self.schedule.timeout, [self.job_id], self.last
                    )
            # Not kept across the await: a round's dict holds every job seen.
            seen = await self.poller.next(self.subscription, self.due)
            job: J | LeonardoError | None = seen.get(self.job_id)
            del seen
            self.poll += 1
            if isinstance(job, LeonardoError):
                raise job
            if job is not None:
                last, self.last = self.last, job
                if last is None or job.status != last.status:
                    return job


async def watch(
    kind: Kind[J],
    poller: Poller[J],
    options: Policy,
    job_id: Any,
    schedule: WaitSchedule,
) -> AsyncGenerator[J, None]:
    """Yield the job at each status change; end after a terminal status.

    Raises:
        LeonardoError: ``timeout`` passed (the kind's timeout error), or a
            poll failed with a status that is not transient.
    """
    lookout = _Lookout(kind, poller, options, job_id, schedule)
    try:
        while True:
            job = await lookout.change()
            yield job
            if is_terminal(job):
                return
    finally:
        await poller.unsubscribe(lookout.subscription)


async def wait_for_one(
    kind: Kind[J],
    poller: Poller[J],
    options: Policy,
    job_id: Any,
    schedule: WaitSchedule,
    on_status: StatusCallback[J] | None,
) -> J:
    """Wait for one job; see ``LeonardoClient.wait_for_training``."""
    # Not built on ``watch``: no generator per wait, for thousands of waits.
    lookout = _Lookout(kind, poller, options, job_id, schedule)
    try:
        while True:
            job = await lookout.change()
            await call_back(on_status, job)
            if is_terminal(job):
                break
    finally:
        await poller.unsubscribe(lookout.subscription)
    if job.status == JobStatus.FAILED:
        raise kind.failed(job)
    return job


async def wait_for_many(
    kind: Kind[J],
    poller: Poller[J],
    options: Policy,
    job_ids: Sequence[Any],
    schedule: WaitSchedule,
    *,
    user_id: str | None,
    on_status: StatusCallback[J] | None,
) -> list[J]:
    """Wait for a batch; see ``LeonardoClient.wait_for_trainings``."""
    unique = list(dict.fromkeys(job_ids))
    last: dict[Any, J] = {}
    deadline = options.clock() + schedule.timeout
    subscription = poller.subscribe(unique, user_id)
    try:
        due: float | None = None
        poll = 0
        while subscription.ids:
            seen = await poller.next(subscription, due)
            poll += 1
            for job_id in [i for i in unique if i in seen and i in subscription.ids]:
                job = seen[job_id]
                if isinstance(job, LeonardoError):
                    raise job
                previous = last.get(job_id)
                last[job_id] = job
                if previous is None or previous.status != job.status:
                    await call_back(on_status, job)
                if is_terminal(job):
                    subscription.ids.discard(job_id)
            del seen
            if subscription.ids:
                due = _next_due(options, deadline, poll, schedule)
                if due is None:
                    ids = [i for i in unique if i in subscription.ids]
                    raise kind.timed_out(schedule.timeout, ids, None)
    finally:
        await poller.unsubscribe(subscription)
    return [last[i] for i in job_ids]


def check_ids(
    job_ids: object, argument: str, check: Callable[[object, str], object]
) -> list[Any]:
    """Check a batch of ids, each with ``check``.

    Raises:
        TypeError: ``job_ids`` is a single value or not iterable, or an id has
            the wrong type.
        ValueError: An id is not valid.
    """
    if isinstance(job_ids, (str, bytes, int)) or not isinstance(job_ids, Iterable):
        raise TypeError(f"{argument} must be a list of ids, not a single value")
    ids = list(job_ids)
    for index, job_id in enumerate(ids):
        check(job_id, f"{argument}[{index}]")
    return ids
