"""Personal data protected by default: personal extra columns are withheld on
import — by header or by value pattern — unless an administrator allows them; names mask."""

from __future__ import annotations

import csv
import doctest
import json
import random
from pathlib import Path

import pytest

import orgnet.privacy
from helpers_loaders import check_accounting, good_tables, write_csv
from helpers_stores import run_cli as cli
from orgnet.graph.load import load_dataset
from orgnet.loaders.report import format_summary, write_rejects
from orgnet.loaders.validate import validate_path
from orgnet.privacy import (classify_header, classify_values, id_check_digit, is_prc_id,
                            mask_name, personal_columns)
from orgnet.settings import ALLOW_PERSONAL_COLUMNS_ENV

_WEIGHTS = [2 ** (17 - i) % 11 for i in range(17)]  # the ISO 7064 MOD 11-2 weights, derived


def make_id(rng: random.Random) -> str:
    """A valid 18-digit PRC identity number (area, birth date, sequence, check digit)."""
    body = (f"{rng.choice(['110105', '510108', '440305'])}{rng.randint(1950, 2000)}"
            f"{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}{rng.randint(0, 999):03d}")
    check = "10X98765432"[sum(int(d) * w for d, w in zip(body, _WEIGHTS)) % 11]
    return body + check


def test_privacy_doctests(monkeypatch) -> None:
    import orgnet.settings

    monkeypatch.delenv(ALLOW_PERSONAL_COLUMNS_ENV, raising=False)
    assert doctest.testmod(orgnet.privacy).failed == 0
    assert doctest.testmod(orgnet.settings).failed == 0


def test_id_check_digit() -> None:
    assert id_check_digit("11010519491231002") == "X"  # the GB 11643 example
    rng = random.Random(14)
    for _ in range(200):
        good = make_id(rng)
        assert is_prc_id(good) and is_prc_id(good.lower())
        wrong = next(c for c in "0123456789X" if c != good[-1])
        assert not is_prc_id(good[:17] + wrong)
    with pytest.raises(ValueError):
        id_check_digit("123")


def test_mask_name() -> None:
    assert mask_name("王小明") == "王*明"
    assert mask_name("王明") == "王*"
    assert mask_name("王") == "王"
    assert mask_name("欧阳小明") == "欧**明"
    assert mask_name(" 李娜 ") == "李*"
    assert mask_name("John Smith") == "J*** S****"
    assert mask_name(None) == "" and mask_name("") == ""


def test_headers_and_values() -> None:
    for h in ("身份证号", "身份证", "证件号码", "公民身份号码", "ID card", "id_number", "idcard"):
        assert classify_header(h) == "id_number", h
    for h in ("手机", "手机号", "电话", "联系电话", "联系方式", "phone", "Mobile", "tel"):
        assert classify_header(h) == "phone", h
    for h in ("住址", "家庭住址", "地址", "现住址", "address"):
        assert classify_header(h) == "address", h
    for h in ("备注", "职务说明", "col7", "title", "hotel", "notes", "identifier_type"):
        assert classify_header(h) is None, h
    # the majority of non-empty values decides
    assert classify_values(["010-62345678", "13812345678", "", "无"]) == "phone"
    assert classify_values(["1001", "1002", "1003", "1004", "1005", "13812345678"]) is None  # under 20%
    assert classify_values(["2023-05-01", "2024-01-31"]) is None
    assert personal_columns(["a", "b"], [{"a": "x", "b": "y"}]) == {}


def make_old_id(rng: random.Random) -> str:
    """A 15-digit (1984–2004) PRC identity number: area, YYMMDD, sequence."""
    return (f"{rng.choice(['110105', '510108', '440305'])}{rng.randint(30, 89)}"
            f"{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}{rng.randint(0, 999):03d}")


def test_what_still_reached_the_graph_is_recognised() -> None:
    """What once reached the graph unrecognised: 15-digit ID numbers, addresses under 居所 / Home
    and by their values, and a column where only 40% of the values are ID numbers."""
    rng = random.Random(25)
    olds = [make_old_id(rng) for _ in range(200)]
    assert all(is_prc_id(x) for x in olds)
    assert classify_values(olds) == "id_number"
    assert not is_prc_id("990105491231002") and not is_prc_id("110105491331002")  # no province, month 13
    for h in ("居所", "Home", "home", "现居地", "户籍所在地", "住所", "residential", "Domicile"):
        assert classify_header(h) == "address", h
    assert classify_header("Home Phone") == "phone"
    homes = ["成都市成华区望平街1号", "锦江区香香巷2号3单元", "5栋2单元501室", "建设路12-3号", "3号楼502室"]
    assert classify_values(homes) == "address"
    orgs = ["成华区望平街道党工委", "锦江区人民政府", "第3号文件", "2023年度", "望平社区"]
    assert classify_values(orgs) is None
    # 40% ID numbers (and 20% phones) is enough; 19% is not
    assert classify_values([make_id(rng) if i % 5 < 2 else "无" for i in range(460)]) == "id_number"
    assert classify_values(["13812345678" if i % 5 == 0 else "无" for i in range(100)]) == "phone"
    assert classify_values(["13812345678" if i < 19 else "无" for i in range(100)]) is None


def test_a_fifth_of_identity_numbers_keeps_the_column_out_of_the_graph(tmp_path, monkeypatch):
    monkeypatch.delenv(ALLOW_PERSONAL_COLUMNS_ENV, raising=False)
    rng = random.Random(40)
    old, new = make_old_id(rng), make_id(rng)
    folder = _ledger(tmp_path, {"col9": [old, "", "无"], "colA": ["无", new, "否"],
                                "居所": ["x", "y", "z"], "Home": ["a", "b", "c"],
                                "col10": ["望平街1号", "香香巷2号3单元", "5栋2单元501室"]})
    result = validate_path(folder)
    withheld = {p.column: (p.kind, p.by) for p in result.report.withheld}
    assert withheld == {"col9": ("id_number", "values"), "colA": ("id_number", "values"),
                        "居所": ("address", "header"), "Home": ("address", "header"),
                        "col10": ("address", "values")}
    assert all(not m["_extra"] for m in result.dataset.tables["members"])


def _ledger(tmp_path: Path, extra: dict[str, list[str]]) -> Path:
    """The good dataset with extra member columns appended (one value per member)."""
    folder = write_csv(tmp_path / "ledger", good_tables(), zh=True)
    path = folder / "members.csv"
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    rows[0] += list(extra)
    for i, row in enumerate(rows[1:]):
        row += [values[i] for values in extra.values()]
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(rows)
    return folder


def _all_node_values(store, graph: str) -> list[str]:
    rows = store.read("MATCH (n) RETURN properties(n) AS p", graph=graph)
    return [str(v) for r in rows for v in r["p"].values()] + \
        [str(k) for r in rows for k in r["p"]]


@pytest.fixture
def personal_ledger(tmp_path):
    rng = random.Random(7)
    ids = [make_id(rng) for _ in range(3)]
    phones = ["13812345678", "139 8765 4321", "15011112222"]
    homes = ["成都市成华区望平街1号", "成都市锦江区香香巷2号3单元", "成都市成华区猛追湾5号"]
    notes = ["老党员", "", "志愿者骨干"]
    folder = _ledger(tmp_path, {"身份证号": ids, "手机号": phones, "家庭住址": homes,
                                "备注": notes, "col7": [make_id(rng) for _ in range(3)]})
    return folder, ids, phones, homes


def test_personal_columns_never_reach_the_graph(personal_ledger, falkordb_store, fresh_graph,
                                                monkeypatch, tmp_path):
    monkeypatch.delenv(ALLOW_PERSONAL_COLUMNS_ENV, raising=False)
    folder, ids, phones, homes = personal_ledger
    result = validate_path(folder)
    check_accounting(result)
    assert result.report.rejected == 0  # withholding a column rejects no row
    withheld = {p.column: (p.kind, p.by) for p in result.report.withheld}
    assert withheld == {"身份证号": ("id_number", "header"), "手机号": ("phone", "header"),
                        "家庭住址": ("address", "header"), "col7": ("id_number", "values")}
    assert all(p.table == "members" and p.file == "members.csv" for p in result.report.withheld)
    members = result.dataset.tables["members"]
    assert [m["_extra"] for m in members] == [{"备注": "老党员"}, {}, {"备注": "志愿者骨干"}]

    data = result.report.to_dict()
    assert {w["column"] for w in data["withheld"]} == set(withheld) and data["allowed"] == []
    assert data["withheld"][0]["reason"].startswith("列名表明是身份证件号码 / ")
    summary = format_summary(result.report)
    assert "已隐藏的个人信息列" in summary and "members.csv 列 column 身份证号" in summary
    assert "col7" in summary and "的值像身份证件号码" in summary
    # nothing personal in the report, the summary, or the written-back file
    secrets = [*ids, *phones, "13987654321", *homes]
    text = json.dumps(data, ensure_ascii=False) + summary
    assert not any(s in text for s in secrets)

    g = fresh_graph("pii")
    load_dataset(falkordb_store, result.dataset, graph=g, replace=True)
    values = _all_node_values(falkordb_store, g)
    assert "老党员" in values and "备注" in values  # the innocuous column is kept
    for s in [*secrets, *(m["_extra"].get("col7", "") for m in members if m["_extra"].get("col7"))]:
        assert not any(s in v for v in values), s
    assert not {"身份证号", "手机号", "家庭住址", "col7"} & set(values)


def test_admin_setting_keeps_an_allowed_column(personal_ledger, falkordb_store, fresh_graph,
                                              monkeypatch):
    folder, ids, phones, _ = personal_ledger
    monkeypatch.setenv(ALLOW_PERSONAL_COLUMNS_ENV, "手机号")
    result = validate_path(folder)
    assert [p.column for p in result.report.allowed] == ["手机号"]
    assert "手机号" not in {p.column for p in result.report.withheld}
    assert [m["_extra"]["手机号"] for m in result.dataset.tables["members"]] == phones
    assert "管理员放行的个人信息列" in format_summary(result.report)
    monkeypatch.setenv(ALLOW_PERSONAL_COLUMNS_ENV, "*")  # every column
    assert not validate_path(folder).report.withheld
    g = fresh_graph("pii_allowed")
    load_dataset(falkordb_store, result.dataset, graph=g, replace=True)
    values = _all_node_values(falkordb_store, g)
    assert all(p in values for p in phones)
    assert not any(i in v for i in ids for v in values)


def test_rejected_rows_write_back_without_personal_values(personal_ledger, monkeypatch, tmp_path):
    monkeypatch.delenv(ALLOW_PERSONAL_COLUMNS_ENV, raising=False)
    folder, ids, phones, _ = personal_ledger
    path = folder / "members.csv"
    text = path.read_text(encoding="utf-8").replace("王芳,formal", "王芳,nonsense", 1)
    path.write_text(text, encoding="utf-8")
    result = validate_path(folder)
    assert result.report.rejected == 1
    out = write_rejects(result, tmp_path / "rejects")
    written = out[0].read_text(encoding="utf-8")
    assert "身份证号" in written and "nonsense" in written  # same headers, the row is there
    assert not any(s in written for s in [*ids, *phones])


def test_cli_validate_names_withheld_columns(personal_ledger, tmp_path, monkeypatch):
    monkeypatch.delenv(ALLOW_PERSONAL_COLUMNS_ENV, raising=False)
    folder, ids, _, _ = personal_ledger
    report = tmp_path / "r.json"
    r = cli(tmp_path / "home", "validate", str(folder), "--report", str(report))
    assert r.returncode == 0, r.stderr
    assert "已隐藏的个人信息列 / personal columns withheld: 4" in r.stdout
    assert not any(i in r.stdout + report.read_text(encoding="utf-8") for i in ids)
    assert len(json.loads(report.read_text(encoding="utf-8"))["withheld"]) == 4


def test_problems_quote_no_personal_values(personal_ledger, monkeypatch, tmp_path):
    """A rejected cell holding a phone, and a too-long cell of a withheld column, are masked."""
    monkeypatch.delenv(ALLOW_PERSONAL_COLUMNS_ENV, raising=False)
    monkeypatch.setenv("ORGNET_MAX_CELL_CHARS", "40")
    folder, ids, _, _ = personal_ledger
    path = folder / "members.csv"
    text = path.read_text(encoding="utf-8").replace("王芳,formal", "王芳,13800001111", 1)
    text = text.replace(ids[0], ids[0] + " " + "x" * 40, 1)
    path.write_text(text, encoding="utf-8")
    result = validate_path(folder)
    values = {(e.row, e.column): e.value for e in result.report.errors}
    assert values[(4, "status")] == "138******11"
    assert values[(2, "身份证号")] == "（已隐藏 withheld）"
    summary = format_summary(result.report)
    assert "13800001111" not in summary and ids[0] not in summary


def test_xlsx_numeric_phones_and_odd_headers_are_withheld(tmp_path, monkeypatch):
    """A workbook: phones typed as numbers under an odd header, IDs under ``col7``."""
    import openpyxl

    from helpers_loaders import write_xlsx

    monkeypatch.delenv(ALLOW_PERSONAL_COLUMNS_ENV, raising=False)
    path = write_xlsx(tmp_path / "book.xlsx", good_tables())
    wb = openpyxl.load_workbook(path)
    ws = wb["党员"]
    rng = random.Random(3)
    ids = [make_id(rng) for _ in range(3)]
    ws.cell(1, ws.max_column + 1, "col7")
    ws.cell(1, ws.max_column + 1, "联络")
    ws.cell(1, ws.max_column + 1, "Notes")
    for i in range(3):
        ws.cell(i + 2, ws.max_column - 2, ids[i])
        ws.cell(i + 2, ws.max_column - 1, 13812340000 + i)
        ws.cell(i + 2, ws.max_column, "ok")
    wb.save(path)
    result = validate_path(path)
    assert {(p.column, p.kind, p.by) for p in result.report.withheld} == {
        ("col7", "id_number", "values"), ("联络", "phone", "values")}
    assert result.report.withheld[0].file == "book.xlsx[党员]"
    assert [m["_extra"] for m in result.dataset.tables["members"]] == [{"Notes": "ok"}] * 3


def test_import_page_lists_the_withheld_columns_without_their_values(personal_ledger, monkeypatch):
    """What the Import page shows: each withheld column as the file names it, its kind and why;
    never one of its values."""
    from orgnet.pages._ui import Ctx
    from orgnet.pages.import_page import withheld_frame
    from orgnet.settings import Settings

    monkeypatch.delenv("ORGNET_ALLOW_PERSONAL_COLUMNS", raising=False)
    path, ids, phones, homes = personal_ledger
    values = [*ids, *phones, *homes]
    result = validate_path(path)
    c = Ctx(settings=Settings.from_env(), store=None, graph="g", lang="zh", meeting=False,
            as_of="2026-06-30", stamp="")
    frame = withheld_frame(c, result.report.to_dict())
    assert {"身份证号", "手机号", "家庭住址"} <= set(frame["列"])
    assert {"身份证件号码", "电话号码", "住址"} <= set(frame["类别"])
    shown = frame.to_string()
    assert not any(v in shown for v in values)


def _app_text(at) -> str:
    """Everything an AppTest run put on the page: every element's protocol message (markdown,
    captions, component arguments such as the map's HTML) and every table's cells."""
    out: list[str] = []

    def walk(node) -> None:
        if getattr(node, "proto", None) is not None:
            out.append(str(node.proto))
        children = getattr(node, "children", None) or {}
        for child in (children.values() if isinstance(children, dict) else children):
            walk(child)

    walk(at._tree)
    out += [d.value.to_string() for d in at.dataframe]
    return "\n".join(out)


@pytest.mark.slow
@pytest.mark.parametrize("allow", [None, "手机号"])
def test_no_role_sees_personal_values_until_an_administrator_allows_them(
        personal_ledger, falkordb_store, falkordb_settings, fresh_graph, monkeypatch, allow):
    """Members with 身份证号 and 手机号 columns: no page, export or log shows either value for
    any role; once the administrator allows 手机号, analysts and administrators see phones on
    a member's card, viewers still do not, and identity numbers stay withheld."""
    from streamlit.testing.v1 import AppTest

    from helpers_access import signed_in
    from orgnet.access import audit
    from orgnet.access.accounts import Account, AccountRole, store_for
    from orgnet.app import PAGES, may_open
    from orgnet.queries.gaps import export_xlsx, run_gaps
    from orgnet.queries.scope import Scope

    folder, ids, phones, homes = personal_ledger
    if allow:
        monkeypatch.setenv(ALLOW_PERSONAL_COLUMNS_ENV, allow)
    else:
        monkeypatch.delenv(ALLOW_PERSONAL_COLUMNS_ENV, raising=False)
    result = validate_path(folder)
    graph = fresh_graph("pii_app")
    load_dataset(falkordb_store, result.dataset, graph=graph, replace=True)
    members = [m["id"] for m in result.dataset.tables["members"]]
    home = falkordb_settings.home
    monkeypatch.setenv("ORGNET_HOME", str(home))
    monkeypatch.setenv("ORGNET_GRAPH", graph)
    monkeypatch.setenv("ORGNET_PREWARM", "0")
    monkeypatch.delenv("NEO4J_URI", raising=False)
    never = [*ids, *homes]
    for role in ("admin", "analyst", "viewer"):
        account = Account(f"pii_{role}", AccountRole.parse(role), Scope())
        shown = []
        visits = [(key, {}) for key, _, _, who in PAGES if may_open(account, who)]
        visits += [("explorer", {"id": m}) for m in members]
        for page, params in visits:
            at = AppTest.from_file(str(Path(__file__).resolve().parents[1] / "app.py"), default_timeout=240)
            for k, v in signed_in(home, account.name, role).items():
                at.session_state[k] = v
            at.session_state["orgnet_start_page"] = page
            for k, v in params.items():
                at.query_params[k] = v
            at.run()
            assert not at.exception, (role, page, [e.value for e in at.exception])
            shown.append(_app_text(at))
        text = "\n".join(shown)
        assert not [s for s in never if s in text], role
        sees_phones = bool(allow) and account.sees_personal
        assert all((p in text) == sees_phones for p in phones), (role, allow)
        xlsx = export_xlsx(run_gaps(store_for(account, falkordb_store), graph=graph), home / f"{role}.xlsx")
        from openpyxl import load_workbook

        cells = " ".join(str(c.value) for ws in load_workbook(xlsx) for row in ws.iter_rows() for c in row)
        assert not [s for s in [*never, *phones] if s in cells], role
    log = json.dumps(audit.entries(home), ensure_ascii=False)
    assert not [s for s in [*never, *phones] if s in log]
