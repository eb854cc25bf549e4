"""The Excel template an office fills in: ``orgnet template --out FILE.xlsx``.

One sheet per table, named with the table's Chinese name and headed with the Chinese
column names; enum (and yes/no) columns carry a dropdown of the Chinese values; every
sheet has two example rows that validate cleanly together; the first sheet, 说明,
explains every table and column in Chinese. Everything is derived from
:mod:`orgnet.model`, so the template never disagrees with the validator.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from orgnet.errors import InputError
from orgnet.model import (TABLES, AgreementStatus, AreaLevel, ColType, Column, EvaluationGrade,
                                MeetingLevel, MemberCategory, MemberStatus, NeedStatus,
                                OrgKind, Role, ServiceType, Side, Table, UnitKind)
from orgnet.loaders.validate import targets_text

__all__ = ["EXAMPLES", "INSTRUCTIONS_SHEET", "write_template"]

INSTRUCTIONS_SHEET = "说明"
_MAX_ROW = 5000  # dropdowns apply to this many rows
_D = dt.date

#: two example rows per table (column name → value); they validate cleanly together
EXAMPLES: dict[str, list[dict[str, Any]]] = {
    "areas": [
        {"id": "JD01", "name": "示例街道", "level": AreaLevel.street},
        {"id": "SQ01", "name": "示例社区", "level": AreaLevel.community, "parent_id": "JD01"},
    ],
    "party_orgs": [
        {"id": "DZ01", "name": "示例街道党工委", "kind": OrgKind.street_committee,
         "area_ids": "JD01", "established_on": _D(2010, 7, 1)},
        {"id": "DZ02", "name": "示例社区党委", "kind": OrgKind.community_committee,
         "parent_id": "DZ01", "area_ids": "SQ01", "established_on": _D(2012, 5, 1)},
    ],
    "units": [
        {"id": "DW01", "name": "示例区税务局", "kind": UnitKind.agency, "area_id": "SQ01",
         "resident": True, "staff": 30},
        {"id": "DW02", "name": "示例物业公司", "kind": UnitKind.property_company,
         "area_id": "SQ01", "resident": False, "staff": 12},
    ],
    "members": [
        {"id": "DY01", "name": "张三", "status": MemberStatus.formal,
         "category": MemberCategory.in_service, "org_id": "DZ02", "unit_id": "DW01",
         "home_area_id": "SQ01", "reported_area_id": "SQ01", "reported_on": _D(2024, 3, 1),
         "gender": "男", "birth_year": 1985},
        {"id": "DY02", "name": "李四", "status": MemberStatus.probationary,
         "category": MemberCategory.retired, "org_id": "DZ02", "home_area_id": "SQ01",
         "gender": "女", "birth_year": 1958},
    ],
    "roles": [
        {"member_id": "DY01", "target_id": "DZ02", "role": Role.part_time_member,
         "since": _D(2024, 1, 1)},
        {"member_id": "DY02", "target_id": "DZ02", "role": Role.committee_member,
         "since": _D(2023, 1, 1), "until": _D(2025, 12, 31)},
    ],
    "agreements": [
        {"id": "XY01", "title": "示例社区与示例区税务局共建协议", "signed_on": _D(2024, 1, 1),
         "expires_on": _D(2026, 12, 31), "status": AgreementStatus.active},
        {"id": "XY02", "title": "示例社区与示例物业公司共建协议", "signed_on": _D(2022, 1, 1),
         "expires_on": _D(2023, 12, 31), "status": AgreementStatus.expired},
    ],
    "agreement_parties": [
        {"agreement_id": "XY01", "party_id": "DZ02", "side": Side.community},
        {"agreement_id": "XY01", "party_id": "DW01", "side": Side.unit},
    ],
    "needs": [
        {"id": "XQ01", "area_id": "SQ01", "category": "助老", "title": "老年人助餐服务",
         "raised_on": _D(2024, 3, 1), "status": NeedStatus.open},
        {"id": "XQ02", "area_id": "SQ01", "category": "环境", "title": "楼道清洁",
         "raised_on": _D(2024, 2, 1), "status": NeedStatus.closed},
    ],
    "resources": [
        {"id": "ZY01", "unit_id": "DW01", "category": "志愿服务", "title": "税务政策宣讲"},
        {"id": "ZY02", "unit_id": "DW02", "category": "物业服务", "title": "楼道保洁"},
    ],
    "matches": [
        {"resource_id": "ZY02", "need_id": "XQ02", "matched_on": _D(2024, 2, 10)},
        {"resource_id": "ZY01", "need_id": "XQ01", "matched_on": _D(2024, 3, 10)},
    ],
    "services": [
        {"id": "FW01", "type": ServiceType.wish, "area_id": "SQ01", "title": "为独居老人买一台收音机",
         "posted_on": _D(2024, 4, 1), "claimed_by": "DY01", "claimed_on": _D(2024, 4, 2),
         "done_on": _D(2024, 4, 5)},
        {"id": "FW02", "type": ServiceType.post, "area_id": "SQ01", "title": "周末社区巡逻",
         "posted_on": _D(2024, 4, 1)},
    ],
    "meetings": [
        {"id": "HY01", "convener_id": "DZ02", "level": MeetingLevel.community,
         "held_on": _D(2024, 4, 10), "topic": "共建项目推进"},
        {"id": "HY02", "convener_id": "DZ01", "level": MeetingLevel.street,
         "held_on": _D(2024, 3, 28), "topic": "季度联席会议"},
    ],
    "attendance": [
        {"meeting_id": "HY01", "attendee_id": "DW01"},
        {"meeting_id": "HY02", "attendee_id": "DZ02"},
    ],
    "meeting_members": [
        {"convener_id": "DZ02", "member_id": "DW01", "since": _D(2024, 1, 1)},
        {"convener_id": "DZ02", "member_id": "DW02", "since": _D(2024, 1, 1)},
    ],
    # 共驻共建双向评价: each side of agreement XY01 evaluates the other once a year
    "evaluations": [
        {"id": "PJ01", "agreement_id": "XY01", "evaluator_id": "DW01", "evaluatee_id": "DZ02",
         "period": "2024年度", "evaluated_on": _D(2025, 1, 15), "grade": EvaluationGrade.excellent,
         "score": 92, "comment": "共建活动组织有力"},
        {"id": "PJ02", "agreement_id": "XY01", "evaluator_id": "DZ02", "evaluatee_id": "DW01",
         "period": "2024年度", "evaluated_on": _D(2025, 1, 15), "grade": EvaluationGrade.good,
         "score": 85, "comment": "在职党员报到服务积极"},
    ],
    # one row only: the day the ledgers describe
    "dataset": [
        {"as_of": _D(2025, 12, 31), "title": "示例区2025年度党建台账"},
    ],
}

_TYPE_ZH = {
    ColType.id: "编号（全数据集唯一，不可重复）",
    ColType.text: "文本",
    ColType.enum: "下拉选项",
    ColType.date: "日期（2024-03-01、2024/3/1 或 2024年3月1日）",
    ColType.int: "整数",
    ColType.bool: "是/否",
    ColType.ref: "引用另一张表的编号",
    ColType.refs: "多个编号，用分号 ; 或 ； 分隔",
}

_GENERAL = [
    "本模板用于填报城市基层党建联建网络数据，可直接用 orgnet validate 校验、导入。",
    "每张工作表对应一张表，表名和表头不要修改（中文或英文表头均可识别）。",
    "区域、党组织、单位、党员 四张表必填，其余表可以留空。",
    "“编号”在整个数据集中唯一：同一编号不能同时用于两个区域、党组织、单位或党员。",
    "引用列填写其他表中已有的编号，例如党员的“组织关系所在党组织”填党组织编号。",
    "日期可写 2024-03-01、2024/3/1 或 2024年3月1日；多个编号用分号 ; 或 ； 分隔。",
    "下拉列可选中文或英文取值；每张表前两行为示例（“数据集”表一行），填报时请删除或替换。",
    "“数据集”表只填一行：统计日期（台账反映的日期），导入后覆盖率、缺口和联建强度默认按该日期计算。",
    "校验时有问题的行会被拒绝并说明原因，其余行照常导入；被拒绝的行可导出（末尾 _reason 列为原因），修改后重新导入。",
]


def _choices(column: Column) -> list[str] | None:
    if column.type is ColType.enum and column.enum is not None:
        return [m.zh for m in column.enum]
    if column.type is ColType.bool:
        return ["是", "否"]
    return None


def _cell(value: Any) -> Any:
    if hasattr(value, "zh") and hasattr(value, "value"):
        return value.zh
    if isinstance(value, bool):
        return "是" if value else "否"
    return value


def _col_letter(i: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(i)


def _table_sheet(wb: Any, table: Table) -> None:
    from openpyxl.styles import Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    ws = wb.create_sheet(table.zh)
    ws.append([c.zh for c in table.columns])
    for example in EXAMPLES[table.name]:
        ws.append([_cell(example.get(c.name)) for c in table.columns])
    for i, column in enumerate(table.columns, start=1):
        letter = _col_letter(i)
        header = ws[f"{letter}1"]
        header.font = Font(bold=True, color="C00000" if column.required else "000000")
        header.fill = PatternFill("solid", fgColor="FDE9D9" if column.required else "F2F2F2")
        ws.column_dimensions[letter].width = max(12, 2 * len(column.zh) + 4)
        for r in range(2, 2 + len(EXAMPLES[table.name])):
            if column.type is ColType.date:
                ws[f"{letter}{r}"].number_format = "yyyy-mm-dd"
        choices = _choices(column)
        if choices:
            dv = DataValidation(type="list", formula1='"' + ",".join(choices) + '"',
                                allow_blank=not column.required, showDropDown=False)
            dv.error = "请从下拉列表中选择 / choose a value from the list"
            dv.add(f"{letter}2:{letter}{_MAX_ROW}")
            ws.add_data_validation(dv)
    ws.freeze_panes = "A2"


def _column_note(column: Column) -> str:
    if column.type in (ColType.ref, ColType.refs):
        return f"填写{targets_text(column.targets)[0]}的编号"
    choices = _choices(column)
    return "可选：" + "、".join(choices) if choices else ""


def _instructions(wb: Any) -> None:
    from openpyxl.styles import Font

    ws = wb.create_sheet(INSTRUCTIONS_SHEET, 0)
    ws.append(["填报说明"])
    ws["A1"].font = Font(bold=True, size=14)
    for line in _GENERAL:
        ws.append([line])
    for table in TABLES.values():
        ws.append([])
        need = "必填表" if table.required else "选填表"
        ws.append([f"工作表「{table.zh}」（{table.name}，{need}）"])
        ws.cell(ws.max_row, 1).font = Font(bold=True)
        ws.append(["列名", "英文列名", "类型", "是否必填", "说明"])
        for c in table.columns:
            ws.append([c.zh, c.name, _TYPE_ZH[c.type], "必填" if c.required else "选填",
                       _column_note(c)])
    for letter, width in zip("ABCDE", (24, 20, 34, 10, 60)):
        ws.column_dimensions[letter].width = width


def write_template(out: str | Path) -> Path:
    """Write the template workbook to ``out`` (.xlsx) and return its path."""
    import openpyxl

    out = Path(out)
    if out.suffix.lower() != ".xlsx":
        raise InputError(f"{out}: the template must be an .xlsx file")
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    _instructions(wb)
    for table in TABLES.values():
        _table_sheet(wb, table)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        wb.save(out)
    except OSError as e:
        raise InputError(f"{out}: cannot write the template ({e})") from e
    return out
