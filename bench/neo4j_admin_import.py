"""``neo4j-admin database import full`` of a preset, for comparison with orgnet's Bolt load.

    python bench/neo4j_admin_import.py /tmp/neo --preset qindu [--json FILE]

Neo4j's offline bulk importer writes a new database's store files directly: the database must
not be running, so it fits only where orgnet runs the server itself (a fresh intranet install),
never a shared server or Aura. The Maven harness of ``tools/neo4j-server`` (``make
deps-neo4j``) carries the tool's classes (``neo4j-import-tool``, ``neo4j-command-line``), so it
runs here without a Neo4j distribution: ``java -cp … org.neo4j.cli.AdminTool database import
full`` with ``NEO4J_HOME`` a scratch folder. The script writes the preset as the importer's CSV
files (the same nodes, labels, relationships and properties as ``load_dataset``: built by the
same functions), runs the import into that scratch home, and prints the times and the counts
the importer reports. It does not create orgnet's indexes and constraints (the importer does
not, in Community): a server started on the result would build them at ``setup_schema``.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))

_TYPES = ((bool, "boolean"), (int, "long"), (float, "double"))


def _column_type(values: list) -> str:
    """The importer's type of a property column (``string`` unless every value is one type)."""
    kinds = {type(v) for v in values if v is not None}
    if any(k is list for k in kinds):
        return "string[]"
    for py, name in _TYPES:
        if kinds == {py} or (py is float and kinds == {int, float}):
            return name
    return "string"


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ";".join(str(v) for v in value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return str(value)


def _write(path: Path, header: list[str], rows) -> None:
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)


def write_csv(dataset, folder: Path) -> tuple[list[Path], list[Path]]:
    """The importer's node and relationship files of ``dataset`` (one per node group / type)."""
    from orgnet.graph.load import node_groups, relationship_groups

    folder.mkdir(parents=True, exist_ok=True)
    nodes, rels = [], []
    for i, (table, labels, rows) in enumerate(node_groups(dataset)):
        keys = list(dict.fromkeys(k for r in rows for k in r["props"] if k != "id"))
        types = {k: _column_type([r["props"].get(k) for r in rows]) for k in keys}
        header = ["id:ID", *(f"{k}:{types[k]}" for k in keys), ":LABEL"]
        path = folder / f"nodes-{i}-{re.sub(r'[^A-Za-z0-9]+', '_', table)}.csv"
        _write(path, header, ([r["id"], *(_cell(r["props"].get(k)) for k in keys), ";".join(labels)]
                              for r in rows))
        nodes.append(path)
    for i, (name, rel, _, _, _, rows) in enumerate(relationship_groups(dataset, fresh=True)):
        keys = list(dict.fromkeys(k for r in rows for k in r["props"]))
        types = {k: _column_type([r["props"].get(k) for r in rows]) for k in keys}
        header = [":START_ID", ":END_ID", *(f"{k}:{types[k]}" for k in keys), ":TYPE"]
        path = folder / f"rels-{i}-{rel.value}.csv"
        _write(path, header, ([r["src"], r["dst"], *(_cell(r["props"].get(k)) for k in keys), rel.value]
                              for r in rows))
        rels.append(path)
    return nodes, rels


def run_import(home: Path, nodes: list[Path], rels: list[Path], heap: str) -> dict:
    from neo4j_server import CLASSPATH, JAR, build

    build()
    shutil.rmtree(home, ignore_errors=True)
    (home / "conf").mkdir(parents=True)
    (home / "conf" / "neo4j.conf").write_text(f"server.directories.data={home / 'data'}\n")
    cmd = [shutil.which("java") or "java", f"-Xmx{heap}", "-cp", f"{JAR}{os.pathsep}{CLASSPATH.read_text().strip()}",
           "org.neo4j.cli.AdminTool", "database", "import", "full", "neo4j", "--overwrite-destination",
           "--array-delimiter=;", "--multiline-fields=true",  # (the database first: the file options take every argument after them)
           *(f"--nodes={p}" for p in nodes), *(f"--relationships={p}" for p in rels)]
    env = {**os.environ, "NEO4J_HOME": str(home), "NEO4J_CONF": str(home / "conf")}
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=1800, cwd=home)
    seconds = time.perf_counter() - t0
    out = proc.stdout + proc.stderr
    done = re.search(r"IMPORT DONE in ([^.]+)\. *\n?\s*Imported:\s*(.*?)(?:\n\s*\n|Peak)", out, re.S)
    return {"exit": proc.returncode, "import_s": round(seconds, 2),
            "reported": " ".join(done.group(0).split()) if done else None,
            "tail": "\n".join(out.strip().splitlines()[-25:])}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("work", type=Path)
    p.add_argument("--preset", default="qindu")
    p.add_argument("--heap", default="2g")
    p.add_argument("--json")
    a = p.parse_args()
    from neo4j_load_profile import _dataset

    dataset = _dataset(a.work, a.preset)
    t0 = time.perf_counter()
    nodes, rels = write_csv(dataset, a.work / f"{a.preset}-import-csv")
    out = {"preset": a.preset, "csv_s": round(time.perf_counter() - t0, 2), "loadavg_1m": round(os.getloadavg()[0], 2)}
    out.update(run_import(a.work / "admin-home", nodes, rels, a.heap))
    out["loadavg_1m_after"] = round(os.getloadavg()[0], 2)
    print(json.dumps(out, ensure_ascii=False, indent=1))
    if a.json:
        Path(a.json).write_text(json.dumps(out, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
