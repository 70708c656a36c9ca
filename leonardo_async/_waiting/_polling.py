"""Waiting for trainings: one model, a batch, or a stream of status changes.

Each wait is a loop of polls. The first poll is made at once; then the pause
grows from ``poll_interval`` by half again each time, up to
``max_poll_interval``, each pause shortened by up to a tenth at random so that
many waits started together spread out. A poll that fails transiently (429,
5xx, a dropped connection, a timeout) is a poll that saw nothing new; its own
request was already retried by the client's retry policy (tenacity).

The loop is plain rather than a tenacity ``AsyncRetrying`` per wait: that
object and its state cost four times the memory of the whole wait (measured
in ``benchmarks/``), and users run thousands of waits at once.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import AsyncGenerator, Awaitable, Callable, Iterable, Sequence
from typing import Any, NamedTuple

from .._arguments import call_back, check_callback, check_id, check_positive
from .._data import CustomModel, JobStatus
from .._errors import LeonardoError, TrainingFailedError, TrainingTimeoutError
from .._http import Policy, is_transient
from .._resources import Models

#: What ``on_status`` may be: a plain or an async callable taking the model.
StatusCallback = Callable[[CustomModel], Awaitable[Any] | Any]

TERMINAL = frozenset({JobStatus.COMPLETE, JobStatus.FAILED})
GROWTH = 1.5
JITTER = 0.1


def poll_delay(poll: int, poll_interval: float, max_poll_interval: float) -> float:
    """The pause after the ``poll``-th poll (counted from 1), jitter included."""
    base = min(max_poll_interval, poll_interval * GROWTH ** (poll - 1))
    return base * (1.0 - JITTER * random.random())


def is_terminal(model: CustomModel) -> bool:
    """Whether the model's training has ended; an unknown status has not."""
    return model.status in TERMINAL


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


async def _pause(
    options: Policy, deadline: float, poll: int, schedule: WaitSchedule
) -> bool:
    """Sleep before poll ``poll + 1``; ``False`` once the deadline has passed.

    The last pause is cut to end at the deadline, so one last poll is made
    there.
    """
    remaining = deadline - options.clock()
    if remaining <= 0:
        return False
    delay = poll_delay(poll, schedule.poll_interval, schedule.max_poll_interval)
    await options.sleep(min(delay, remaining))
    return True


async def _poll(models: Models, model_id: str) -> CustomModel | None:
    """One poll; ``None`` when it failed transiently and saw nothing."""
    try:
        return await models.get(model_id)
    except LeonardoError as exc:
        if is_transient(exc):
            return None
        raise


async def watch(
    models: Models,
    options: Policy,
    model_id: str,
    schedule: WaitSchedule,
) -> AsyncGenerator[CustomModel, None]:
    """Yield the model at each status change; end after a terminal status.

    Raises:
        TrainingTimeoutError: ``timeout`` passed without a terminal status.
        LeonardoError: A poll failed with a status that is not transient.
    """
    deadline = options.clock() + schedule.timeout
    last: CustomModel | None = None
    poll = 0
    while True:
        poll += 1
        model = await _poll(models, model_id)
        if model is not None:
            if last is None or model.status != last.status:
                yield model
            last = model
            if is_terminal(model):
                return
        if not await _pause(options, deadline, poll, schedule):
            raise TrainingTimeoutError(
                schedule.timeout, pending_ids=[model_id], model=last
            )


async def wait_for_one(
    models: Models,
    options: Policy,
    model_id: str,
    schedule: WaitSchedule,
    on_status: StatusCallback | None,
) -> CustomModel:
    """Wait for one training; see ``LeonardoClient.wait_for_training``."""
    last: CustomModel | None = None
    updates = watch(models, options, model_id, schedule)
    try:
        async for model in updates:
            last = model
            await call_back(on_status, model)
    finally:
        await updates.aclose()
    assert last is not None
    if last.status == JobStatus.FAILED:
        raise TrainingFailedError(last)
    return last


async def gather_all(awaitables: Iterable[Awaitable[Any]]) -> list[Any]:
    """Await all at once; on the first failure cancel the rest and wait for them.

    Returns:
        The results, in order.
    """
    tasks = [asyncio.ensure_future(a) for a in awaitables]
    try:
        return await asyncio.gather(*tasks)
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


async def wait_for_many(
    models: Models,
    options: Policy,
    model_ids: Sequence[str],
    schedule: WaitSchedule,
    *,
    user_id: str | None,
    on_status: StatusCallback | None,
) -> list[CustomModel]:
    """Wait for a batch; see ``LeonardoClient.wait_for_trainings``."""
    unique = list(dict.fromkeys(model_ids))
    seen: dict[str, CustomModel] = {}
    pending = set(unique)

    async def list_quietly(owner: str) -> dict[str, CustomModel] | None:
        try:
            return {m.id: m for m in await models.list_for_user(owner)}
        except LeonardoError as exc:
            if is_transient(exc):
                return None
            raise

    async def poll_round() -> None:
        missing = [i for i in unique if i in pending]
        found: list[CustomModel] = []
        if user_id is not None:
            listed = await list_quietly(user_id)
            if listed is None:
                return  # a transient failure: the round saw nothing
            found = [listed[i] for i in missing if i in listed]
            missing = [i for i in missing if i not in listed]
        polled = await gather_all(_poll(models, i) for i in missing)
        found += [m for m in polled if m is not None]
        for model in found:
            previous = seen.get(model.id)
            seen[model.id] = model
            if previous is None or previous.status != model.status:
                await call_back(on_status, model)
            if is_terminal(model):
                pending.discard(model.id)

    deadline = options.clock() + schedule.timeout
    poll = 0
    while pending:
        poll += 1
        await poll_round()
        if pending and not await _pause(options, deadline, poll, schedule):
            raise TrainingTimeoutError(
                schedule.timeout, pending_ids=[i for i in unique if i in pending]
            )
    return [seen[i] for i in model_ids]


def check_ids(model_ids: object) -> list[str]:
    """Check a batch of model ids.

    Raises:
        TypeError: ``model_ids`` is a single string or not iterable.
        ValueError: An id is not a UUID.
    """
    if isinstance(model_ids, (str, bytes)) or not isinstance(model_ids, Iterable):
        raise TypeError("model_ids must be a list of ids, not a single value")
    ids = list(model_ids)
    for index, model_id in enumerate(ids):
        check_id(model_id, f"model_ids[{index}]")
    return ids
