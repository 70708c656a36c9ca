"""Every exception the SDK raises about the API.

The tree::

    LeonardoError
    ├── APIConnectionError            no usable response (refused, reset, DNS)
    │   └── APITimeoutError
    ├── OutcomeUnknownError           a costly create sent, outcome unknown
    │   ├── TrainingOutcomeUnknownError   POST /models
    │   ├── ElementOutcomeUnknownError    POST /elements
    │   └── GenerationOutcomeUnknownError POST /generations
    ├── APIStatusError                status, code, message, body, headers, method, url
    │   ├── BadRequestError           400, 422
    │   ├── AuthenticationError       401
    │   ├── PermissionDeniedError     403
    │   ├── NotFoundError             404, and a 200 with a null *_by_pk
    │   ├── RateLimitError            429, with retry_after
    │   └── ServerError               5xx
    ├── ResponseValidationError       a 200 whose body does not fit
    ├── ImageUploadError              upload_images stopped; has what was uploaded
    ├── ImageDownloadError            download stopped; has what was written
    ├── BudgetExceededError           the estimate is over max_credits; not sent
    ├── JobFailedError                a job reached FAILED: an outcome, not HTTP
    │   ├── TrainingFailedError       a custom model's or an element's training
    │   └── GenerationFailedError     a generation
    └── WaitTimeoutError              also a TimeoutError
        ├── TrainingTimeoutError      a training wait ran out
        └── GenerationTimeoutError    a generation wait ran out

Which status becomes which class is decided in one place, ``_wire``'s
``status_error``; aiohttp's failures become connection errors in one place,
``_http``'s transport.

Misuse of an argument is not an API error: it stays ``ValueError`` or
``TypeError`` and is raised before any request is sent.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pathlib import Path

    from ._data import CustomModel, Element, Generation

#: How much of a response body an exception message quotes.
BODY_EXCERPT = 200


def excerpt(body: bytes) -> str:
    """Return the start of a body as text, for messages."""
    text = body[:BODY_EXCERPT].decode("utf-8", "replace")
    return text + ("..." if len(body) > BODY_EXCERPT else "")


class LeonardoError(Exception):
    """The root of every error the SDK raises about the API."""


class APIConnectionError(LeonardoError):
    """No usable response came back: refused, reset, DNS failure, dropped.

    Attributes:
        method: The HTTP method of the request.
        url: The URL of the request.
        request_sent: ``False`` only when the request provably never left the
            client (connection refused, DNS failure, connect timeout); ``True``
            when the server may have received it.
    """

    def __init__(
        self, message: str, *, method: str, url: str, request_sent: bool = True
    ) -> None:
        super().__init__(message)
        self.method = method
        self.url = url
        self.request_sent = request_sent


class APITimeoutError(APIConnectionError):
    """The call's time budget ran out before a response came back."""


class OutcomeUnknownError(LeonardoError):
    """A create that costs money may have reached the server; no usable answer.

    The SDK never sends it twice. It looked in your list for what the
    create would have made (same name, or prompt, created after it was
    sent) and found none, or several: those are the ``candidates``. The
    failure that made the outcome unknown is the ``__cause__``. Each kind of
    job has its own subclass.

    Attributes:
        candidates: What the look-up found (``CustomModel``, ``Element`` or
            ``Generation`` objects); empty when it found nothing.
    """

    def __init__(self, message: str, candidates: Sequence[Any] = ()) -> None:
        found = len(candidates)
        if found:
            ids = ", ".join(str(c.id) for c in candidates)
            message += f" Found {found} that may be it, created since: {ids}."
        super().__init__(message)
        self.candidates = list(candidates)


class ElementOutcomeUnknownError(OutcomeUnknownError):
    """``POST /elements`` may have reached the server, but no answer came back.

    Check ``client.elements.list_mine()`` for an element of that name before
    training again.

    Attributes:
        name: The ``name`` the training was started with, to look it up by.
    """

    def __init__(
        self, name: str, cause: LeonardoError, candidates: Sequence[Any] = ()
    ) -> None:
        super().__init__(
            f"the element training request for {name!r} may have reached the "
            f"server, but no answer came back ({cause}); it was not retried, so "
            "no second training was started. Look for an element of that name "
            "among yours before training again.",
            candidates,
        )
        self.name = name


class GenerationOutcomeUnknownError(OutcomeUnknownError):
    """``POST /generations`` may have reached the server; no answer came back.

    Check ``client.generations.list_for_user(...)`` for a generation of that
    prompt before generating again.

    Attributes:
        prompt: The prompt the generation was started with.
    """

    def __init__(
        self, prompt: str, cause: LeonardoError, candidates: Sequence[Any] = ()
    ) -> None:
        super().__init__(
            f"the generation request for {prompt[:60]!r} may have reached the "
            f"server, but no answer came back ({cause}); it was not retried, so "
            "no second generation was started. Look for a generation of that "
            "prompt among yours before generating again.",
            candidates,
        )
        self.prompt = prompt


class TrainingOutcomeUnknownError(OutcomeUnknownError):
    """``POST /models`` may have reached the server, but no answer came back.

    A training costs money, so the SDK never sends it twice: check
    ``client.models.list_for_user(...)`` for the model before training again.
    The failure that made the outcome unknown is the ``__cause__``.

    Attributes:
        name: The ``name`` the training was started with, to look it up by.
    """

    def __init__(
        self, name: str, cause: LeonardoError, candidates: Sequence[Any] = ()
    ) -> None:
        super().__init__(
            f"the training request for {name!r} may have reached the server, "
            f"but no answer came back ({cause}); it was not retried, so no second "
            "training was started. Check client.models.list_for_user(...) for a "
            "model of that name before training again.",
            candidates,
        )
        self.name = name


class APIStatusError(LeonardoError):
    """The API answered with an error status.

    Attributes:
        status: The HTTP status.
        code: The API's error code (``"access-denied"``, ...) or ``None``.
        message: The API's error message, or a description of the status.
        body: The raw response body.
        headers: The response headers.
        method: The HTTP method of the request.
        url: The URL of the request.
    """

    def __init__(
        self,
        message: str,
        *,
        status: int,
        code: str | None = None,
        body: bytes = b"",
        headers: Mapping[str, str] | None = None,
        method: str = "",
        url: str = "",
    ) -> None:
        super().__init__(f"{method} {url} -> {status}: {message}")
        self.status = status
        self.code = code
        self.message = message
        self.body = body
        self.headers: Mapping[str, str] = headers if headers is not None else {}
        self.method = method
        self.url = url


class BadRequestError(APIStatusError):
    """The API refused the request as malformed (400 or 422)."""


class AuthenticationError(APIStatusError):
    """The API key was missing, malformed or unknown (401)."""


class PermissionDeniedError(APIStatusError):
    """The key may not do this (403)."""


class NotFoundError(APIStatusError):
    """No such object: a 404, or a 200 whose ``*_by_pk`` is ``null``."""


class RateLimitError(APIStatusError):
    """Too many requests (429).

    Attributes:
        retry_after: Seconds the server asked to wait, or ``None``.
    """

    def __init__(
        self, message: str, *, retry_after: float | None = None, **kwargs: Any
    ) -> None:
        super().__init__(message, **kwargs)
        self.retry_after = retry_after


class ServerError(APIStatusError):
    """The server failed (5xx)."""


class ResponseValidationError(LeonardoError):
    """A successful response whose body does not fit the expected shape.

    Attributes:
        path: Where in the body the problem is (``$.custom_models[3].id``).
        status: The HTTP status of the response.
        body: The raw response body.
    """

    def __init__(self, problem: str, *, path: str, status: int, body: bytes) -> None:
        super().__init__(
            f"unexpected response body (HTTP {status}) at {path}: {problem}; "
            f"body starts {excerpt(body)!r}"
        )
        self.path = path
        self.status = status
        self.body = body


class ImageUploadError(LeonardoError):
    """``upload_images`` stopped at a failure; the failure is the ``__cause__``.

    The uploads not yet finished were cancelled. Nothing is lost track of:
    ``uploaded`` has the id of every image that did reach the dataset.

    Attributes:
        uploaded: One entry per input, in input order: the image id, or
            ``None`` for an image that was not uploaded.
        failed_index: The index of the input whose upload failed.
    """

    def __init__(
        self, uploaded: Sequence[str | None], failed_index: int, cause: BaseException
    ) -> None:
        done = sum(image_id is not None for image_id in uploaded)
        super().__init__(
            f"uploading image {failed_index} failed ({cause}); {done} of "
            f"{len(uploaded)} images were uploaded"
        )
        self.uploaded = list(uploaded)
        self.failed_index = failed_index


class ImageDownloadError(LeonardoError):
    """``download`` stopped at a failure; the failure is the ``__cause__``.

    The downloads not yet finished were cancelled, and no file was left
    half-written.

    Attributes:
        written: The files that were written completely.
        failed_url: The URL of the image whose download failed.
    """

    def __init__(
        self, message: str, *, written: Sequence[Path], failed_url: str
    ) -> None:
        names = ", ".join(path.name for path in written) or "none"
        super().__init__(f"{message}; files written: {names}")
        self.written = list(written)
        self.failed_url = failed_url


class BudgetExceededError(LeonardoError):
    """The estimate is over ``max_credits`` (or there is none): nothing was sent.

    Attributes:
        estimate: The API's estimate in credits, or ``None`` when none could
            be had.
        max_credits: The budget the call was given.
    """

    def __init__(self, estimate: int | None, max_credits: float) -> None:
        if estimate is None:
            problem = (
                f"no cost estimate could be had to keep max_credits={max_credits:g}"
            )
        else:
            problem = (
                f"the estimate, {estimate} credits, is over max_credits={max_credits:g}"
            )
        super().__init__(f"{problem}; the job was not started")
        self.estimate = estimate
        self.max_credits = max_credits


class JobFailedError(LeonardoError):
    """A job (a training, a generation) ended in ``FAILED``: an outcome, not HTTP."""


class TrainingFailedError(JobFailedError):
    """A custom model's or an element's training ended in ``FAILED``.

    Attributes:
        model: The ``CustomModel`` or ``Element`` as last seen, ``FAILED``.
    """

    def __init__(self, model: CustomModel | Element) -> None:
        what = "model" if isinstance(model.id, str) else "element"
        super().__init__(f"training of {what} {model.id} ({model.name!r}) failed")
        self.model = model


class GenerationFailedError(JobFailedError):
    """A generation ended in ``FAILED``.

    Attributes:
        generation: The ``Generation`` as last seen, ``FAILED``.
    """

    def __init__(self, generation: Generation) -> None:
        super().__init__(f"generation {generation.id} failed")
        self.generation = generation


class WaitTimeoutError(LeonardoError, TimeoutError):
    """A wait's ``timeout`` passed before its jobs finished."""


class TrainingTimeoutError(WaitTimeoutError):
    """No terminal status was seen within the wait's ``timeout``.

    Attributes:
        model: The last ``CustomModel`` or ``Element`` seen (for a single
            wait), or ``None``.
        pending_ids: The ids that had not finished.
    """

    def __init__(
        self,
        timeout: float,
        *,
        pending_ids: Sequence[str | int],
        model: CustomModel | Element | None = None,
    ) -> None:
        ids = ", ".join(map(str, pending_ids))
        super().__init__(f"training still not finished after {timeout:g}s: {ids}")
        self.model = model
        self.pending_ids = list(pending_ids)


class GenerationTimeoutError(WaitTimeoutError):
    """No terminal status was seen within the generation wait's ``timeout``.

    Attributes:
        generation: The last ``Generation`` seen (for a single wait), or
            ``None``.
        pending_ids: The ids that had not finished.
    """

    def __init__(
        self,
        timeout: float,
        *,
        pending_ids: Sequence[str],
        generation: Generation | None = None,
    ) -> None:
        ids = ", ".join(pending_ids)
        super().__init__(f"generation still not finished after {timeout:g}s: {ids}")
        self.generation = generation
        self.pending_ids = list(pending_ids)
