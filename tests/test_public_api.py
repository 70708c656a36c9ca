from __future__ import annotations

import inspect
import pathlib
import re

import leonardo_async
import leonardo_async.testing

DOCS = pathlib.Path(__file__).parent.parent / "docs"


def test_all_is_sorted_and_unique() -> None:
    assert leonardo_async.__all__ == sorted(set(leonardo_async.__all__))
    assert leonardo_async.testing.__all__ == sorted(set(leonardo_async.testing.__all__))


def test_every_public_name_is_exported_and_nothing_private_leaks() -> None:
    for module in (leonardo_async, leonardo_async.testing):
        for name in module.__all__:
            assert hasattr(module, name), name
            assert not name.startswith("_") or name == "__version__"
        public = {
            name
            for name, value in vars(module).items()
            if not name.startswith("_") and not inspect.ismodule(value)
        }
        assert public <= set(module.__all__), public - set(module.__all__)


def test_version_is_semver() -> None:
    assert re.fullmatch(r"\d+\.\d+\.\d+(?:[-+.].+)?", leonardo_async.__version__)


def test_every_public_name_has_a_reference_entry() -> None:
    reference = "\n".join(p.read_text() for p in (DOCS / "reference").glob("*.md"))
    documented = set(re.findall(r"^::: ([\w.]+)$", reference, re.MULTILINE))
    for name in leonardo_async.__all__:
        if name != "__version__":
            assert f"leonardo_async.{name}" in documented, name
    for name in leonardo_async.testing.__all__:
        assert f"leonardo_async.testing.{name}" in documented, name


def test_every_public_callable_has_a_docstring_with_a_summary() -> None:
    for module in (leonardo_async, leonardo_async.testing):
        for name in module.__all__:
            value = getattr(module, name)
            if not (inspect.isclass(value) or inspect.isfunction(value)):
                continue
            doc = inspect.getdoc(value)
            assert doc and doc.splitlines()[0].endswith("."), name
            for member_name, member in vars(value).items():
                if member_name.startswith("_") or not callable(member):
                    continue
                if inspect.isclass(value) and issubclass(value, str):
                    continue  # enum members and str methods
                member_doc = inspect.getdoc(member)
                assert member_doc, f"{name}.{member_name}"
