"""Test helpers: ``FakeLeonardo``, a real server on loopback that plays the API.

The pytest plugin in this package (registered through the ``pytest11`` entry
point) provides the ``leonardo_fake`` and ``leonardo_client`` fixtures.
"""

from ._fake import FakeLeonardo, Fault, RecordedRequest, StoredUpload

__all__ = ["FakeLeonardo", "Fault", "RecordedRequest", "StoredUpload"]
