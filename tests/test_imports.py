"""No import cycles in the package, not even one hidden behind an import inside a function.

A cycle that only works because one side imports lazily breaks as soon as someone
moves that import to the top of the file; and which module a newcomer may import
first should never matter. So the graph of every import between Quizzer's own
modules (module level and inside functions alike) must have no cycle, and every
module must import in a fresh interpreter whatever order the others come in.
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
from pathlib import Path

import pytest

from .imports import import_statements, module_name

ROOT = Path(__file__).resolve().parents[1]


def module_files(package: Path) -> dict[str, Path]:
    """Module name -> file, for every module of ``package`` (migration scripts aside:
    Alembic runs them by path, with its own context, never by import)."""
    return {module_name(path, package.parent): path for path in sorted(package.rglob("*.py"))
            if "migrations" not in path.relative_to(package).parts}


def import_graph(package: Path) -> dict[str, set[str]]:
    """Who imports whom among ``package``'s modules, counting imports anywhere in a file."""
    known = module_files(package)
    graph: dict[str, set[str]] = {}
    for module, path in known.items():
        edges = set()
        for base, names in import_statements(path, package.parent):
            submodules = {f"{base}.{name}" for name in names if f"{base}.{name}" in known}
            # "from . import sub" needs the submodule, not anything the package itself defines
            edges |= submodules if names and len(submodules) == len(names) else {base, *submodules}
        graph[module] = {target for target in edges if target in known and target != module}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan, iteratively)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found = []
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == node:
                        break
                if len(group) > 1:
                    found.append(sorted(group))
    return found


def test_the_checker_finds_a_cycle_hidden_in_a_function(tmp_path):
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "a.py").write_text("from .b import helper\n")
    (package / "b.py").write_text("def helper():\n    from .c import thing\n    return thing\n")
    (package / "c.py").write_text("from . import a\nthing = 1\n")
    (package / "d.py").write_text("from . import a, b\n")  # imports two, closes no cycle
    assert cycles(import_graph(package)) == [["pkg.a", "pkg.b", "pkg.c"]]


def test_quizzer_has_no_import_cycle():
    graph = import_graph(ROOT / "quizzer")
    assert len(graph) > 80  # the whole package was read
    assert "quizzer.variants.check" in graph["quizzer.quiz.session"]
    assert cycles(graph) == []


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_every_module_imports_in_any_order_in_a_fresh_interpreter(seed):
    modules = [m for m in module_files(ROOT / "quizzer") if m != "quizzer.__main__"]
    random.Random(seed).shuffle(modules)
    script = ("import importlib, json, sys\n"
              "for name in json.loads(sys.argv[1]):\n"
              "    importlib.import_module(name)\n")
    done = subprocess.run([sys.executable, "-c", script, json.dumps(modules)], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, f"importing in the order of seed {seed}:\n{done.stderr[-2000:]}"
