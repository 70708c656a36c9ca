"""The Generations resource: ``client.generations``, images from a prompt.

A generation takes seconds; ``create`` returns its id at once and the images
appear in ``get`` when its status is ``COMPLETE``. ``download`` writes them
to a folder.
"""

from __future__ import annotations

import os
import pathlib
import time
from collections.abc import AsyncGenerator, Sequence

from .._arguments import check_count, check_id, check_int_in
from .._data import (
    Element,
    GeneratedImage,
    Generation,
    GenerationJob,
    PlatformElement,
    PlatformElementRef,
    PresetStyle,
    UserElement,
)
from .._errors import GenerationOutcomeUnknownError
from .._wire import id_reader, list_reader, object_reader
from ._base import Caller, ExtraBody, ExtraHeaders, ExtraQuery, extras
from ._batch import ProgressCallback
from ._downloads import download
from ._generation_body import build_generation_body
from ._pricing import (
    Pricing,
    build_generation_price_body,
    check_max_credits,
    within_budget,
)
from ._reconcile import created_since
from ._users import Users

#: The most a page of ``list_for_user`` may hold.
MAX_PAGE = 50

_read_generation = object_reader(
    "generations_by_pk", Generation, not_found="generation"
)
_read_generations = list_reader("generations", Generation)
_read_deleted = id_reader("delete_generations_by_pk", not_found="generation")
_read_job = object_reader("sdGenerationJob", GenerationJob)


class Generations:
    """The Image Generation API: generating images, reading and deleting them.

    Reached as ``client.generations``; not constructed directly. Every
    operation also takes ``extra_headers=`` and ``extra_query=``, and
    ``create`` takes ``extra_body=`` for the fields it does not type.
    """

    def __init__(self, caller: Caller, pricing: Pricing) -> None:
        self._caller = caller
        self._pricing = pricing

    async def create(
        self,
        *,
        prompt: str,
        model_id: str | None = None,
        user_elements: Sequence[UserElement | Element] = (),
        elements: Sequence[PlatformElementRef | PlatformElement] = (),
        num_images: int | None = None,
        width: int | None = None,
        height: int | None = None,
        negative_prompt: str | None = None,
        seed: int | None = None,
        preset_style: PresetStyle | str | None = None,
        alchemy: bool | None = None,
        guidance_scale: float | None = None,
        num_inference_steps: int | None = None,
        public: bool | None = None,
        enhance_prompt: bool | None = None,
        max_credits: float | None = None,
        extra_headers: ExtraHeaders = None,
        extra_query: ExtraQuery = None,
        extra_body: ExtraBody = None,
    ) -> GenerationJob:
        """Start a generation (``POST /generations``); this costs money.

        Sent again only when it provably never reached the server, so one
        call never starts two generations. Only what you set is sent.

        Args:
            prompt: What to generate.
            model_id: The model to generate with (a UUID: a platform model or
                one of your custom models).
            user_elements: Your elements, as ``UserElement(element_id,
                weight)`` or ``Element`` (weight 1).
            elements: Platform elements, as ``PlatformElementRef(ak_uuid,
                weight)`` or ``PlatformElement`` (its default weight, which
                must lie within its range).
            num_images: 1 to 8; at most 4 when width or height is over 768
                (the API's default size is 1024 x 768).
            width: 32 to 1536, a multiple of 8.
            height: 32 to 1536, a multiple of 8.
            negative_prompt: What to keep out of the images.
            seed: A fixed seed, for images that can be made again.
            preset_style: The style (``PresetStyle`` or its name).
            alchemy: Whether to use Alchemy.
            guidance_scale: How strongly to follow the prompt, 1 to 20.
            num_inference_steps: The step count, 10 to 60.
            public: Whether the images show in the community feed.
            enhance_prompt: Whether the API expands the prompt.
            max_credits: Ask the pricing calculator first, and raise
                ``BudgetExceededError`` without generating when the estimate
                is higher (or cannot be had).
            extra_headers: Headers to add to the request.
            extra_query: Query parameters to add to the request.
            extra_body: JSON fields to add to the body (not ones set above).

        Returns:
            The job, whose ``generation_id`` you wait on.

        Raises:
            ValueError: An argument has a value the API refuses.
            TypeError: An argument has the wrong type.
            BudgetExceededError: The estimate is over ``max_credits``.
            GenerationOutcomeUnknownError: The request may have reached the
                server but no usable answer came back.
        """
        body = build_generation_body(
            prompt=prompt,
            model_id=model_id,
            user_elements=user_elements,
            elements=elements,
            num_images=num_images,
            width=width,
            height=height,
            negative_prompt=negative_prompt,
            seed=seed,
            preset_style=preset_style,
            alchemy=alchemy,
            guidance_scale=guidance_scale,
            num_inference_steps=num_inference_steps,
            public=public,
            enhance_prompt=enhance_prompt,
        )
        options = extras(extra_headers, extra_query, extra_body)
        budget = check_max_credits(max_credits)
        if budget is not None:
            await within_budget(
                lambda: self._pricing.estimate(build_generation_price_body(body)),
                budget,
            )
        return await self._caller.create(
            "/generations",
            _read_job,
            lambda cause, found: GenerationOutcomeUnknownError(prompt, cause, found),
            json=body,
            options=options,
            find=lambda sent: created_since(
                self._newest, lambda g: g.prompt == prompt, sent, time.time
            ),
            recover=lambda generation: GenerationJob(generation.id, recovered=True),
        )

    async def _newest(self) -> list[Generation]:
        quick = self._caller.quick()
        me = await Users(quick).me()
        return await Generations(quick, self._pricing).list_for_user(
            me.id, limit=MAX_PAGE
        )

    async def get(
        self,
        generation_id: str,
        *,
        extra_headers: ExtraHeaders = None,
        extra_query: ExtraQuery = None,
    ) -> Generation:
        """Get a generation (``GET /generations/{id}``).

        Raises:
            ValueError: ``generation_id`` is not a UUID.
            NotFoundError: No generation has this id.
        """
        check_id(generation_id, "generation_id")
        return await self._caller.call(
            "GET",
            f"/generations/{generation_id}",
            _read_generation,
            options=extras(extra_headers, extra_query),
        )

    async def delete(
        self,
        generation_id: str,
        *,
        extra_headers: ExtraHeaders = None,
        extra_query: ExtraQuery = None,
    ) -> str:
        """Delete a generation and its images (``DELETE /generations/{id}``).

        Returns:
            The id of the deleted generation.

        Raises:
            ValueError: ``generation_id`` is not a UUID.
            NotFoundError: No generation has this id.
        """
        check_id(generation_id, "generation_id")
        return await self._caller.call(
            "DELETE",
            f"/generations/{generation_id}",
            _read_deleted,
            options=extras(extra_headers, extra_query),
            gone=lambda: generation_id,
        )

    async def list_for_user(
        self,
        user_id: str,
        *,
        offset: int = 0,
        limit: int = 10,
        extra_headers: ExtraHeaders = None,
        extra_query: ExtraQuery = None,
    ) -> list[Generation]:
        """List one page of a user's generations, newest first.

        ``GET /generations/user/{userId}?offset=...&limit=...``.

        Args:
            user_id: The user's id (``client.users.me()``'s ``id``).
            offset: How many of the newest to skip.
            limit: The page's size, 1 to 50.

        Raises:
            ValueError: ``user_id`` is not a UUID, or a number is out of range.
        """
        check_id(user_id, "user_id")
        check_count(offset, "offset", minimum=0)
        check_int_in(limit, "limit", 1, MAX_PAGE)
        return await self._caller.call(
            "GET",
            f"/generations/user/{user_id}?offset={offset}&limit={limit}",
            _read_generations,
            options=extras(extra_headers, extra_query),
        )

    def iter_for_user(
        self, user_id: str, *, page_size: int = MAX_PAGE
    ) -> AsyncGenerator[Generation, None]:
        """Yield every generation of a user, newest first, a page at a time.

        The arguments are checked at once; the first page is asked for with
        the first iteration, and the next one when that page is used up. It
        ends after a page shorter than ``page_size``.

        Raises:
            ValueError: ``user_id`` is not a UUID, or ``page_size`` is not 1
                to 50.
        """
        check_id(user_id, "user_id")
        size = check_int_in(page_size, "page_size", 1, MAX_PAGE)

        async def pages() -> AsyncGenerator[Generation, None]:
            offset = 0
            while True:
                page = await self.list_for_user(user_id, offset=offset, limit=size)
                for generation in page:
                    yield generation
                if len(page) < size:
                    return
                offset += size

        return pages()

    async def download(
        self,
        generation_or_images: Generation | Sequence[GeneratedImage],
        folder: str | os.PathLike[str],
        *,
        concurrency: int = 4,
        on_progress: ProgressCallback | None = None,
        overwrite: bool = False,
    ) -> list[pathlib.Path]:
        """Download a generation's images (or a list of images) into a folder.

        No API key is sent: image hosts are not the API. The folder is
        created if needed. Each file is written under a temporary name and
        renamed when whole, so a failed download leaves nothing behind. Files
        are named ``<generation id>-<n>.<ext>`` (n from 1), or
        ``<image id>.<ext>`` for a list of images; the extension comes from
        the image's own bytes.

        Args:
            generation_or_images: A ``Generation`` (from ``get`` or a wait),
                or a list of ``GeneratedImage``.
            folder: Where to write the files.
            concurrency: How many downloads run at once (within the client's
                ``max_concurrency``).
            on_progress: Called (and awaited, if async) with (done, total)
                after each file; its exception is raised unchanged.
            overwrite: Whether to replace files that exist.

        Returns:
            The files written, in the images' order.

        Raises:
            FileExistsError: A file exists and ``overwrite`` is false;
                nothing was downloaded.
            ImageDownloadError: A download failed, or its body was not an
                image; ``written`` has the files that were written.
        """
        return await download(
            self._caller,
            generation_or_images,
            folder,
            concurrency=concurrency,
            on_progress=on_progress,
            overwrite=overwrite,
        )
