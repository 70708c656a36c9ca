"""``LeonardoClient``: configuration, lifetime, and the entry to every resource."""

from __future__ import annotations

import asyncio
import os
import platform
import time
from collections.abc import AsyncGenerator, Awaitable, Callable, Sequence
from types import TracebackType
from typing import Any, TypeVar
from urllib.parse import urlsplit

import aiohttp

from . import _waiting
from ._arguments import check_count, check_id, check_int_id, check_positive, check_url
from ._data import CustomModel, Element, Generation
from ._errors import LeonardoError
from ._http import Policy, Slots, Transport
from ._resources import (
    Caller,
    Datasets,
    Elements,
    Generations,
    Models,
    Pricing,
    RawDatasets,
    RawElements,
    RawGenerations,
    RawModels,
    RawPricing,
    RawUsers,
    Users,
)
from ._version import __version__

J = TypeVar("J", CustomModel, Element, Generation)
#: A wait's timeout, poll_interval and max_poll_interval, as given.
Times = tuple[object, object, object]

DEFAULT_BASE_URL = "https://cloud.leonardo.ai/api/rest/v1"
USER_AGENT = (
    f"leonardo-async/{__version__} python/{platform.python_version()} "
    f"aiohttp/{aiohttp.__version__}"
)


def check_base_url(base_url: object) -> str:
    """Return the base URL without a trailing slash, if it is safe to send a key to.

    Raises:
        TypeError: ``base_url`` is not a string.
        ValueError: It is not an http(s) URL, it is plain http to a host
            that is not loopback, or it has a query or fragment.
    """
    url = check_url(base_url, "base_url")
    parts = urlsplit(url)
    if parts.query or parts.fragment:
        raise ValueError(f"base_url must not have a query or fragment: {url!r}")
    return url.rstrip("/")


class WithRawResponse:
    """``client.with_raw_response``: the resources, each call giving a ``RawResponse``.

    ``await client.with_raw_response.models.get(model_id)`` makes the same
    call as ``client.models.get(model_id)`` and returns the answer as
    received (status, headers, elapsed, method, URL, body); its ``parse()``
    gives the ``CustomModel``.
    """

    models: RawModels
    """The raw form of ``client.models``."""
    users: RawUsers
    """The raw form of ``client.users``."""
    datasets: RawDatasets
    """The raw form of ``client.datasets``."""
    elements: RawElements
    """The raw form of ``client.elements``."""
    generations: RawGenerations
    """The raw form of ``client.generations``."""
    pricing: RawPricing
    """The raw form of ``client.pricing``."""

    def __init__(self, client: LeonardoClient) -> None:
        self.models = RawModels(client.models)
        self.users = RawUsers(client.users)
        self.datasets = RawDatasets(client.datasets)
        self.elements = RawElements(client.elements)
        self.generations = RawGenerations(client.generations)
        self.pricing = RawPricing(client.pricing)


class LeonardoClient:
    """An async client for the Leonardo.AI REST API.

    Use it as ``async with LeonardoClient() as client: ...``, or call
    ``await client.aclose()`` when done. The aiohttp session is opened on the
    first request, inside the running event loop.

    Args:
        api_key: The API key; ``LEONARDO_API_KEY`` when omitted.
        base_url: The API root; ``LEONARDO_BASE_URL`` when omitted, then the
            production API. Plain ``http://`` is refused unless the host is
            loopback.
        timeout: Seconds one whole call may take, retries and waits for a
            concurrency slot included.
        read_timeout: Seconds one attempt may go without receiving a byte;
            then it is abandoned (a read or delete is tried again within
            ``timeout``; a create follows the rule for creates).
        max_retries: How many times a failed call may be tried again.
        max_concurrency: The most HTTP requests in flight at once, shared with
            every client made by ``with_options``.
        poll_interval: The first pause between polls of every wait, unless
            the wait gives its own; ``None``: each kind's default (trainings
            5 s, generations 1 s).
        max_poll_interval: The longest pause between polls of every wait;
            ``None``: each kind's default (trainings 60 s, generations 5 s).
        session: An aiohttp session to use; the client never closes it.

    Raises:
        ValueError: No API key was given and ``LEONARDO_API_KEY`` is not set, or
            an argument is out of range.
        TypeError: An argument has the wrong type.
    """

    models: Models
    """The Models API: platform models, and training, reading, deleting yours."""
    users: Users
    """The User API: who the key belongs to."""
    datasets: Datasets
    """The Datasets API: datasets and image uploads."""
    elements: Elements
    """The Elements API: the platform's elements, and training yours (LoRA)."""
    generations: Generations
    """The Image Generation API: images from a prompt, and downloading them."""
    pricing: Pricing
    """The pricing calculator: what a job would cost, in credits."""

    def __init__(
        self,
        api_key: str | None = None,
        *,
        base_url: str | None = None,
        timeout: float = 60.0,
        read_timeout: float = 30.0,
        max_retries: int = 2,
        max_concurrency: int = 16,
        poll_interval: float | None = None,
        max_poll_interval: float | None = None,
        session: aiohttp.ClientSession | None = None,
    ) -> None:
        if api_key is None:
            api_key = os.environ.get("LEONARDO_API_KEY")
        if api_key is not None and not isinstance(api_key, str):
            raise TypeError(f"api_key must be a str, not {type(api_key).__name__}")
        if api_key is None or not api_key.strip():
            raise ValueError(
                "no API key: pass api_key=... or set the LEONARDO_API_KEY "
                "environment variable"
            )
        if base_url is None:
            base_url = os.environ.get("LEONARDO_BASE_URL") or DEFAULT_BASE_URL
        base_url = check_base_url(base_url)
        if session is not None and not isinstance(session, aiohttp.ClientSession):
            raise TypeError("session must be an aiohttp.ClientSession")
        limit = check_count(max_concurrency, "max_concurrency", minimum=1)
        policy = Policy(
            timeout=check_positive(timeout, "timeout"),
            read_timeout=check_positive(read_timeout, "read_timeout"),
            max_retries=check_count(max_retries, "max_retries", minimum=0),
            clock=time.monotonic,
            sleep=asyncio.sleep,
        )
        intervals = _waiting.check_intervals(poll_interval, max_poll_interval)
        headers = {
            "Authorization": f"Bearer {api_key.strip()}",
            "Accept": "application/json",
            "User-Agent": USER_AGENT,
        }
        transport = Transport(max_connections=limit, session=session)
        self._bind(
            Caller(transport, Slots(limit), base_url, headers, policy), intervals
        )

    def _bind(
        self,
        caller: Caller,
        intervals: _waiting.Intervals,
        pollers: _waiting.Pollers | None = None,
    ) -> None:
        self._caller = caller
        self._options = caller.policy
        self._intervals = intervals
        self.users = Users(caller)
        self.datasets = Datasets(caller)
        self.pricing = Pricing(caller)
        self.models = Models(caller, self.users, self.pricing)
        self.elements = Elements(caller, self.users, self.pricing, self.datasets)
        self.generations = Generations(caller, self.pricing)
        self._trainings = _waiting.training_kind(self.models)
        self._element_trainings = _waiting.element_kind(self.elements)
        self._generations = _waiting.generation_kind(self.generations)
        self._pollers = pollers or _waiting.Pollers(self.users.me)

    @property
    def with_raw_response(self) -> WithRawResponse:
        """The resources in raw form: each call returns a ``RawResponse``."""
        return WithRawResponse(self)

    @property
    def base_url(self) -> str:
        """The API root every path is appended to."""
        return self._caller.base_url

    @property
    def timeout(self) -> float:
        """Seconds one whole call may take."""
        return self._options.timeout

    @property
    def read_timeout(self) -> float:
        """Seconds one attempt may go without receiving a byte."""
        return self._options.read_timeout

    @property
    def max_retries(self) -> int:
        """How many times a failed call may be tried again."""
        return self._options.max_retries

    def with_options(
        self,
        *,
        timeout: float | None = None,
        read_timeout: float | None = None,
        max_retries: int | None = None,
        poll_interval: float | None = None,
        max_poll_interval: float | None = None,
    ) -> LeonardoClient:
        """Return a client with other settings that shares this one's session.

        The copy shares the session, the concurrency limit and the lifetime:
        closing either closes both.

        Args:
            timeout: The copy's per-call budget; this client's when omitted.
            read_timeout: The copy's per-attempt silence limit.
            max_retries: The copy's retries.
            poll_interval: The copy's default first pause between polls.
            max_poll_interval: The copy's default longest pause between polls.

        Returns:
            A new ``LeonardoClient``.
        """
        options = self._options
        if timeout is not None:
            options = options._replace(timeout=check_positive(timeout, "timeout"))
        if read_timeout is not None:
            limit = check_positive(read_timeout, "read_timeout")
            options = options._replace(read_timeout=limit)
        if max_retries is not None:
            count = check_count(max_retries, "max_retries", minimum=0)
            options = options._replace(max_retries=count)
        intervals = _waiting.check_intervals(
            self._intervals.poll_interval if poll_interval is None else poll_interval,
            self._intervals.max_poll_interval
            if max_poll_interval is None
            else max_poll_interval,
        )
        return self._copy(options, intervals)

    def _copy(
        self, policy: Policy, intervals: _waiting.Intervals | None = None
    ) -> LeonardoClient:
        copy = object.__new__(LeonardoClient)
        copy._bind(
            self._caller.with_policy(policy),
            intervals or self._intervals,
            self._pollers,
        )
        return copy

    def __repr__(self) -> str:
        return (
            f"LeonardoClient(base_url={self.base_url!r}, timeout={self.timeout:g}, "
            f"max_retries={self.max_retries}, "
            f"max_concurrency={self._caller.slots.limit})"
        )

    async def __aenter__(self) -> LeonardoClient:
        if self._caller.transport.closed:
            raise RuntimeError("this LeonardoClient is closed; open a new one")
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the client's session (a borrowed one stays open); safe to repeat.

        Every wait still pending on it (or on a copy) ends with a
        ``LeonardoError`` saying so.
        """
        self._pollers.close(
            LeonardoError("the client was closed while this wait was pending")
        )
        await self._caller.transport.aclose()

    def _poller(self, name: str, kind: _waiting.Kind[J]) -> _waiting.Poller[J]:
        if self._caller.transport.closed:
            raise RuntimeError("this LeonardoClient is closed; open a new one")
        policy = self._options

        def make(user_id: Callable[[], Awaitable[str]]) -> _waiting.Poller[J]:
            return _waiting.Poller(
                kind.get,
                kind.list_for_user,
                user_id,
                policy.clock,
                policy.sleep,
                kind.cap,
            )

        return self._pollers.poller(name, make, policy.clock, policy.sleep)

    def _schedule(
        self, kind: _waiting.Kind[Any], times: Times, on_status: object
    ) -> _waiting.WaitSchedule:
        timeout, poll, most = times
        return _waiting.check_wait_arguments(
            timeout, poll, most, on_status, self._intervals, kind.defaults
        )

    async def _one(
        self,
        name: str,
        kind: _waiting.Kind[J],
        job_id: Any,
        times: Times,
        on_status: _waiting.StatusCallback[J] | None,
    ) -> J:
        schedule = self._schedule(kind, times, on_status)
        poller = self._poller(name, kind)
        return await _waiting.wait_for_one(
            kind, poller, self._options, job_id, schedule, on_status
        )

    async def _many(
        self,
        name: str,
        kind: _waiting.Kind[J],
        ids: list[Any],
        user_id: str | None,
        times: Times,
        on_status: _waiting.StatusCallback[J] | None,
    ) -> list[J]:
        schedule = self._schedule(kind, times, on_status)
        if user_id is not None:
            check_id(user_id, "user_id")
        if not ids:
            return []
        return await _waiting.wait_for_many(
            kind,
            self._poller(name, kind),
            self._options,
            ids,
            schedule,
            user_id=user_id,
            on_status=on_status,
        )

    def _watch(
        self, name: str, kind: _waiting.Kind[J], job_id: Any, times: Times
    ) -> AsyncGenerator[J, None]:
        schedule = self._schedule(kind, times, None)
        poller = self._poller(name, kind)
        return _waiting.watch(kind, poller, self._options, job_id, schedule)

    async def wait_for_training(
        self,
        model_id: str,
        *,
        timeout: float = 3600.0,
        poll_interval: float | None = None,
        max_poll_interval: float | None = None,
        on_status: _waiting.StatusCallback[CustomModel] | None = None,
    ) -> CustomModel:
        """Poll a model until its training ends.

        The first poll is made at once; then the pause grows from
        ``poll_interval`` to ``max_poll_interval``, with jitter. Transient
        failures (429, 5xx, connection errors, timeouts) do not end the wait.

        Args:
            model_id: The model's id, from ``TrainingJob.custom_model_id``.
            timeout: Seconds to wait at most (one request timeout more at worst).
            poll_interval: The first pause between polls, in seconds; the
                client's ``poll_interval``, else 5, when omitted.
            max_poll_interval: The longest pause between polls; the client's,
                else 60, when omitted.
            on_status: Called (and awaited, if async) with the model at each
                status change, the first observation included.

        Returns:
            The model, with status ``COMPLETE``.

        Raises:
            TrainingFailedError: The training ended in ``FAILED``; has the model.
            TrainingTimeoutError: ``timeout`` passed; has the last model seen.
            AuthenticationError: The key was refused (401).
            PermissionDeniedError: The key may not read the model (403).
            NotFoundError: No model has this id.
            ValueError: An argument is out of range.
        """
        check_id(model_id, "model_id")
        return await self._one(
            "trainings",
            self._trainings,
            model_id,
            (timeout, poll_interval, max_poll_interval),
            on_status,
        )

    async def wait_for_trainings(
        self,
        model_ids: Sequence[str],
        *,
        user_id: str | None = None,
        timeout: float = 3600.0,
        poll_interval: float | None = None,
        max_poll_interval: float | None = None,
        on_status: _waiting.StatusCallback[CustomModel] | None = None,
    ) -> list[CustomModel]:
        """Poll a batch of models until every training has ended.

        Its polls are the client's poller's rounds, shared with every other
        wait: one ``GET /models/user/{userId}`` for the whole batch when that
        is cheaper than a GET per model (ids missing from the list are
        fetched one by one). The user is ``user_id``, else the key's own.

        Args:
            model_ids: The models' ids; duplicates are polled once.
            user_id: The owner's id; the key's own (one ``GET /me`` in the
                client's lifetime) when omitted.
            timeout: Seconds to wait at most.
            poll_interval: The first pause between rounds, in seconds; the
                client's ``poll_interval``, else 5, when omitted.
            max_poll_interval: The longest pause between rounds; the client's,
                else 60, when omitted.
            on_status: Called with a model each time its status changes.

        Returns:
            The finished models, ``COMPLETE`` or ``FAILED`` (not raised), in the
            order of ``model_ids``.

        Raises:
            TrainingTimeoutError: ``timeout`` passed; ``pending_ids`` names the
                models still training.
            AuthenticationError: The key was refused (401).
            PermissionDeniedError: The key may not read a model (403).
            NotFoundError: A model or the user does not exist.
            ValueError: An argument is out of range.
        """
        ids = _waiting.check_ids(model_ids, "model_ids", check_id)
        return await self._many(
            "trainings",
            self._trainings,
            ids,
            user_id,
            (timeout, poll_interval, max_poll_interval),
            on_status,
        )

    def watch_training(
        self,
        model_id: str,
        *,
        timeout: float = 3600.0,
        poll_interval: float | None = None,
        max_poll_interval: float | None = None,
    ) -> AsyncGenerator[CustomModel, None]:
        """Yield the model each time its status changes, until training ends.

        The arguments are checked at once; polling starts with the first
        iteration. The first model is yielded at the first poll; the last one
        has status ``COMPLETE`` or ``FAILED`` (a failure is yielded, not
        raised). Leaving the ``async for`` early stops polling.

        Args:
            model_id: The model's id.
            timeout: Seconds to watch at most.
            poll_interval: The first pause between polls, in seconds.
            max_poll_interval: The longest pause between polls.

        Returns:
            An async iterator of the model at each status change.

        Raises:
            TrainingTimeoutError: ``timeout`` passed; has the last model seen.
            NotFoundError: No model has this id.
            ValueError: An argument is out of range.
        """
        check_id(model_id, "model_id")
        return self._watch(
            "trainings",
            self._trainings,
            model_id,
            (timeout, poll_interval, max_poll_interval),
        )

    async def wait_for_element(
        self,
        element_id: int,
        *,
        timeout: float = 3600.0,
        poll_interval: float | None = None,
        max_poll_interval: float | None = None,
        on_status: _waiting.StatusCallback[Element] | None = None,
    ) -> Element:
        """Poll an element until its training ends; as ``wait_for_training``.

        Args:
            element_id: The element's id, from ``ElementTrainingJob.element_id``.
            timeout: Seconds to wait at most.
            poll_interval: The first pause between polls (client's, else 5).
            max_poll_interval: The longest pause (client's, else 60).
            on_status: Called with the element at each status change.

        Returns:
            The element, with status ``COMPLETE``.

        Raises:
            TrainingFailedError: The training ended in ``FAILED``; ``model`` is
                the ``Element``.
            TrainingTimeoutError: ``timeout`` passed; has the last element seen.
            NotFoundError: No element has this id.
            ValueError: An argument is out of range.
        """
        check_int_id(element_id, "element_id")
        return await self._one(
            "elements",
            self._element_trainings,
            element_id,
            (timeout, poll_interval, max_poll_interval),
            on_status,
        )

    async def wait_for_elements(
        self,
        element_ids: Sequence[int],
        *,
        user_id: str | None = None,
        timeout: float = 3600.0,
        poll_interval: float | None = None,
        max_poll_interval: float | None = None,
        on_status: _waiting.StatusCallback[Element] | None = None,
    ) -> list[Element]:
        """Poll a batch of elements until every training has ended.

        As ``wait_for_trainings``: one ``GET /elements/user/{userId}`` a round
        for the whole batch when that is cheaper than a GET per element.

        Returns:
            The finished elements, ``COMPLETE`` or ``FAILED`` (not raised), in
            the order of ``element_ids``.

        Raises:
            TrainingTimeoutError: ``timeout`` passed; ``pending_ids`` names the
                elements still training.
            ValueError: An argument is out of range.
        """
        ids = _waiting.check_ids(element_ids, "element_ids", check_int_id)
        return await self._many(
            "elements",
            self._element_trainings,
            ids,
            user_id,
            (timeout, poll_interval, max_poll_interval),
            on_status,
        )

    def watch_element(
        self,
        element_id: int,
        *,
        timeout: float = 3600.0,
        poll_interval: float | None = None,
        max_poll_interval: float | None = None,
    ) -> AsyncGenerator[Element, None]:
        """Yield the element each time its status changes; as ``watch_training``.

        Raises:
            TrainingTimeoutError: ``timeout`` passed; has the last element seen.
            ValueError: An argument is out of range.
        """
        check_int_id(element_id, "element_id")
        return self._watch(
            "elements",
            self._element_trainings,
            element_id,
            (timeout, poll_interval, max_poll_interval),
        )

    async def wait_for_generation(
        self,
        generation_id: str,
        *,
        timeout: float = 600.0,
        poll_interval: float | None = None,
        max_poll_interval: float | None = None,
        on_status: _waiting.StatusCallback[Generation] | None = None,
    ) -> Generation:
        """Poll a generation until it ends; as ``wait_for_training``.

        Generations take seconds: the pause grows from 1 s to 5 s unless the
        wait or the client says otherwise.

        Args:
            generation_id: The generation's id, from
                ``GenerationJob.generation_id``.
            timeout: Seconds to wait at most.
            poll_interval: The first pause between polls (client's, else 1).
            max_poll_interval: The longest pause (client's, else 5).
            on_status: Called with the generation at each status change.

        Returns:
            The generation, ``COMPLETE``, with its images.

        Raises:
            GenerationFailedError: It ended in ``FAILED``; has the generation.
            GenerationTimeoutError: ``timeout`` passed; has the last one seen.
            NotFoundError: No generation has this id.
            ValueError: An argument is out of range.
        """
        check_id(generation_id, "generation_id")
        return await self._one(
            "generations",
            self._generations,
            generation_id,
            (timeout, poll_interval, max_poll_interval),
            on_status,
        )

    async def wait_for_generations(
        self,
        generation_ids: Sequence[str],
        *,
        user_id: str | None = None,
        timeout: float = 600.0,
        poll_interval: float | None = None,
        max_poll_interval: float | None = None,
        on_status: _waiting.StatusCallback[Generation] | None = None,
    ) -> list[Generation]:
        """Poll a batch of generations until every one has ended.

        As ``wait_for_trainings``: one request a round for the whole batch
        (the user's newest 50; older ones are fetched one by one).

        Returns:
            The finished generations, ``COMPLETE`` or ``FAILED`` (not
            raised), in the order of ``generation_ids``.

        Raises:
            GenerationTimeoutError: ``timeout`` passed; ``pending_ids`` names
                the generations not finished.
            ValueError: An argument is out of range.
        """
        ids = _waiting.check_ids(generation_ids, "generation_ids", check_id)
        return await self._many(
            "generations",
            self._generations,
            ids,
            user_id,
            (timeout, poll_interval, max_poll_interval),
            on_status,
        )

    def watch_generation(
        self,
        generation_id: str,
        *,
        timeout: float = 600.0,
        poll_interval: float | None = None,
        max_poll_interval: float | None = None,
    ) -> AsyncGenerator[Generation, None]:
        """Yield the generation each time its status changes; as ``watch_training``.

        Raises:
            GenerationTimeoutError: ``timeout`` passed; has the last one seen.
            ValueError: An argument is out of range.
        """
        check_id(generation_id, "generation_id")
        return self._watch(
            "generations",
            self._generations,
            generation_id,
            (timeout, poll_interval, max_poll_interval),
        )
