"""Coverage-gap rules: run them, list them, export them to Excel.

The rules themselves are the ``kind: rule`` files of the Cypher catalog
(``orgnet/queries/cypher/<id>.cypher``); this module runs a selection of them with
shared parameters and presents the rows.

>>> sorted(rule_catalog().columns)[:3]
['description_en', 'description_zh', 'id']
>>> "unit_should_form_branch" in rule_ids()
True
"""

from __future__ import annotations

import datetime as _dt
from pathlib import Path
from typing import Any, Iterable, Mapping

import pandas as pd

from orgnet.errors import QueryError
from orgnet.export import neutralize_formula
from orgnet.i18n import t
from orgnet.queries import catalog
from orgnet.queries.reads import dated_params, view_params

#: the columns every rule returns, in order
COLUMNS: tuple[str, ...] = ("rule", "id", "name", "kind", "street_id", "street",
                            "community_id", "community", "detail", "remedy")

#: Chinese headers of the result columns (Excel export, tables in the UI), from the translation table
COLUMNS_ZH: dict[str, str] = {c: t(f"gap_column.{c}", "zh") for c in COLUMNS}

CATALOG_COLUMNS: tuple[str, ...] = ("id", "title_zh", "title_en", "description_zh", "description_en",
                                    "source", "severity", "remedy_zh", "remedy_en")

SEVERITY_ZH = {s: t(f"gaps.severity_{s}", "zh") for s in ("high", "medium", "low")}


#: the order the rules are listed in (organizations, their health, units, members, co-building, services, meetings)
RULE_ORDER: tuple[str, ...] = (
    "community_without_party_org", "grid_without_branch", "compound_without_branch",
    "building_without_group",
    # organization health: what a 组织部 checks first (secretary, size, form, term, probation)
    "secretary_vacant", "secretary_not_member", "branch_too_small", "branch_over_50", "committee_required",
    "term_overdue", "probation_overdue", "member_in_group",
    "unit_should_form_branch", "unit_needs_instructor",
    "two_new_org_uncovered", "floating_member_unmanaged", "in_service_not_reported",
    "reported_elsewhere", "unit_reporting_low",
    "resident_unit_without_agreement", "community_without_agreement", "agreement_lapsed", "agreement_without_evaluation",
    "resident_unit_not_in_committee", "community_committee_few_part_time",
    "large_unit_not_in_street_committee", "unit_org_not_reported",
    "compound_manager_not_in_joint_meeting", "property_company_without_org", "owners_committee_without_members",
    "compound_without_property",
    "compound_without_owners_committee", "need_unmatched", "service_unclaimed", "meeting_cadence",
)


#: rules counted at once by :func:`count_gaps` (the embedded engine has a query thread per core)
COUNT_WORKERS = 4


def rule_ids() -> list[str]:
    """Ids of every rule of the catalog, in ``RULE_ORDER`` (others after, by name)."""
    names = set(catalog.names("rule"))
    return [r for r in RULE_ORDER if r in names] + sorted(names - set(RULE_ORDER))


def rule_catalog() -> pd.DataFrame:
    """One row per rule: id, titles, description, source seed, severity, remedy (zh/en)."""
    rows = []
    for rid in rule_ids():
        meta = catalog.get(rid).meta
        rows.append({c: (rid if c == "id" else meta.get(c, "")) for c in CATALOG_COLUMNS})
    return pd.DataFrame(rows, columns=list(CATALOG_COLUMNS))


def _check_rules(rules: Iterable[str] | None) -> list[str]:
    known = rule_ids()
    if not rules:
        return known
    rules = list(dict.fromkeys(rules))
    unknown = [r for r in rules if r not in known]
    if unknown:
        raise QueryError(f"unknown rule(s) {', '.join(unknown)}; known rules: {', '.join(known)} "
                         "(list them with `orgnet gaps --list`)")
    return rules


def _rule_params(as_of: Any, street_id: str | None, community_id: str | None) -> dict[str, Any]:
    """The parameters every rule takes: the reference date and the street / community (None = all),
    as the stored results are kept (:func:`orgnet.queries.reads.dated_params`)."""
    return dated_params(as_of, street_id, community_id)


def term_expiring(store: Any, *, as_of: str | _dt.date | None = None, street_id: str | None = None,
                  community_id: str | None = None, graph: str | None = None) -> list[dict[str, Any]]:
    """Organizations whose term ends after ``as_of`` and within the policy's months
    (``view_term_expiring``, 即将到期): shown beside the rule ``term_overdue``, never as gaps."""
    return catalog.run(store, "view_term_expiring", view_params("view_term_expiring", as_of, street_id, community_id),
                       graph=graph)


def _rule_rows(store: Any, rules: Iterable[str] | None, params: dict[str, Any],
               graph: str | None) -> Iterable[tuple[str, list[dict[str, Any]]]]:
    """(rule id, its gap rows) for each selected rule, in catalog order."""
    for rid in _check_rules(rules):
        yield rid, catalog.run(store, rid, params, graph=graph)


def gap_records(store: Any, rules: Iterable[str] | None = None, *, as_of: str | _dt.date | None = None,
                street_id: str | None = None, community_id: str | None = None,
                graph: str | None = None) -> list[dict[str, Any]]:
    """Every gap row of the rules (all by default) as plain dicts, rule by rule in catalog
    order: :func:`run_gaps` without the DataFrame (the diff and the ledger compare keys)."""
    params = _rule_params(as_of, street_id, community_id)
    return [row for _, rows in _rule_rows(store, rules, params, graph) for row in rows]


def run_gaps_by_rule(store: Any, rules: Iterable[str] | None = None, *, as_of: str | _dt.date | None = None,
                     street_id: str | None = None, community_id: str | None = None,
                     graph: str | None = None) -> dict[str, pd.DataFrame]:
    """Each selected rule's gap rows (a DataFrame with ``COLUMNS``), by rule id."""
    params = _rule_params(as_of, street_id, community_id)
    return {rid: pd.DataFrame(rows, columns=list(COLUMNS)) for rid, rows in _rule_rows(store, rules, params, graph)}


def run_gaps(store: Any, rules: Iterable[str] | None = None, *, as_of: str | _dt.date | None = None,
             street_id: str | None = None, community_id: str | None = None,
             graph: str | None = None) -> pd.DataFrame:
    """Run the rules (all by default) and return every gap row, rule by rule in catalog order.

    ``as_of`` defaults to today; ``street_id`` / ``community_id`` narrow to one street or
    community. Columns: ``rule, id, name, kind, street_id, street, community_id,
    community, detail, remedy``.
    """
    by_rule = run_gaps_by_rule(store, rules, as_of=as_of, street_id=street_id,
                               community_id=community_id, graph=graph)
    frames = [df for df in by_rule.values() if len(df)]
    if not frames:
        return pd.DataFrame(columns=list(COLUMNS))
    return pd.concat(frames, ignore_index=True)[list(COLUMNS)]


def count_gaps(store: Any, rules: Iterable[str] | None = None, *, as_of: str | _dt.date | None = None,
               street_id: str | None = None, community_id: str | None = None, graph: str | None = None,
               by: tuple[str, ...] = ("street_id",)) -> pd.DataFrame:
    """Gaps per rule (and per value of the result columns ``by``), counted in the engine: no
    gap row leaves the database. Columns ``rule, *by, n``; a rule with no gap has no row."""
    import contextvars
    from concurrent.futures import ThreadPoolExecutor

    params = _rule_params(as_of, street_id, community_id)
    rules = _check_rules(rules)

    def count(rid: str) -> list[dict]:
        return catalog.run(store, rid, params, graph=graph, count_by=by)

    # the rules are independent: the engine runs a few at once (both stores are thread-safe)
    contexts = [contextvars.copy_context() for _ in rules]  # each rule in a copy of this context
    with ThreadPoolExecutor(max_workers=min(COUNT_WORKERS, len(rules) or 1)) as pool:
        counted = list(pool.map(lambda job: job[0].run(count, job[1]), zip(contexts, rules)))
    rows = [{"rule": rid, **r} for rid, found in zip(rules, counted) for r in found]
    return pd.DataFrame(rows, columns=["rule", *by, "n"])


def rule_totals(counts: pd.DataFrame, rules: Iterable[str] | None = None) -> dict[str, int]:
    """{rule id: gap count} in catalog order (every selected rule, zero included) from ``count_gaps``."""
    n = counts.groupby("rule")["n"].sum() if len(counts) else pd.Series(dtype=int)
    return {rid: int(n.get(rid, 0)) for rid in _check_rules(rules)}


def gap_page(store: Any, totals: Mapping[str, int], offset: int, size: int, *,
             as_of: str | _dt.date | None = None, street_id: str | None = None,
             community_id: str | None = None, graph: str | None = None) -> pd.DataFrame:
    """Rows ``offset`` … ``offset + size`` of ``run_gaps``'s result for the rules of ``totals``
    (from :func:`rule_totals`, same scope), each rule's slice cut in the engine (SKIP/LIMIT)."""
    params = _rule_params(as_of, street_id, community_id)
    frames = []
    for rid, n in totals.items():
        if size <= 0:
            break
        if offset >= n:
            offset -= n
            continue
        take = min(size, n - offset)
        rows = catalog.run(store, rid, params, graph=graph, skip=offset, limit=take)
        frames.append(pd.DataFrame(rows, columns=list(COLUMNS)))
        size, offset = size - take, 0
    frames = [f for f in frames if len(f)]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=list(COLUMNS))


def split_by_rule(df: pd.DataFrame, rules: Iterable[str] | None = None) -> dict[str, pd.DataFrame]:
    """A combined gaps frame → {rule id: its rows}; rules with no rows get an empty frame."""
    rules = list(rules) if rules is not None else list(dict.fromkeys(df["rule"])) if len(df) else []
    return {r: df[df["rule"] == r].reset_index(drop=True) for r in rules}


# ---------------------------------------------------------------------------
# Excel export
# ---------------------------------------------------------------------------



def safe_cell(value: Any) -> Any:
    """An Excel cell value: formulas neutralized (:func:`orgnet.export.neutralize_formula`), NaN → empty."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    return neutralize_formula(value)


def _display_width(text: str) -> int:
    """Approximate column width: CJK characters count double."""
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def _sheet_name(title: str, used: set[str]) -> str:
    """An Excel-safe, unique sheet name (≤ 31 characters, none of []:*?/\\)."""
    base = "".join("_" if ch in '[]:*?/\\' else ch for ch in title).strip("'")[:31] or "sheet"
    name, n = base, 2
    while name in used:
        suffix = f"~{n}"
        name = base[: 31 - len(suffix)] + suffix
        n += 1
    used.add(name)
    return name


def _write_sheet(ws: Any, headers: list[str], rows: Iterable[Iterable[Any]]) -> None:
    from openpyxl.styles import Alignment, Font

    ws.append(headers)
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(vertical="center")
    widths = [_display_width(h) for h in headers]
    for row in rows:
        values = [safe_cell(v) for v in row]
        ws.append(values)
        for i, v in enumerate(values):
            if v is not None:
                widths[i] = max(widths[i], _display_width(str(v)))
    from openpyxl.utils import get_column_letter

    for i, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = min(max(w + 2, 6), 80)
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = ws.dimensions  # a filter button on every header


def _rows_zh(df: pd.DataFrame, cat: Mapping[str, Mapping[str, Any]]) -> tuple[list[str], Iterable[tuple]]:
    """A rule's gap rows for a Chinese reader: rule titles and kind names in place of codes,
    the codes kept in two last columns (规则编号, 类型代码)."""
    from orgnet.model import kind_member

    cols = [c for c in COLUMNS if c in df.columns] + [c for c in df.columns if c not in COLUMNS]
    out = df[cols].astype(object).where(df[cols].notna(), None).copy()
    codes = out[["rule", "kind"]].copy()
    out["rule"] = codes["rule"].map(lambda r: cat.get(r, {}).get("title_zh") or r)
    out["kind"] = codes["kind"].map(lambda k: (m.zh if (m := kind_member(k)) is not None else k) if k else k)
    out["rule_code"], out["kind_code"] = codes["rule"], codes["kind"]
    headers = [COLUMNS_ZH.get(c, c) for c in cols] + [t("gaps.rule_code", "zh"), t("gaps.kind_code", "zh")]
    return headers, out.itertuples(index=False, name=None)


def export_xlsx(df_by_rule: Mapping[str, pd.DataFrame] | pd.DataFrame, path: str | Path, *,
                as_of: str | None = None) -> Path:
    """Write an Excel workbook: a summary sheet (汇总: rule, title, severity, gap count, sheet)
    and one sheet per rule (named by its Chinese title) with Chinese headers, fitted column
    widths and formula-safe cells.

    ``df_by_rule`` is {rule id: DataFrame} (as from ``run_gaps_by_rule``) or one combined
    DataFrame (as from ``run_gaps``).
    """
    from openpyxl import Workbook

    from orgnet.seeds import cite

    if isinstance(df_by_rule, pd.DataFrame):
        df_by_rule = split_by_rule(df_by_rule)
    path = Path(path)
    cat = {r["id"]: r for r in rule_catalog().to_dict("records")}
    wb = Workbook()
    summary = wb.active
    summary.title = "汇总"
    summary_rows = []
    used = {"汇总"}
    sheets = {rid: _sheet_name(cat.get(rid, {}).get("title_zh") or rid, used) for rid in df_by_rule}
    for rid, df in df_by_rule.items():
        meta = cat.get(rid, {})
        summary_rows.append([rid, meta.get("title_zh", ""), SEVERITY_ZH.get(meta.get("severity", ""), ""),
                             len(df), sheets[rid], cite(meta.get("source", "")), meta.get("remedy_zh", "")])
    headers = ["规则编号", "规则名称", "严重程度", "问题数", "工作表", "依据", "整改建议"]
    if as_of:
        headers.append("统计日期")
        summary_rows = [r + [as_of] for r in summary_rows]
    _write_sheet(summary, headers, summary_rows)
    for rid, df in df_by_rule.items():
        ws = wb.create_sheet(sheets[rid])
        _write_sheet(ws, *_rows_zh(df, cat))
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


__all__ = ["COLUMNS", "COLUMNS_ZH", "gap_records", "run_gaps", "run_gaps_by_rule", "count_gaps", "rule_totals", "gap_page", "rule_catalog", "rule_ids",
           "export_xlsx", "safe_cell", "split_by_rule"]
