"""The layers hold: every ``import`` in orgnet/ (at the top of a module or inside a function)
is read with ast, and none climbs from a lower package into one above it.

Model at the bottom; ``graph`` on it; ``queries`` (the catalog and its runner) on that; the
follow-up ``ledger`` and account ``access`` above the queries; ``snapshots`` (load → store
results → sync the ledger) above both; the app's ``pages`` and the ``cli`` on top.

And the text says what it means: no comment, docstring or document cites a design document or
an issue tracker a reader of the repository cannot open.
"""

from __future__ import annotations

import ast
import re
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1] / "orgnet"

#: package → the packages and modules it must never import (directly or inside a function)
NEVER: dict[str, tuple[str, ...]] = {
    "orgnet.graph": ("orgnet.queries", "orgnet.ledger", "orgnet.access", "orgnet.snapshots", "orgnet.pages",
                     "orgnet.cli", "orgnet.app", "orgnet.demo"),
    "orgnet.queries": ("orgnet.ledger", "orgnet.access", "orgnet.snapshots", "orgnet.pages", "orgnet.cli",
                       "orgnet.app", "orgnet.demo", "orgnet.assessment", "orgnet.pack_facts", "orgnet.pack"),
    "orgnet.ledger": ("orgnet.snapshots", "orgnet.access", "orgnet.pages", "orgnet.cli", "orgnet.app",
                      "orgnet.demo"),
    "orgnet.snapshots": ("orgnet.pages", "orgnet.cli", "orgnet.app", "orgnet.demo"),
}
#: packages among which no import circle may run
ACYCLIC = ("orgnet.graph", "orgnet.queries", "orgnet.ledger", "orgnet.access", "orgnet.snapshots",
           "orgnet.pages", "orgnet.cli")


def _module(path: Path) -> str:
    parts = list(path.relative_to(ROOT.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imported(path: Path) -> set[str]:
    """Every orgnet module ``path`` imports (``from a import b`` counts as a and a.b)."""
    here = _module(path)
    package = here if path.name == "__init__.py" else here.rsplit(".", 1)[0]
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package.split(".")[:len(package.split(".")) - node.level + 1] if node.level else []
            mod = ".".join([*base, *([node.module] if node.module else [])])
            out.add(mod)
            out.update(f"{mod}.{a.name}" for a in node.names)
    return {m for m in out if m == "orgnet" or m.startswith("orgnet.")}


def _imports() -> dict[str, set[str]]:
    return {_module(p): _imported(p) for p in sorted(ROOT.rglob("*.py"))}


def _within(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def test_no_import_climbs_up_the_layers():
    imports = _imports()
    assert "orgnet.queries.catalog" in imports and "orgnet.snapshots" in imports  # the walk found them
    wrong = sorted(f"{mod} imports {dep}" for mod, deps in imports.items() for low, banned in NEVER.items()
                   if _within(mod, low) for dep in deps if any(_within(dep, b) for b in banned))
    assert not wrong, "imports climbing up the layers:\n" + "\n".join(wrong)


def test_no_import_circle_between_the_layers():
    edges: dict[str, set[str]] = defaultdict(set)
    for mod, deps in _imports().items():
        src = next((p for p in ACYCLIC if _within(mod, p)), None)
        for dep in deps:
            dst = next((p for p in ACYCLIC if _within(dep, p)), None)
            if src and dst and src != dst:
                edges[src].add(dst)

    def reaches(start: str, goal: str, seen: set[str]) -> bool:
        return any(n == goal or (n not in seen and reaches(n, goal, seen | {n})) for n in edges[start])

    circles = [p for p in ACYCLIC if reaches(p, p, {p})]
    assert not circles, f"import circles through {circles}: {dict(edges)}"


def test_the_walk_sees_imports_inside_functions(tmp_path):
    """A late import (inside a function) counts like one at the top of the file."""
    probe = ROOT / "queries" / "stored.py"
    assert "orgnet.graph.load" in _imported(probe)  # ``from orgnet.graph.load import META_QUERY`` in _load_id


#: a citation of what the repository does not hold: the design notes (their sections, the file,
#: the glossary) or an issue number ("issue 12", "issues 6 and 12", "issue #12", "issue-27")
UNOPENABLE = re.compile(r"\bDESIGN\b|\b[Ii]ssues?(?:[ -]#?|#)[0-9]")


def _readable_files() -> list[Path]:
    """orgnet/ and tests/ (every text file), bench/*.py, docs/**/*.md and README.md; never the
    dated records of past runs in bench/results/, nor this file (its probe spells citations)."""
    repo = ROOT.parent
    trees = [p for top in ("orgnet", "tests") for p in (repo / top).rglob("*")
             if p.is_file() and "__pycache__" not in p.parts and p != Path(__file__).resolve()]
    return sorted([*trees, *(repo / "bench").glob("*.py"), *(repo / "docs").rglob("*.md"), repo / "README.md"])


def _unopenable_citations(paths: list[Path], base: Path = ROOT.parent) -> list[str]:
    """``file:line: text`` (file relative to ``base``) for every line of ``paths`` that cites
    what a reader cannot open."""
    found = []
    for path in paths:
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except UnicodeDecodeError:  # a picture or another binary file: no text to cite anything
            continue
        found += [f"{path.relative_to(base)}:{n}: {line.strip()}"
                  for n, line in enumerate(lines, 1) if UNOPENABLE.search(line)]
    return found


def test_no_text_cites_a_design_section_or_an_issue_number():
    files = _readable_files()
    names = {p.relative_to(ROOT.parent).as_posix() for p in files}
    assert {"README.md", "docs/input.md", "docs/engines.md", "bench/orgnet_bench.py", "orgnet/graph/load.py",
            "tests/oracle.py"} <= names  # the walk found them
    assert not any(n.startswith("bench/results/") for n in names)
    found = _unopenable_citations(files)
    assert not found, ("say what is meant instead of citing a document or an issue the repository "
                       "does not hold:\n" + "\n".join(found))


def test_the_citation_check_names_file_and_line(tmp_path):
    """Each spelling is caught with its line; a results file named after an issue is not."""
    probe = tmp_path / "probe.py"
    probe.write_text("ok\n# see DESIGN §4\nfixed in issue 12\nIssues 6 and 12\nissue #3\nthe issue-27 goals\n"
                     "bench/results/2026-12-07-vm-issue27-city.md\nan issue with no number\n", encoding="utf-8")
    (tmp_path / "picture.png").write_bytes(b"\x89PNG\r\n\x1a\n\xff\xfe issue 12")
    found = _unopenable_citations([probe, tmp_path / "picture.png"], base=tmp_path)
    assert [f.split(": ", 1)[0] for f in found] == [f"probe.py:{n}" for n in (2, 3, 4, 5, 6)], found
