"""Waiting for jobs: the polling loops, the kinds of job, their arguments."""

from ._kinds import element_kind, generation_kind, training_kind
from ._poller import Poller, Pollers
from ._polling import (
    Intervals,
    Kind,
    StatusCallback,
    WaitSchedule,
    check_ids,
    check_intervals,
    check_wait_arguments,
    wait_for_many,
    wait_for_one,
    watch,
)

__all__ = [
    "Intervals",
    "Kind",
    "Poller",
    "Pollers",
    "StatusCallback",
    "WaitSchedule",
    "check_ids",
    "check_intervals",
    "check_wait_arguments",
    "element_kind",
    "generation_kind",
    "training_kind",
    "wait_for_many",
    "wait_for_one",
    "watch",
]
