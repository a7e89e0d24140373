"""The layout rules a reviewer would otherwise have to remember: SQL only in the store.

Every file of the package (and the synthetic data beside the benchmarks) is
parsed with ``ast``, so an import inside a function counts as much as one at the
top; relative imports are resolved to the module they name.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import REPO
from .imports import import_statements

PACKAGE = REPO / "quizzer"
STORE = PACKAGE / "store"
OUTSIDE_THE_PACKAGE = [REPO / "bench" / "synthetic"]


def imported(path: Path) -> set[str]:
    """Every module ``path`` imports, absolute; ``from a import b`` gives ``a`` and ``a.b``."""
    found = set()
    for base, names in import_statements(path, REPO):
        found.add(base)
        found.update(f"{base}.{name}" for name in names)
    return found


def forbidden(names: set[str]) -> set[str]:
    return {name for name in names if name == "sqlalchemy" or name.startswith("sqlalchemy.")
            or name == "quizzer.store.models" or name.startswith("quizzer.store.models.")}


def modules_outside_the_store() -> list[Path]:
    files = [p for p in PACKAGE.rglob("*.py") if STORE not in p.parents]
    return sorted(files + [p for folder in OUTSIDE_THE_PACKAGE for p in folder.rglob("*.py")])


@pytest.mark.parametrize("path", modules_outside_the_store(), ids=lambda p: str(p.relative_to(REPO)))
def test_only_the_store_imports_sqlalchemy_or_its_models(path):
    assert not forbidden(imported(path)), f"{path.relative_to(REPO)}: SQL and the ORM belong in quizzer/store/"


def test_the_import_reader_sees_the_stores_own_imports():
    """The rule above would pass vacuously if the reader missed imports."""
    assert forbidden(imported(STORE / "store.py")) >= {"sqlalchemy", "quizzer.store.models"}
    assert "quizzer.store.models" in forbidden(imported(STORE / "report_queries.py"))
    assert "quizzer.store.report_rows" in imported(PACKAGE / "reports" / "__init__.py")


def test_the_synthetic_data_is_not_part_of_the_package():
    assert not (PACKAGE / "synthetic").exists()
    assert len(modules_outside_the_store()) > 60, "every module of the package is checked"
