"""The Excel template: sheets, Chinese headers, dropdowns, examples that validate, 说明."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from orgnet.cli import main
from orgnet.errors import InputError
from orgnet.model import TABLES, ColType
from orgnet.loaders.template import INSTRUCTIONS_SHEET, write_template
from orgnet.loaders.validate import validate_path


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_template(tmp_path_factory.mktemp("tpl") / "模板.xlsx")


def test_template_validates_with_zero_rejects(template: Path) -> None:
    result = validate_path(template)
    assert result.report.rejected == 0, result.report.errors
    for table, counts in result.report.to_dict()["tables"].items():
        n = 1 if table == "dataset" else 2  # the dataset table holds one row: its reference date
        assert counts == {"read": n, "accepted": n, "rejected": 0}, table
    assert result.dataset.as_of == "2025-12-31"


def test_sheets_and_chinese_headers(template: Path) -> None:
    wb = openpyxl.load_workbook(template)
    assert wb.sheetnames == [INSTRUCTIONS_SHEET] + [t.zh for t in TABLES.values()]
    for table in TABLES.values():
        header = [c.value for c in wb[table.zh][1]]
        assert header == [c.zh for c in table.columns]


def test_dropdowns_on_enum_columns(template: Path) -> None:
    wb = openpyxl.load_workbook(template)
    for table in TABLES.values():
        ws = wb[table.zh]
        lists = {str(dv.sqref).split(":")[0].rstrip("0123456789"): dv.formula1
                 for dv in ws.data_validations.dataValidation}
        for i, column in enumerate(table.columns, start=1):
            letter = openpyxl.utils.get_column_letter(i)
            if column.type is ColType.enum:
                assert column.enum is not None
                assert lists[letter] == '"' + ",".join(m.zh for m in column.enum) + '"'
            elif column.type is not ColType.bool:
                assert letter not in lists


def test_instructions_cover_every_table_and_column(template: Path) -> None:
    ws = openpyxl.load_workbook(template)[INSTRUCTIONS_SHEET]
    text = "\n".join(str(c) for row in ws.iter_rows(values_only=True) for c in row if c)
    for table in TABLES.values():
        assert f"「{table.zh}」" in text
        for column in table.columns:
            assert column.zh in text and column.name in text


def test_template_cli(tmp_path: Path) -> None:
    out = tmp_path / "sub" / "t.xlsx"
    try:
        main(["template", "--out", str(out)])
    except SystemExit as e:
        assert not e.code
    assert validate_path(out).report.rejected == 0


def test_template_needs_xlsx(tmp_path: Path) -> None:
    with pytest.raises(InputError):
        write_template(tmp_path / "t.csv")
