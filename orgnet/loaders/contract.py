"""The input contract and the graph model as Markdown, rendered from the model so they never drift.

``docs/input.md`` is this text; ``tests/test_contract_doc.py`` keeps them equal.
Regenerate with ``python -m orgnet.loaders.contract > docs/input.md``.
"""

from __future__ import annotations

from orgnet.model import (AREA_LABELS, DATE_MIN, DATE_YEARS_AHEAD, LINK_RELS, REF_RELS, TABLE_LABELS,
                          TABLES, THIS_YEAR, AreaLevel, ColType, Column, Rel, Table)
from orgnet.settings import Limits

_TYPE_TEXT = {
    ColType.id: "id (unique across the dataset)",
    ColType.text: "text",
    ColType.enum: "one of",
    ColType.date: f"date (YYYY-MM-DD, YYYY/M/D, YYYY年M月D日 or an Excel date) from {DATE_MIN} "
                  f"to {DATE_YEARS_AHEAD} years after today",
    ColType.int: "integer",
    ColType.bool: "yes/no (是/否, true/false, 1/0)",
    ColType.ref: "id of",
    ColType.refs: "list (`;` or `；`) of ids of",
}


def _describe(col: Column) -> str:
    text = _TYPE_TEXT[col.type]
    if col.enum is not None:
        text += " " + ", ".join(f"`{m.value}` {m.zh}" for m in col.enum)
    if col.targets:
        text += " " + " or ".join(t.replace("area:", "area of level ") for t in col.targets)
    if col.type is ColType.int and (col.min_value is not None or col.max_value is not None):
        def show(v: object) -> str:
            return ("the current year" if v == THIS_YEAR
                    else f"{v:,}" if abs(int(v)) >= 10_000 else str(v))  # type: ignore[call-overload]
        text += f" from {show(col.min_value)} to {show(col.max_value)}"
    return text


def _table_md(table: Table) -> str:
    need = "required" if table.required else "optional"
    lines = [f"## `{table.name}` / {table.zh} ({need} table)", "",
             "| column | 中文 | required | value |", "|---|---|---|---|"]
    for col in table.columns:
        lines.append(f"| `{col.name}` | {col.zh} | {'yes' if col.required else ''} | {_describe(col)} |")
    return "\n".join(lines)


_L = Limits()  # the defaults (the page must not depend on this machine's environment)


def contract_markdown() -> str:
    """The whole contract: one section per table, English and Chinese headers, value rules."""
    intro = (
        "# Input contract\n\n"
        "A dataset is a folder of CSV files (`areas.csv`, …) or one `.xlsx` workbook with a sheet\n"
        "per table. Headers may be the English or the Chinese names below; enum values may be the\n"
        "English identifiers or the Chinese terms. CSV may be UTF-8 (with or without BOM) or\n"
        "GB18030/GBK. Empty cells are empty values. Unknown extra columns are kept, except personal\n"
        "data: a column whose header (Chinese or English) or most of whose values look like identity\n"
        "numbers, phones, addresses, bank cards or e-mail addresses is withheld (never loaded, shown\n"
        "or exported; the import report names it) unless an administrator allows its header with\n"
        "`ORGNET_ALLOW_PERSONAL_COLUMNS`. Rows that break\n"
        "the contract are rejected with file, row, column, value and reason, and written back out\n"
        "(`orgnet validate DATA --rejects DIR`) so they can be fixed and re-imported.\n\n"
        f"Limits (settings, raised with `ORGNET_…` environment variables): a cell holds at most\n"
        f"{_L.max_cell_chars:,} characters (a longer one rejects its row); a table at most "
        f"{_L.max_rows:,} rows and\n{_L.max_columns:,} columns; a file at most {_L.max_file_mb} MB "
        f"and a workbook at most {_L.max_unzipped_mb:,} MB\nunpacked. A CSV whose encoding "
        "cannot be told apart (GB18030, Big5, Shift-JIS) needs `--encoding`.\n\n"
        "The optional `dataset` table (数据集) has one row: the reference date (统计日期) the ledgers\n"
        "describe; `orgnet load` and the app evaluate rules, KPIs and linkage on it unless another\n"
        "date is chosen (`--as-of`).\n\n"
        "This page is generated from `orgnet/model.py`.\n"
    )
    return (intro + "\n" + "\n\n".join(_table_md(t) for t in TABLES.values()) + "\n\n"
            + graph_markdown())


def _rel_line(rel: Rel, source: str, target: str, table: str, column: str, props: dict[str, str]) -> str:
    shown = f" {{{', '.join(props)}}}" if props else ""
    return f"| `{rel.value}`{shown} | {rel.zh} | {source} → {target} | `{table}.{column}` |"


def graph_markdown() -> str:
    """The graph model as the code defines it: the node label of each table and every
    relationship a row becomes, read from ``REF_RELS`` and ``LINK_RELS``."""
    lines = ["# Graph model", "",
             "Each row of a table with an `id` column is one node; reference columns and link",
             "tables become relationships. Areas carry a second label by level (`Street`, `Community`, …).",
             "", "| table | node label | 中文 |", "|---|---|---|"]
    lines += [f"| `{t}` | `{label.value}` | {label.zh} |" for t, label in TABLE_LABELS.items()]
    lines += ["", "| relationship | 中文 | from → to | from |", "|---|---|---|---|"]
    for ref in REF_RELS:
        row_label = f"`{TABLE_LABELS[ref.table].value}`"
        target = _ends_md(ref.table, ref.column)
        src, dst = (target, row_label) if ref.reverse else (row_label, target)
        lines.append(_rel_line(ref.rel, src, dst, ref.table, ref.column, ref.props))
    for link in LINK_RELS:
        lines.append(_rel_line(link.rel, _ends_md(link.table, link.source), _ends_md(link.table, link.target),
                               link.table, f"{link.source} → {link.target}", link.props))
    return "\n".join(lines) + "\n"


def _ends_md(table: str, column: str) -> str:
    """The node labels a reference column points at, as Markdown: `Unit` or `PartyOrg`."""
    return " or ".join(f"`{x}`" for x in targets_text_en(TABLES[table].column(column).targets))


def targets_text_en(targets: tuple[str, ...]) -> list[str]:
    """Node labels a reference column may point at (``area:community`` → ``Community``)."""
    kinds = {t.kind: label.value for name, label in TABLE_LABELS.items() if (t := TABLES[name]).kind}
    out: list[str] = []
    for spec in targets:
        kind, _, level = spec.partition(":")
        label = AREA_LABELS[AreaLevel(level)].value if level else kinds[kind]
        if label not in out:
            out.append(label)
    return out


if __name__ == "__main__":  # pragma: no cover
    print(contract_markdown(), end="")
