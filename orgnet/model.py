"""The model, once: labels, relationship types, enums (defined in :mod:`orgnet.enums`),
tables and columns; the input contract ``docs/input.md`` is generated from it.

This is the single source that loaders, queries and the UI use. English identifiers in
code, Chinese names for the UI. No enum value is spelled anywhere else.

>>> OrgKind.parse("网格党支部")
<OrgKind.grid_branch: 'grid_branch'>
>>> OrgKind.grid_branch.zh
'网格党支部'
>>> TABLES["members"].column("org_id").zh
'组织关系所在党组织'
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import Enum
from typing import TYPE_CHECKING, Any, NamedTuple

from orgnet.enums import (  # noqa: F401 - the enumerations: defined there, imported from here
    ZhEnum, AreaLevel, AREA_PARENT_LEVELS, OrgKind, OrgForm, KIND_FORMS, derive_form, UnitKind,
    Affiliation, TWO_NEW_KINDS, LARGE_UNIT_KINDS, MemberStatus, MemberCategory, Role,
    AgreementStatus, Side, NeedStatus, ServiceType, EvaluationGrade, EVALUATION_WINDOW_MONTHS,
    MeetingLevel,
)

if TYPE_CHECKING:
    from datetime import date


# ---------------------------------------------------------------------------
# Node labels and relationship types of the graph
# ---------------------------------------------------------------------------


class Label(ZhEnum):
    Area = ("Area", "区域")
    District = ("District", "区")
    Street = ("Street", "街道")
    Community = ("Community", "社区")
    Grid = ("Grid", "网格")
    Compound = ("Compound", "小区")
    Building = ("Building", "楼栋")
    PartyOrg = ("PartyOrg", "党组织")
    Unit = ("Unit", "单位")
    Member = ("Member", "党员")
    Agreement = ("Agreement", "共建协议")
    Need = ("Need", "需求")
    Resource = ("Resource", "资源")
    Service = ("Service", "服务")
    Meeting = ("Meeting", "联席会议")
    Evaluation = ("Evaluation", "共建评价")


#: the second label of an area node, by level
AREA_LABELS: dict[AreaLevel, Label] = {
    AreaLevel.district: Label.District,
    AreaLevel.street: Label.Street,
    AreaLevel.community: Label.Community,
    AreaLevel.grid: Label.Grid,
    AreaLevel.compound: Label.Compound,
    AreaLevel.building: Label.Building,
}


class Rel(ZhEnum):
    PART_OF = ("PART_OF", "隶属")
    SUBORDINATE_TO = ("SUBORDINATE_TO", "上级党组织")
    COVERS = ("COVERS", "负责区域")
    BASED_IN = ("BASED_IN", "所在单位")
    LOCATED_IN = ("LOCATED_IN", "位于")
    SERVES = ("SERVES", "服务小区")
    MEMBER_OF = ("MEMBER_OF", "组织关系")
    WORKS_AT = ("WORKS_AT", "工作单位")
    LIVES_IN = ("LIVES_IN", "居住")
    REPORTED_TO = ("REPORTED_TO", "报到")
    HOLDS = ("HOLDS", "任职")
    PARTY_TO = ("PARTY_TO", "签约")
    RAISED = ("RAISED", "提出需求")
    OFFERS = ("OFFERS", "提供资源")
    FULFILS = ("FULFILS", "对接")
    POSTED = ("POSTED", "发布")
    CLAIMED = ("CLAIMED", "认领")
    CONVENED = ("CONVENED", "召集")
    ATTENDED = ("ATTENDED", "参会")
    JOINT_MEMBER_OF = ("JOINT_MEMBER_OF", "联席会议成员")
    MANAGED_BY = ("MANAGED_BY", "管理党组织")
    EVALUATED = ("EVALUATED", "作出评价")
    ASSESSES = ("ASSESSES", "评价对象")
    UNDER = ("UNDER", "依据协议")


# ---------------------------------------------------------------------------
# Tables and columns: the input contract (docs/input.md is generated from them)
# ---------------------------------------------------------------------------


class ColType(str, Enum):
    """How a cell is parsed and what Python type it becomes in a validated row."""

    id = "id"  # str, stripped, full-width digits folded, "1001.0" → "1001"
    text = "text"  # str, stripped
    enum = "enum"  # English identifier str
    date = "date"  # ISO "YYYY-MM-DD" str
    int = "int"  # int
    bool = "bool"  # bool
    ref = "ref"  # str id of another row
    refs = "refs"  # list[str] of ids (`;` or `；` separated); [] when empty


#: plausible dates (every date column): from the founding of the CPC to some years ahead of
#: today (agreements expire and meetings are planned in the future)
DATE_MIN = "1921-07-01"
DATE_YEARS_AHEAD = 30
#: the reference year of ``Column.max_value`` / ``min_value``: the current year
THIS_YEAR = "this_year"
#: the widest integer a store keeps exactly (64-bit); declared ranges are narrower
INT_LIMIT = 2**63 - 1


@dataclass(frozen=True)
class Column:
    name: str
    zh: str
    type: ColType = ColType.text
    required: bool = False
    enum: type[ZhEnum] | None = None
    #: for ref/refs: accepted target kinds, e.g. ("area:community",) or ("party_org", "unit")
    targets: tuple[str, ...] = ()
    #: extra accepted header spellings
    aliases: tuple[str, ...] = ()
    #: plausible range of an int column (inclusive; ``THIS_YEAR`` = the current year)
    min_value: int | str | None = None
    max_value: int | str | None = None

    def bounds(self, today: "date | None" = None) -> tuple[Any, Any] | None:
        """The inclusive plausible range of an int or date column, resolved for ``today``:
        ints ``(min, max)``; dates ISO strings ``(DATE_MIN, today + DATE_YEARS_AHEAD)``."""
        from datetime import date as _date

        today = today or _date.today()
        if self.type is ColType.date:
            try:
                ahead = today.replace(year=today.year + DATE_YEARS_AHEAD)
            except ValueError:  # 29 February
                ahead = today.replace(year=today.year + DATE_YEARS_AHEAD, day=28)
            return DATE_MIN, ahead.isoformat()
        if self.type is ColType.int:
            resolve = (lambda v, default: today.year if v == THIS_YEAR
                       else default if v is None else v)
            return resolve(self.min_value, -INT_LIMIT), resolve(self.max_value, INT_LIMIT)
        return None

    @property
    def headers(self) -> tuple[str, ...]:
        return (self.name, self.zh, *self.aliases)


@dataclass(frozen=True)
class Table:
    name: str
    zh: str
    columns: tuple[Column, ...]
    required: bool = False
    #: the column holding the row's dataset-wide unique id, or None for link tables
    id_column: str | None = "id"
    #: the kind of node this table's ids denote (for reference checks)
    kind: str | None = None

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(f"table {self.name} has no column {name}")

    @property
    def required_columns(self) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if c.required)


def _c(name: str, zh: str, type: ColType = ColType.text, required: bool = False,
       enum: type[ZhEnum] | None = None, targets: tuple[str, ...] = (),
       aliases: tuple[str, ...] = (), min_value: int | str | None = None,
       max_value: int | str | None = None) -> Column:
    return Column(name, zh, type, required, enum, targets, aliases, min_value, max_value)


ID = ColType.id
T = ColType

_TABLES: tuple[Table, ...] = (
    Table("areas", "区域", required=True, kind="area", columns=(
        _c("id", "编号", ID, True),
        _c("name", "名称", required=True),
        _c("level", "层级", T.enum, True, AreaLevel),
        _c("parent_id", "上级编号", T.ref, targets=("area",)),
        _c("compound_id", "所属小区", T.ref, targets=("area:compound",)),
    )),
    Table("party_orgs", "党组织", required=True, kind="party_org", columns=(
        _c("id", "编号", ID, True),
        _c("name", "名称", required=True),
        _c("kind", "类型", T.enum, True, OrgKind),
        _c("parent_id", "上级党组织", T.ref, targets=("party_org",)),
        _c("area_ids", "负责区域", T.refs, targets=("area",)),
        _c("unit_ids", "所在单位", T.refs, targets=("unit",)),
        _c("established_on", "成立日期", T.date),
        # 单位党组织双报到: the community a unit's party org reported to (000, 003)
        _c("reported_area_id", "报到社区", T.ref, targets=("area:community",)),
        _c("reported_on", "报到日期", T.date),
        # 组织形式 (empty: derived from the kind and the name, and the import report says so)
        _c("form", "组织形式", T.enum, enum=OrgForm),
        # 换届: the last election, and the term in years (empty: the policy's default term)
        _c("elected_on", "换届日期", T.date, aliases=("上次换届日期",)),
        _c("term_years", "任期年限", T.int, min_value=1, max_value=10),
    )),
    Table("units", "单位", required=True, kind="unit", columns=(
        _c("id", "编号", ID, True),
        _c("name", "名称", required=True),
        _c("kind", "类型", T.enum, True, UnitKind),
        _c("area_id", "所在区域", T.ref, True, targets=("area:community", "area:building")),
        _c("resident", "是否驻区单位", T.bool),
        _c("serves_area_ids", "服务小区", T.refs, targets=("area:compound",)),
        _c("staff", "职工人数", T.int, min_value=0, max_value=10_000_000),
        _c("affiliation", "隶属层级", T.enum, enum=Affiliation),
        _c("key_unit", "重点单位", T.bool),
    )),
    Table("members", "党员", required=True, kind="member", columns=(
        _c("id", "编号", ID, True),
        _c("name", "姓名", required=True),
        _c("status", "党员状态", T.enum, True, MemberStatus),
        _c("category", "党员类别", T.enum, True, MemberCategory),
        _c("org_id", "组织关系所在党组织", T.ref, targets=("party_org",)),
        _c("unit_id", "工作单位", T.ref, targets=("unit",)),
        _c("home_area_id", "居住楼栋或社区", T.ref,
           targets=("area:community", "area:grid", "area:compound", "area:building")),
        _c("reported_area_id", "报到社区", T.ref, targets=("area:community",)),
        _c("reported_on", "报到日期", T.date),
        _c("gender", "性别"),
        _c("birth_year", "出生年份", T.int, min_value=1900, max_value=THIS_YEAR),
        _c("joined_on", "入党日期", T.date),
        _c("full_on", "转正日期", T.date),
        # 流动党员: the organization managing the member's activities where they are (流入地),
        # beside org_id (组织关系所在党组织); org_outside: a 组织关系 held outside the district
        _c("managing_org_id", "管理党组织", T.ref, targets=("party_org",)),
        _c("org_outside", "组织关系所在地"),
    )),
    Table("roles", "任职", kind=None, id_column=None, columns=(
        _c("member_id", "党员编号", T.ref, True, targets=("member",)),
        _c("target_id", "党组织或单位", T.ref, True, targets=("party_org", "unit")),
        _c("role", "职务", T.enum, True, Role),
        _c("since", "任职日期", T.date),
        _c("until", "离任日期", T.date),
    )),
    Table("agreements", "共建协议", kind="agreement", columns=(
        _c("id", "编号", ID, True),
        _c("title", "协议名称", required=True),
        _c("signed_on", "签订日期", T.date),
        _c("expires_on", "到期日期", T.date),
        _c("status", "状态", T.enum, True, AgreementStatus),
    )),
    Table("agreement_parties", "签约方", kind=None, id_column=None, columns=(
        _c("agreement_id", "协议编号", T.ref, True, targets=("agreement",)),
        _c("party_id", "签约方", T.ref, True, targets=("party_org", "unit")),
        _c("side", "签约方类型", T.enum, False, Side),
    )),
    Table("needs", "需求清单", kind="need", columns=(
        _c("id", "编号", ID, True),
        _c("area_id", "社区", T.ref, True, targets=("area:community",)),
        _c("category", "类别"),
        _c("title", "需求", required=True),
        _c("raised_on", "提出日期", T.date),
        _c("status", "状态", T.enum, True, NeedStatus),
    )),
    Table("resources", "资源清单", kind="resource", columns=(
        _c("id", "编号", ID, True),
        _c("unit_id", "单位", T.ref, True, targets=("unit",)),
        _c("category", "类别"),
        _c("title", "资源", required=True),
    )),
    Table("matches", "清单对接", kind=None, id_column=None, columns=(
        _c("resource_id", "资源编号", T.ref, True, targets=("resource",)),
        _c("need_id", "需求编号", T.ref, True, targets=("need",)),
        _c("matched_on", "对接日期", T.date),
    )),
    Table("services", "微心愿与志愿岗位", kind="service", columns=(
        _c("id", "编号", ID, True),
        _c("type", "类型", T.enum, True, ServiceType),
        _c("area_id", "社区", T.ref, True, targets=("area:community",)),
        _c("title", "内容", required=True),
        _c("posted_on", "发布日期", T.date),
        _c("claimed_by", "认领党员", T.ref, targets=("member",)),
        _c("claimed_on", "认领日期", T.date),
        _c("done_on", "完成日期", T.date),
    )),
    Table("meetings", "联席会议", kind="meeting", columns=(
        _c("id", "编号", ID, True),
        _c("convener_id", "召集党组织", T.ref, True, targets=("party_org",)),
        _c("level", "层级", T.enum, True, MeetingLevel),
        _c("held_on", "召开日期", T.date, True),
        _c("topic", "议题"),
    )),
    Table("attendance", "参会单位", kind=None, id_column=None, columns=(
        _c("meeting_id", "会议编号", T.ref, True, targets=("meeting",)),
        _c("attendee_id", "参会单位", T.ref, True, targets=("party_org", "unit")),
    )),
    # 联席会议成员单位: the member units of a committee's joint meeting (003): a community's
    # take in branch secretaries' orgs, owners' committees and property companies; a street's
    # representative 中省市 units and two-new organizations
    Table("meeting_members", "联席会议成员单位", kind=None, id_column=None, columns=(
        _c("convener_id", "召集党组织", T.ref, True, targets=("party_org",)),
        _c("member_id", "成员单位", T.ref, True, targets=("party_org", "unit")),
        _c("since", "加入日期", T.date),
        _c("until", "退出日期", T.date),
    )),
    # 共驻共建责任双向评价 (000): a resident unit (or its party org) evaluates the community party
    # org's co-building duties and the community evaluates the unit's, under their agreement
    Table("evaluations", "共建双向评价", kind="evaluation", columns=(
        _c("id", "编号", ID, True),
        _c("agreement_id", "协议编号", T.ref, True, targets=("agreement",)),
        _c("evaluator_id", "评价方", T.ref, True, targets=("party_org", "unit")),
        _c("evaluatee_id", "被评价方", T.ref, True, targets=("party_org", "unit")),
        _c("period", "评价周期", aliases=("评价年度",)),
        _c("evaluated_on", "评价日期", T.date, True),
        _c("grade", "评价等次", T.enum, True, EvaluationGrade, aliases=("等次",)),
        _c("score", "评价得分", T.int, min_value=0, max_value=100, aliases=("得分",)),
        _c("comment", "评价意见", aliases=("意见",)),
    )),
    # one row: the day the ledgers describe (rules, KPIs and linkage are evaluated on it by
    # default); not a node: the load stores it in the graph's metadata
    Table("dataset", "数据集", kind=None, id_column=None, columns=(
        _c("as_of", "统计日期", T.date, True, aliases=("reference_date", "截止日期")),
        _c("title", "名称"),
    )),
)

#: tables in dependency order (a table only references tables before it, except
#: party_orgs → units, which validation resolves after reading everything)
TABLES: dict[str, Table] = {t.name: t for t in _TABLES}
TABLE_ORDER: tuple[str, ...] = tuple(TABLES)
REQUIRED_TABLES: tuple[str, ...] = tuple(t.name for t in _TABLES if t.required)

#: node label of the rows of each id-bearing table (areas get a second label by level)
TABLE_LABELS: dict[str, Label] = {
    "areas": Label.Area,
    "party_orgs": Label.PartyOrg,
    "units": Label.Unit,
    "members": Label.Member,
    "agreements": Label.Agreement,
    "needs": Label.Need,
    "resources": Label.Resource,
    "services": Label.Service,
    "meetings": Label.Meeting,
    "evaluations": Label.Evaluation,
}

#: the property that says what kind of thing a node is, and the enum that names it, by primary
#: label (the ``view_*`` Cypher files read the same properties: ``coalesce(level, kind, type, category)``)
KIND_PROPERTY: dict[Label, tuple[str, type[ZhEnum]]] = {
    Label.Area: ("level", AreaLevel),
    Label.PartyOrg: ("kind", OrgKind),
    Label.Unit: ("kind", UnitKind),
    Label.Member: ("category", MemberCategory),
    Label.Service: ("type", ServiceType),
}

#: the status enum of each label that has a ``status`` property
STATUS_ENUM: dict[Label, type[ZhEnum]] = {
    Label.Member: MemberStatus,
    Label.Agreement: AgreementStatus,
    Label.Need: NeedStatus,
}


def node_kind(label: str | Label | None, props: dict[str, Any]) -> str | None:
    """The kind of a node (its area level, org or unit kind, member category, service type).

    >>> node_kind("Area", {"level": "grid"}), node_kind("Member", {"category": "floating"})
    ('grid', 'floating')
    """
    try:
        prop = KIND_PROPERTY[Label(label)][0]
    except (KeyError, ValueError):
        return None
    return props.get(prop) or None


def kind_member(value: str | None) -> ZhEnum | None:
    """The enum member a bare kind code names, as gap rows carry it (``grid`` → AreaLevel.grid).

    Kinds are looked up in the order of :data:`KIND_PROPERTY`, then among labels.

    >>> kind_member("grid_branch"), kind_member("nope")
    (<OrgKind.grid_branch: 'grid_branch'>, None)
    """
    for _, enum in KIND_PROPERTY.values():
        try:
            return enum.parse(value)
        except (ValueError, TypeError):
            continue
    try:
        return Label.parse(value)
    except (ValueError, TypeError):
        return None


def kind_enum(label: str | Label | None) -> type[ZhEnum] | None:
    """The enum naming the kinds of nodes with this primary label (None: it has no kinds)."""
    try:
        return KIND_PROPERTY[Label(label)][1]
    except (KeyError, ValueError):
        return None


# ---------------------------------------------------------------------------
# A validated dataset: what loaders produce and the store, oracle and app consume
# ---------------------------------------------------------------------------

Row = dict[str, Any]
"""A validated row.

Keys: every column name of its table (English; ``None`` when the cell was empty;
``refs`` columns are ``list[str]``, ``[]`` when empty), typed as ``ColType`` says
(ids/refs/text ``str``, enums the English identifier ``str``, dates ISO ``str``,
``int``, ``bool``); ``"_row"``: the spreadsheet row number (header = 1); ``"_extra"``:
``dict[str, str]`` of unknown extra columns, by their original header.
"""


@dataclass
class Dataset:
    """Accepted rows of every table, in table order. Tables absent from the input are []."""

    tables: dict[str, list[Row]] = field(default_factory=lambda: {t: [] for t in TABLES})
    source: str = ""

    def rows(self, table: str) -> list[Row]:
        return self.tables.get(table, [])

    def counts(self) -> dict[str, int]:
        return {t: len(rows) for t, rows in self.tables.items()}

    @property
    def as_of(self) -> str | None:
        """The reference date the dataset records (its ``dataset`` table), or None."""
        rows = self.rows("dataset")
        return rows[0].get("as_of") if rows else None

    @property
    def series(self) -> str:
        """The series (district) this dataset is a snapshot of, by default: its dataset
        table's title without a period tag, else its district areas' ids and names, else ""
        (:func:`series_name`)."""
        rows = self.rows("dataset")
        districts = [(r["id"], r.get("name") or "") for r in self.rows("areas")
                     if r.get("level") == AreaLevel.district.value]
        return series_name(rows[0].get("title") if rows else None, districts)


#: a period tag at the end of a title: a bracketed part holding a digit ("（2026Q2）",
#: "(种子 0)"), or a trailing date, quarter or year ("2026-06-30", "2026Q2", "2026年二季度")
_PERIOD_TAG = re.compile(r"(\s*[（(][^（）()]*\d[^（）()]*[）)]"
                         r"|[\s_·-]*\d{4}(?:[-/.]\d{1,2}(?:[-/.]\d{1,2})?|\s*[Qq][1-4]|年\S*))\s*$")


def series_name(title: str | None, districts: list[tuple[str, str]] = ()) -> str:
    """The series a dataset belongs to: its title without the period tags that tell one
    snapshot of it from the next, else its district areas as "id name" (joined with 、).

    >>> series_name("潍坊市潍城区模拟数据（2026Q2）"), series_name("西关街道台账 2026年二季度")
    ('潍坊市潍城区模拟数据', '西关街道台账')
    >>> series_name(None, [("D1", "潍城区")]), series_name("", [])
    ('D1 潍城区', '')
    """
    text = (title or "").strip()
    while (short := _PERIOD_TAG.sub("", text)) != text:
        text = short.strip()
    if text:
        return text
    return "、".join(f"{i} {n}".strip() for i, n in districts)


# ---------------------------------------------------------------------------
# From rows to the graph: node properties, labels, relationships. The stores'
# loader (graph/load.py) and the networkx form (graph/nx.py) both build the graph from these.
# ---------------------------------------------------------------------------

_REF_TYPES = (ColType.ref, ColType.refs)


class RefRel(NamedTuple):
    """A reference column that becomes a relationship: ``reverse=False`` row's node →
    referenced node, True: referenced node → row's node; ``props``: {rel property: column}."""

    table: str
    column: str
    rel: Rel
    reverse: bool = False
    props: dict[str, str] = {}


class LinkRel(NamedTuple):
    """A link table (no id column): each row is one relationship ``source`` → ``target``;
    ``keys``: the properties that tell two relationships of the same pair apart (MERGE keys)."""

    table: str
    source: str
    target: str
    rel: Rel
    props: dict[str, str] = {}
    keys: tuple[str, ...] = ()


REF_RELS: tuple[RefRel, ...] = (
    RefRel("areas", "parent_id", Rel.PART_OF),
    RefRel("areas", "compound_id", Rel.PART_OF),
    RefRel("party_orgs", "parent_id", Rel.SUBORDINATE_TO),
    RefRel("party_orgs", "area_ids", Rel.COVERS),
    RefRel("party_orgs", "unit_ids", Rel.BASED_IN),
    RefRel("party_orgs", "reported_area_id", Rel.REPORTED_TO, props={"on": "reported_on"}),
    RefRel("units", "area_id", Rel.LOCATED_IN),
    RefRel("units", "serves_area_ids", Rel.SERVES),
    RefRel("members", "org_id", Rel.MEMBER_OF),
    RefRel("members", "unit_id", Rel.WORKS_AT),
    RefRel("members", "home_area_id", Rel.LIVES_IN),
    RefRel("members", "reported_area_id", Rel.REPORTED_TO, props={"on": "reported_on"}),
    RefRel("members", "managing_org_id", Rel.MANAGED_BY),
    RefRel("needs", "area_id", Rel.RAISED, reverse=True),
    RefRel("resources", "unit_id", Rel.OFFERS, reverse=True),
    RefRel("services", "area_id", Rel.POSTED, reverse=True),
    RefRel("services", "claimed_by", Rel.CLAIMED, reverse=True, props={"on": "claimed_on", "done_on": "done_on"}),
    RefRel("meetings", "convener_id", Rel.CONVENED, reverse=True),
    RefRel("evaluations", "evaluator_id", Rel.EVALUATED, reverse=True),
    RefRel("evaluations", "evaluatee_id", Rel.ASSESSES),
    RefRel("evaluations", "agreement_id", Rel.UNDER),
)

LINK_RELS: tuple[LinkRel, ...] = (
    LinkRel("roles", "member_id", "target_id", Rel.HOLDS, {"role": "role", "since": "since", "until": "until"},
            keys=("role",)),
    LinkRel("agreement_parties", "party_id", "agreement_id", Rel.PARTY_TO, {"side": "side"}),
    LinkRel("matches", "resource_id", "need_id", Rel.FULFILS, {"on": "matched_on"}),
    LinkRel("attendance", "attendee_id", "meeting_id", Rel.ATTENDED),
    LinkRel("meeting_members", "member_id", "convener_id", Rel.JOINT_MEMBER_OF,
            {"since": "since", "until": "until"}),
)


@functools.cache
def scalar_columns(table: str) -> tuple[str, ...]:
    """The columns of ``table`` that become node properties (references become relationships)."""
    return tuple(c.name for c in TABLES[table].columns if c.type not in _REF_TYPES)


def node_properties(table: str, row: Row) -> dict[str, Any]:
    """The stored properties of a row's node: non-reference columns, then extra columns
    (never ``_row`` or other ``_`` keys); empty values are left out."""
    columns = scalar_columns(table)
    props = {name: value for name in columns if (value := row.get(name)) is not None}
    for key, value in (row.get("_extra") or {}).items():
        if key not in props and not key.startswith("_") and value is not None:
            props[key] = value
    return props


def node_labels(table: str, row: Row) -> tuple[str, ...]:
    """Labels of a row's node, primary first: ``("Area", "Community")``, ``("Unit",)``."""
    primary = TABLE_LABELS[table].value
    if table == "areas":
        return (primary, AREA_LABELS[AreaLevel(row["level"])].value)
    return (primary,)


def relationships(dataset: Dataset) -> Iterator[tuple[Rel, str, str, dict[str, Any], tuple[str, ...]]]:
    """Every relationship of a dataset: ``(type, from id, to id, properties, merge keys)``;
    properties keep empty values (``None``) so callers decide what to store."""
    for ref in REF_RELS:
        multi = TABLES[ref.table].column(ref.column).type is ColType.refs
        for row in dataset.rows(ref.table):
            targets = row.get(ref.column) or []
            if not multi:
                targets = [targets] if targets else []
            props = {k: row.get(c) for k, c in ref.props.items()}
            for target in targets:
                src, dst = (target, row["id"]) if ref.reverse else (row["id"], target)
                yield ref.rel, src, dst, props, ()
    for link in LINK_RELS:
        for row in dataset.rows(link.table):
            if row.get(link.source) and row.get(link.target):
                yield (link.rel, row[link.source], row[link.target],
                       {k: row.get(c) for k, c in link.props.items()}, link.keys)
