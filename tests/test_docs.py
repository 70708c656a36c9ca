"""Every Python example in the README and the docs runs against the fake.

The example of a user's own tests (docs/examples/test_my_bot.py) is run by
test_plugin.py, in both pytest-asyncio modes.
"""

from __future__ import annotations

import ast
import asyncio
import os
import pathlib
import re
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest

import leonardo_async as leo
from leonardo_async._cli._demo import sample_images
from leonardo_async.testing import FakeLeonardo

from .conftest import DATASET_ID, ThreadedFake

ROOT = pathlib.Path(__file__).parent.parent
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
EXAMPLES = sorted((ROOT / "docs" / "examples").glob("*.py"))
BLOCK = re.compile(r"^```python\n(.*?)^```", re.MULTILINE | re.DOTALL)
INCLUDE = re.compile(r'^--8<-- "([^"]+)"$')


def blocks() -> list[tuple[str, str]]:
    found = []
    for page in PAGES:
        for number, block in enumerate(BLOCK.findall(page.read_text()), 1):
            found.append((f"{page.relative_to(ROOT)}#{number}", block))
    return found


INLINE = [(name, code) for name, code in blocks() if not INCLUDE.match(code.strip())]
PROGRAMS = [e for e in EXAMPLES if not e.name.startswith("test_")]


@pytest.fixture(scope="module")
def served() -> Iterator[FakeLeonardo]:
    with ThreadedFake(training_seconds=0) as fake:
        yield fake


@pytest.fixture
def environment(served: FakeLeonardo) -> dict[str, str]:
    return {
        **os.environ,
        "LEONARDO_API_KEY": served.api_key,
        "LEONARDO_BASE_URL": served.base_url,
    }


def test_python_in_the_docs_fits_the_page() -> None:
    # The docs' code column shows about 80 characters before it scrolls.
    shown = [code for _, code in INLINE] + [e.read_text() for e in EXAMPLES]
    for code in shown:
        for line in code.splitlines():
            assert len(line) <= 76, line


def test_includes_name_real_files() -> None:
    included = set()
    for _, code in blocks():
        match = INCLUDE.match(code.strip())
        if match:
            assert (ROOT / match[1]).is_file(), match[1]
            included.add(match[1])
    assert {f"docs/examples/{e.name}" for e in EXAMPLES} <= included


@pytest.mark.parametrize("example", PROGRAMS, ids=lambda p: p.name)
def test_example_programs_run(
    example: pathlib.Path, environment: dict[str, str], tmp_path: pathlib.Path
) -> None:
    images = tmp_path / "my-images"
    images.mkdir()
    for index, sample in enumerate(sample_images(3)):
        (images / f"tom{index}.png").write_bytes(sample.read_bytes())
    done = subprocess.run(
        [sys.executable, str(example)],
        cwd=tmp_path,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize(("name", "code"), INLINE, ids=[n for n, _ in INLINE])
def test_inline_examples_run(
    name: str,
    code: str,
    served: FakeLeonardo,
    environment: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    if "asyncio.run(" in code:
        done = subprocess.run(
            [sys.executable, "-c", code],
            env=environment,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 0, done.stderr
        return
    for key in ("LEONARDO_API_KEY", "LEONARDO_BASE_URL"):
        monkeypatch.setenv(key, environment[key])

    async def run() -> None:
        async with leo.LeonardoClient() as client:
            job = await client.models.train(
                name="docs", dataset_id=DATASET_ID, instance_prompt="p"
            )
            namespace: dict[str, Any] = {
                "leo": leo,
                "client": client,
                "dataset_id": DATASET_ID,
                "model_id": job.custom_model_id,
                "user_id": served.user_id,
                "job": job,
            }
            compiled = compile(code, name, "exec", flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT)
            result = eval(compiled, namespace)
            if result is not None:
                await result

    asyncio.run(run())
