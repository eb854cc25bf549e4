"""Property-based fuzz: malformed CSVs never crash the reader and never lose a row.

Random bytes, ragged rows, wrong or shuffled headers, stray quotes and huge cells are
thrown at one table of an otherwise valid dataset. The only exception allowed is
InputError; otherwise read = accepted + rejected for every table, every reference in the
accepted dataset resolves, and the rejects can be written back.
"""

from __future__ import annotations

import csv
import io
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from helpers_loaders import check_accounting, good_tables, headers, write_csv
from orgnet.errors import InputError
from orgnet.model import TABLES, AreaLevel, MemberStatus, OrgKind
from orgnet.loaders.report import write_rejects
from orgnet.loaders.validate import validate_path

FUZZ_TABLES = ["areas", "party_orgs", "units", "members", "roles"]
SETTINGS = settings(max_examples=60, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

ids = st.sampled_from(["D1", "S1", "C1", "C2", "G1", "K1", "B1", "P1", "P2", "P3", "P4", "U1",
                       "U2", "M1", "M2", "X9", "１", "1001.0", "P1;P2", "U1；U2"])
enums = st.sampled_from([m.value for m in AreaLevel] + [m.zh for m in OrgKind]
                        + [m.zh for m in MemberStatus] + ["在职", "retired", "是", "否", "坏值"])
junk = st.text(st.characters(blacklist_categories=("Cs",)), max_size=12)
dates = st.sampled_from(["2024-01-02", "2024/2/30", "2024年3月1日", "tomorrow", "1980", "１２"])
cells = st.one_of(st.just(""), ids, enums, junk, dates)
header_cells = st.one_of(st.sampled_from(sorted({h for t in TABLES.values() for c in t.columns
                                                for h in c.headers} | {"_reason", ""})), junk)


@st.composite
def ragged_csv(draw: st.DrawFn, table: str) -> bytes:
    """A CSV with a plausible (maybe shuffled, maybe broken) header and ragged rows."""
    header = headers(table, zh=draw(st.booleans()))
    header = draw(st.permutations(header)) if draw(st.booleans()) else header
    if draw(st.booleans()):
        header = header + draw(st.lists(header_cells, max_size=3))
    if draw(st.integers(0, 3)) == 0:
        header = draw(st.lists(header_cells, max_size=8))
    rows = draw(st.lists(st.lists(cells, max_size=len(header) + 3), max_size=12))
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(header)
    writer.writerows(rows)
    text = buf.getvalue()
    if draw(st.booleans()):  # break the quoting or the lines
        pos = draw(st.integers(0, len(text)))
        text = text[:pos] + draw(st.sampled_from(['"', '\n', '\r', ',', '""', '\x00'])) + text[pos:]
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "gb18030"]))
    return text.encode(encoding)


@st.composite
def huge_cell_csv(draw: st.DrawFn, table: str) -> bytes:
    """A valid header and one row with a cell of up to a few hundred thousand characters."""
    size = draw(st.integers(100_000, 400_000))
    cell = draw(st.sampled_from(["x", "中", "\"", ";"])) * size
    row = [cell if i == draw(st.integers(0, 3)) else "P1" for i, _ in enumerate(headers(table))]
    buf = io.StringIO()
    csv.writer(buf).writerows([headers(table), row])
    return buf.getvalue().encode("utf-8")


def check(table: str, content: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        base = {t: rows for t, rows in good_tables().items() if t in FUZZ_TABLES}
        folder = write_csv(Path(tmp) / "d", base)
        (folder / f"{table}.csv").write_bytes(content)
        try:
            result = validate_path(folder)
        except InputError:
            event("InputError")
            return
        event(f"validated, {result.report.rejected} rejected" if result.report.rejected < 3
              else "validated, 3+ rejected")
        check_accounting(result)
        write_rejects(result, Path(tmp) / "rejects")


@SETTINGS
@given(st.sampled_from(FUZZ_TABLES), st.booleans(), st.binary(max_size=2000))
@example("areas", False, b"\xef")  # a truncated BOM: utf-8-sig's decoder accepts it at EOF
@example("members", True, b"\xff\xfe\x00\xd8")
@example("units", True, b"\x81")  # a truncated GB18030 sequence
def test_random_bytes(table: str, with_header: bool, content: bytes) -> None:
    header = (",".join(headers(table)) + "\n").encode() if with_header else b""
    check(table, header + content)


@settings(SETTINGS, max_examples=100)
@given(st.data())
def test_ragged_rows_and_wrong_headers(data: st.DataObject) -> None:
    table = data.draw(st.sampled_from(FUZZ_TABLES))
    check(table, data.draw(ragged_csv(table)))


@settings(max_examples=8, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.data())
def test_huge_cells(data: st.DataObject) -> None:
    table = data.draw(st.sampled_from(FUZZ_TABLES))
    check(table, data.draw(huge_cell_csv(table)))
