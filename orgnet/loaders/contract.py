"""The input contract as Markdown, rendered from the model so it never drifts.

``docs/input.md`` is this text; ``tests/test_contract_doc.py`` keeps them equal.
Regenerate with ``python -m orgnet.loaders.contract > docs/input.md``.
"""

from __future__ import annotations

from orgnet.graph.model import TABLES, ColType, Column, Table

_TYPE_TEXT = {
    ColType.id: "id (unique across the dataset)",
    ColType.text: "text",
    ColType.enum: "one of",
    ColType.date: "date (YYYY-MM-DD, YYYY/M/D, YYYY年M月D日 or an Excel date)",
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
    return text


def _table_md(table: Table) -> str:
    need = "required" if table.required else "optional"
    lines = [f"## `{table.name}` / {table.zh} ({need} table)", "",
             "| column | 中文 | required | value |", "|---|---|---|---|"]
    for col in table.columns:
        lines.append(f"| `{col.name}` | {col.zh} | {'yes' if col.required else ''} | {_describe(col)} |")
    return "\n".join(lines)


def contract_markdown() -> str:
    """The whole contract: one section per table, English and Chinese headers, value rules."""
    intro = (
        "# Input contract\n\n"
        "A dataset is a folder of CSV files (`areas.csv`, …) or one `.xlsx` workbook with a sheet\n"
        "per table. Headers may be the English or the Chinese names below; enum values may be the\n"
        "English identifiers or the Chinese terms. CSV may be UTF-8 (with or without BOM) or\n"
        "GB18030/GBK. Empty cells are empty values. Unknown extra columns are kept. Rows that break\n"
        "the contract are rejected with file, row, column, value and reason, and written back out\n"
        "(`orgnet validate DATA --rejects DIR`) so they can be fixed and re-imported.\n\n"
        "This page is generated from `orgnet/graph/model.py`.\n"
    )
    return intro + "\n" + "\n\n".join(_table_md(t) for t in TABLES.values()) + "\n"


if __name__ == "__main__":  # pragma: no cover
    print(contract_markdown(), end="")
