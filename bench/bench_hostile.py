"""Measure how fast and how cheaply hostile uploads are refused (row, cell and zip bombs,
oversized files).

Builds each hostile file under a work folder (default /tmp/orgnet-hostile), then for each
case starts a fresh Python process that reads it with ``validate_path`` (or
``unpack_upload`` for uploads) and reports: the refusal message, wall time, and the extra
peak memory (peak RSS of the child minus the RSS it had after importing orgnet).

    python bench/bench_hostile.py [--work DIR] [--json OUT]

Cases: a 20M-row .xlsx (with and without a <dimension> tag, and with the zip-ratio and
size checks switched off so the row checks alone must catch it), a 1.5 GB cell in a
1.6 MB .xlsx, a zip bomb upload, a CSV with 20M lines, a CSV with a 30M-character cell.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

CHILD = r"""
import json, os, resource, sys, time
from pathlib import Path
import orgnet.loaders.validate, orgnet.loaders.guard, openpyxl
def status(key):
    for line in open("/proc/self/status"):
        if line.startswith(key + ":"):
            return int(line.split()[1]) * 1024
base = status("VmRSS")
kind, path = sys.argv[1], sys.argv[2]
t = time.perf_counter()
outcome = "accepted"
try:
    if kind == "upload":
        with orgnet.loaders.guard.temporary_upload_dir() as tmp:
            p = orgnet.loaders.guard.unpack_upload(Path(path).name, Path(path).read_bytes(), tmp)
            orgnet.loaders.validate.validate_path(p)
    else:
        r = orgnet.loaders.validate.validate_path(path)
        outcome = f"read; {r.report.rejected} rejected: " + "; ".join(
            e.reason for e in r.report.errors[:1])
except Exception as e:
    outcome = f"{type(e).__name__}: {e}"
dt = time.perf_counter() - t
peak = status("VmHWM")  # (ru_maxrss would include the parent's peak before exec)
print(json.dumps({"seconds": round(dt, 3), "extra_peak_mb": round((peak - base) / 2**20, 1),
                  "outcome": outcome[:400]}))
"""


def _xlsx_with(path: Path, replace: dict[str, callable]) -> Path:
    """The good test workbook, with some members rewritten by ``replace[name](zipfile_out)``."""
    from helpers_loaders import good_tables, write_xlsx

    src = write_xlsx(path.parent / (path.stem + "-src.xlsx"), good_tables(), zh=False)
    sheets = _sheet_files(src)
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED,
                                                      compresslevel=9) as zout:
        for info in zin.infolist():
            key = next((k for k, v in {**sheets, "sharedStrings": "xl/sharedStrings.xml"}.items()
                        if v == info.filename), None)
            if key in replace:
                with zout.open(info.filename, "w", force_zip64=True) as f:
                    replace[key](f)
            else:
                zout.writestr(info, zin.read(info))
    src.unlink()
    return path


def _sheet_files(book: Path) -> dict[str, str]:
    import re

    with zipfile.ZipFile(book) as z:
        wb = z.read("xl/workbook.xml").decode()
        rels = z.read("xl/_rels/workbook.xml.rels").decode()
    targets = dict(re.findall(r'Id="(rId\d+)"[^>]*Target="([^"]+)"', rels))
    targets.update({k: v for v, k in re.findall(r'Target="([^"]+)"[^>]*Id="(rId\d+)"', rels)})
    out = {}
    for name, rid in re.findall(r'<sheet[^>]*name="([^"]+)"[^>]*r:id="(rId\d+)"', wb):
        t = targets[rid].lstrip("/")
        out[name] = t if t.startswith("xl/") else "xl/" + t
    return out


def _rows_sheet(rows: int, dimension: bool):
    def write(f):
        f.write(b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.'
                b'openxmlformats.org/spreadsheetml/2006/main">')
        if dimension:
            f.write(f'<dimension ref="A1:D{rows}"/>'.encode())
        f.write(b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>id</t></is></c>'
                b'<c r="B1" t="inlineStr"><is><t>name</t></is></c><c r="C1" t="inlineStr"><is>'
                b'<t>status</t></is></c><c r="D1" t="inlineStr"><is><t>category</t></is></c></row>')
        chunk = []
        for i in range(2, rows + 1):
            chunk.append(b'<row><c t="inlineStr"><is><t>M</t></is></c></row>')
            if len(chunk) == 100_000:
                f.write(b"".join(chunk))
                chunk = []
        f.write(b"".join(chunk) + b"</sheetData></worksheet>")
    return write


def _cell_bomb(size: int):
    """A members sheet whose second row holds one inline string of ``size`` characters."""
    def write(f):
        f.write(b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.'
                b'openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1">'
                b'<c r="A1" t="inlineStr"><is><t>id</t></is></c><c r="B1" t="inlineStr"><is>'
                b'<t>name</t></is></c><c r="C1" t="inlineStr"><is><t>status</t></is></c>'
                b'<c r="D1" t="inlineStr"><is><t>category</t></is></c></row><row r="2">'
                b'<c r="A2" t="inlineStr"><is><t>M1</t></is></c><c r="B2" t="inlineStr"><is><t>')
        block = b"a" * (1 << 24)
        left = size
        while left > 0:
            f.write(block[:left])
            left -= len(block)
        f.write(b"</t></is></c></row></sheetData></worksheet>")
    return write


def build(work: Path) -> list[tuple[str, str, Path, dict[str, str]]]:
    work.mkdir(parents=True, exist_ok=True)
    cases = []
    p = work / "rows20m.xlsx"
    if not p.exists():
        _xlsx_with(p, {"members": _rows_sheet(20_000_000, True)})
    cases.append(("xlsx 20M rows (dimension tag)", "read", p, {}))
    cases.append(("xlsx 20M rows, zip checks off", "read", p,
                  {"ORGNET_MAX_ZIP_RATIO": "100000000", "ORGNET_MAX_UNZIPPED_MB": "100000"}))
    p = work / "rows20m-nodim.xlsx"
    if not p.exists():
        _xlsx_with(p, {"members": _rows_sheet(20_000_000, False)})
    cases.append(("xlsx 20M rows (no dimension), zip checks off", "read", p,
                  {"ORGNET_MAX_ZIP_RATIO": "100000000", "ORGNET_MAX_UNZIPPED_MB": "100000"}))
    p = work / "cell1500m.xlsx"
    if not p.exists():
        _xlsx_with(p, {"members": _cell_bomb(1_500_000_000)})
    cases.append(("xlsx 1.5 GB cell", "read", p, {}))
    cases.append(("xlsx 1.5 GB cell, ratio check off", "read", p,
                  {"ORGNET_MAX_ZIP_RATIO": "100000000"}))
    p = work / "bomb.zip"
    if not p.exists():
        with zipfile.ZipFile(p, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
            with z.open("members.csv", "w", force_zip64=True) as f:
                f.write(b"id,name,status,category\n")
                for _ in range(200):
                    f.write(b"M1,x,formal,retired\n" * 500_000)
    cases.append(("upload zip bomb (CSV inside)", "upload", p, {}))
    d = work / "csv20m"
    if not (d / "members.csv").exists():
        from helpers_loaders import good_tables, write_csv

        write_csv(d, good_tables())
        with (d / "members.csv").open("a") as f:
            for _ in range(40):
                f.write("M9,x,formal,retired\n" * 500_000)
    cases.append(("CSV 20M lines (members.csv, 420 MB)", "read", d, {"ORGNET_MAX_FILE_MB": "1000"}))
    cases.append(("CSV 20M lines, default file cap", "read", d, {}))
    d = work / "csvcell"
    if not (d / "units.csv").exists():
        from helpers_loaders import good_tables, write_csv

        t = good_tables()
        t["units"][1]["name"] = "单" * 30_000_000
        write_csv(d, t)
    cases.append(("CSV unit name of 30M characters", "read", d, {}))
    return cases


def run(cases) -> list[dict]:
    out = []
    for name, kind, path, env in cases:
        e = {**os.environ, "PYTHONPATH": str(ROOT), **env}
        t = time.perf_counter()
        proc = subprocess.run([sys.executable, "-c", CHILD, kind, str(path)], capture_output=True,
                              text=True, env=e, timeout=900)
        try:
            res = json.loads(proc.stdout.strip().splitlines()[-1])
        except (IndexError, ValueError):
            res = {"error": proc.stderr[-800:]}
        size = sum(f.stat().st_size for f in ([path] if path.is_file() else path.iterdir()))
        res.update(case=name, file_mb=round(size / 2**20, 2), process_s=round(time.perf_counter() - t, 2))
        print(json.dumps(res, ensure_ascii=False), flush=True)
        out.append(res)
    return out


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--work", default="/tmp/orgnet-hostile")
    ap.add_argument("--json", default=None)
    a = ap.parse_args()
    results = run(build(Path(a.work)))
    if a.json:
        Path(a.json).write_text(json.dumps(results, ensure_ascii=False, indent=2))
