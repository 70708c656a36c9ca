"""The pytest plugin: ``leonardo_fake`` and ``leonardo_client`` fixtures.

Registered through the ``pytest11`` entry point, so installing the package is
enough. The fixtures are async (pytest-asyncio) and work in its strict and
auto modes. Override ``leonardo_fake`` in your ``conftest.py`` to change the
training time.
"""

from __future__ import annotations

import importlib.util
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .._client import LeonardoClient
    from ._fake import FakeLeonardo

# Without pytest-asyncio there is nothing to run the fixtures; a user's
# pytest must not break for that.
if importlib.util.find_spec("pytest_asyncio") is not None:
    import pytest_asyncio

    @pytest_asyncio.fixture
    async def leonardo_fake() -> AsyncIterator[FakeLeonardo]:
        """A running ``FakeLeonardo`` whose trainings take 0.2 seconds."""
        from ._fake import FakeLeonardo

        async with FakeLeonardo(training_seconds=0.2) as fake:
            yield fake

    @pytest_asyncio.fixture
    async def leonardo_client(
        leonardo_fake: FakeLeonardo,
    ) -> AsyncIterator[LeonardoClient]:
        """A ``LeonardoClient`` bound to ``leonardo_fake``, closed afterwards."""
        from .._client import LeonardoClient

        async with LeonardoClient(
            leonardo_fake.api_key, base_url=leonardo_fake.base_url
        ) as client:
            yield client
