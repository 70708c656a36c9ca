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


def test_without_pytest_asyncio_the_fixtures_say_what_to_install(
    pytester: pytest.Pytester,
) -> None:
    # A fresh interpreter that cannot find pytest_asyncio, as for a user who
    # did not install it (pytester puts the test folder on PYTHONPATH).
    pytester.makepyfile(
        test_it="def test_it(leonardo_client):\n    pass\n",
        sitecustomize=(
            "import importlib.util\n"
            "real = importlib.util.find_spec\n"
            "importlib.util.find_spec = lambda name, *a: None if name == "
            "'pytest_asyncio' else real(name, *a)\n"
        ),
    )
    result = pytester.runpytest_subprocess("-p", "no:asyncio", "-p", "no:cacheprovider")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*pip install pytest-asyncio*"])
    assert "fixture 'leonardo_client' not found" not in result.stdout.str()


def test_the_fixture_client_polls_quickly(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_wait=(
            "async def test_wait(leonardo_client, leonardo_fake):\n"
            "    ds = await leonardo_client.datasets.create('d')\n"
            "    job = await leonardo_client.models.train(\n"
            "        name='n', dataset_id=ds, instance_prompt='p')\n"
            "    await leonardo_client.wait_for_training(job.custom_model_id)\n"
            "    polls = [r for r in leonardo_fake.requests\n"
            "             if r.path == f'/models/{job.custom_model_id}']\n"
            "    assert len(polls) >= 3  # every 50-100 ms, not every 5 s\n"
        )
    )
    result = pytester.runpytest(
        "--asyncio-mode=auto",
        "-o",
        "asyncio_default_fixture_loop_scope=function",
        "-p",
        "no:cacheprovider",
    )
    result.assert_outcomes(passed=1)
