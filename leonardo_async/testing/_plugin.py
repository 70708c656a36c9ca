"""The pytest plugin: ``leonardo_fake`` and ``leonardo_client`` fixtures.

Registered through the ``pytest11`` entry point, so installing the package is
enough. The fixtures are async (pytest-asyncio) and work in its strict and
auto modes. Override ``leonardo_fake`` in your ``conftest.py`` (with
``@pytest_asyncio.fixture``) to change the training time. Without
pytest-asyncio the fixtures still exist, and a test that asks for one fails
saying what to install.
"""

from __future__ import annotations

import importlib.util
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from .._client import LeonardoClient
    from ._fake import FakeLeonardo

#: The schedule of the fixture client's waits: a training of the fake's 0.2 s
#: is seen finished within a tenth of a second or so.
POLL_INTERVAL = 0.05
MAX_POLL_INTERVAL = 0.1

NEEDS_ASYNCIO = (
    "the leonardo_fake and leonardo_client fixtures are async and need "
    "pytest-asyncio: pip install pytest-asyncio"
)

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
        """A ``LeonardoClient`` bound to ``leonardo_fake``, polling every 50 ms."""
        from .._client import LeonardoClient

        async with LeonardoClient(
            leonardo_fake.api_key,
            base_url=leonardo_fake.base_url,
            poll_interval=POLL_INTERVAL,
            max_poll_interval=MAX_POLL_INTERVAL,
        ) as client:
            yield client

else:

    @pytest.fixture
    def leonardo_fake() -> None:
        """Fails: ``leonardo_fake`` needs pytest-asyncio."""
        pytest.fail(NEEDS_ASYNCIO, pytrace=False)

    @pytest.fixture
    def leonardo_client() -> None:
        """Fails: ``leonardo_client`` needs pytest-asyncio."""
        pytest.fail(NEEDS_ASYNCIO, pytrace=False)
