"""The wire: requests built and answers read, as pure functions.

Nothing here imports aiohttp or performs I/O, so all of it is tested without an
event loop: building a request from arguments and per-call options, mapping an
error status to its exception, decoding a body tolerantly into data classes.
"""

from ._converter import structure
from ._envelopes import (
    field,
    id_reader,
    int_id_reader,
    list_reader,
    object_reader,
    unfit,
)
from ._request import (
    NO_EXTRAS,
    Answer,
    Extras,
    FileForm,
    Request,
    Safety,
    build_request,
)
from ._statuses import MAX_RETRY_AFTER, check_status, parse_retry_after, status_error

__all__ = [
    "MAX_RETRY_AFTER",
    "NO_EXTRAS",
    "Answer",
    "Extras",
    "FileForm",
    "Request",
    "Safety",
    "build_request",
    "check_status",
    "field",
    "id_reader",
    "int_id_reader",
    "list_reader",
    "object_reader",
    "parse_retry_after",
    "status_error",
    "structure",
    "unfit",
]
