"""HTTP: the aiohttp transport, the concurrency slots, and the retry policy."""

from ._retry import (
    Policy,
    backoff_state,
    is_transient,
    may_have_reached_server,
    never_reached_server,
    run,
)
from ._slots import Slots, send_within
from ._transport import Transport

__all__ = [
    "Policy",
    "Slots",
    "Transport",
    "backoff_state",
    "is_transient",
    "may_have_reached_server",
    "never_reached_server",
    "run",
    "send_within",
]
