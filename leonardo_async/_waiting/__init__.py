"""Waiting for jobs: the polling loops and the checks of their arguments."""

from ._polling import (
    Intervals,
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
    "StatusCallback",
    "WaitSchedule",
    "check_ids",
    "check_intervals",
    "check_wait_arguments",
    "wait_for_many",
    "wait_for_one",
    "watch",
]
