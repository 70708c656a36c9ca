"""The pytest plugin's fixtures, used the way the docs show a user's tests."""

from __future__ import annotations

import pathlib

import pytest

USERS_TESTS = (
    pathlib.Path(__file__).parent.parent / "docs" / "examples" / "test_my_bot.py"
)


@pytest.mark.parametrize("mode", ["strict", "auto"])
def test_the_fixtures_work_in_both_modes(pytester: pytest.Pytester, mode: str) -> None:
    pytester.makepyfile(test_my_bot=USERS_TESTS.read_text())
    result = pytester.runpytest(
        f"--asyncio-mode={mode}",
        "-o",
        "asyncio_default_fixture_loop_scope=function",
        "-W",
        "error",
        "-p",
        "no:cacheprovider",
    )
    result.assert_outcomes(passed=3)
