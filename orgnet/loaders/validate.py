"""Validation that loses nothing: every input row ends up accepted or rejected, with reasons.

:func:`validate_path` reads a dataset (:mod:`orgnet.loaders.read`), then checks what a
single cell cannot show: unique ids across the whole dataset (the first occurrence
stays), references that exist and point at the right kind, the area hierarchy (a parent
exactly one level up; a building's compound in the building's community), parent cycles,
"several units only for a joint branch", an evaluation between two parties of its
agreement, and finally cascades: a row referencing a
rejected row is rejected too, until nothing changes. For every table
``read = accepted + rejected``; a row with several errors is rejected once.

>>> result = validate_path("tests/data/tiny")          # doctest: +SKIP
>>> result.report.to_dict()["tables"]["members"]       # doctest: +SKIP
{'read': 12, 'accepted': 12, 'rejected': 0}
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from orgnet.model import (AREA_PARENT_LEVELS, TABLES, AreaLevel, ColType, Dataset,
                          OrgKind, Row, derive_form)
from orgnet.loaders.cells import bi
from orgnet.loaders.read import Problem, RawDataset, read_dataset
from orgnet.loaders.report import Report, TableCount

__all__ = ["ValidationResult", "validate_path", "validate_raw", "targets_text"]

Key = tuple[str, int]  # (table, index in ReadTable.rows)


@dataclass
class ValidationResult:
    """The accepted rows, the report, and what write-back needs (the raw read, rejections)."""

    dataset: Dataset
    report: Report
    raw: RawDataset
    #: table → spreadsheet row number → its problems (every rejected row, in row order)
    rejected: dict[str, dict[int, list[Problem]]] = field(default_factory=dict)


# ---------------------------------------------------------------------------
# naming kinds in messages
# ---------------------------------------------------------------------------

_KIND_NAMES: dict[str, tuple[str, str]] = {
    t.kind: (t.zh, t.kind.replace("_", " ")) for t in TABLES.values() if t.kind
}


def _target_name(spec: str) -> tuple[str, str]:
    """Chinese and English name of a reference target such as ``area:community``."""
    kind, _, level = spec.partition(":")
    if level:
        return AreaLevel(level).zh, f"{level} area"
    return _KIND_NAMES[kind]


def targets_text(targets: tuple[str, ...]) -> tuple[str, str]:
    """Chinese and English names of reference targets, e.g. ("党组织或单位", "party org or unit")."""
    names = [_target_name(t) for t in targets]
    return "或".join(zh for zh, _ in names), " or ".join(en for _, en in names)


class _Checker:
    """Holds the rows of every table, the id index and the rejections while checking."""

    def __init__(self, raw: RawDataset) -> None:
        self.raw = raw
        self.rows: dict[str, list[Row]] = {t: rt.rows for t, rt in raw.tables.items()}
        self.problems: dict[Key, list[Problem]] = {}
        self.index: dict[str, Key] = {}
        #: id → what it denotes: "party_org", "area:community", … ("area:?" when the level is bad)
        self.tags: dict[str, str] = {}
        for table, rt in raw.tables.items():
            for i, row in enumerate(rt.rows):
                found = rt.problems.get(row["_row"])
                if found:
                    self.problems[(table, i)] = list(found)

    # -- helpers ----------------------------------------------------------

    def row(self, key: Key) -> Row:
        return self.rows[key[0]][key[1]]

    def add(self, key: Key, column: str, value: object, reason: str) -> None:
        row = self.row(key)
        shown = ";".join(value) if isinstance(value, list) else ("" if value is None else str(value))
        self.problems.setdefault(key, []).append(Problem(key[0], row["_row"], column, shown, reason))

    def where(self, key: Key) -> tuple[str, str]:
        """How a row is named in a reason, e.g. ``party_orgs 第5行`` / ``party_orgs row 5``."""
        n = self.row(key)["_row"]
        return f"{key[0]} 第{n}行", f"{key[0]} row {n}"

    def keys(self, table: str) -> Iterator[tuple[Key, Row]]:
        for i, row in enumerate(self.rows.get(table, [])):
            yield (table, i), row

    def kind_of(self, key: Key) -> str | None:
        return TABLES[key[0]].kind

    def matches(self, key: Key, spec: str) -> bool:
        kind, _, level = spec.partition(":")
        if self.kind_of(key) != kind:
            return False
        return not level or self.row(key).get("level") == level

    # -- checks -----------------------------------------------------------

    def index_ids(self) -> None:
        """Unique ids across the dataset: first occurrence stays, later ones are rejected."""
        for table, t in TABLES.items():
            if t.id_column is None:
                continue
            for key, row in self.keys(table):
                ident = row.get(t.id_column)
                if ident is None:
                    continue
                first = self.index.get(ident)
                if first is None:
                    self.index[ident] = key
                    self.tags[ident] = self._tag(t.kind, row)
                    continue
                zh, en = self.where(first)
                self.add(key, t.id_column, ident,
                         bi(f"编号 {ident} 重复 (首次出现在 {zh})",
                            f"duplicate id {ident} (first used in {en})"))

    @staticmethod
    def _tag(kind: str | None, row: Row) -> str:
        if kind != "area":
            return kind or ""
        return f"area:{row.get('level') or '?'}"

    @staticmethod
    def _accepted_tags(targets: tuple[str, ...]) -> frozenset[str]:
        tags = {"area:?"}  # an area whose level is bad is rejected itself; the cascade says so
        for spec in targets:
            tags.update([f"area:{a.value}" for a in AreaLevel] if spec == "area" else [spec])
        return frozenset(tags)

    def check_references(self) -> None:
        """Every reference exists and points at an accepted kind."""
        tags = self.tags
        for table, t in TABLES.items():
            cols = [(c.name, c.type is ColType.refs, c.targets, self._accepted_tags(c.targets))
                    for c in t.columns if c.type in (ColType.ref, ColType.refs)]
            for key, row in self.keys(table):
                for name, many, targets, ok in cols:
                    value = row[name]
                    for target in (value if many else () if value is None else (value,)):
                        if tags.get(target) not in ok:
                            self._bad_reference(key, name, targets, target)

    def _bad_reference(self, key: Key, column: str, targets: tuple[str, ...], target: str) -> None:
        found = self.index.get(target)
        want_zh, want_en = targets_text(targets)
        if found is None:
            self.add(key, column, target, bi(f"引用的编号 {target} 不存在 (应为{want_zh})",
                                             f"references {target}, which does not exist "
                                             f"(expected a {want_en})"))
            return
        is_zh, is_en = self._describe(found)
        self.add(key, column, target, bi(f"{target} 是{is_zh}，应为{want_zh}",
                                         f"{target} is a {is_en}, expected a {want_en}"))

    def _describe(self, key: Key) -> tuple[str, str]:
        row = self.row(key)
        if self.kind_of(key) == "area" and row.get("level"):
            return _target_name(f"area:{row['level']}")
        return _KIND_NAMES[self.kind_of(key) or ""]

    def check_areas(self) -> None:
        """Parent exactly one level up; a building's compound lies in its community."""
        for key, row in self.keys("areas"):
            level = row.get("level")
            if level is None:
                continue
            self._check_parent_level(key, row, AreaLevel(level))
            self._check_compound(key, row, AreaLevel(level))

    def _check_parent_level(self, key: Key, row: Row, level: AreaLevel) -> None:
        parent = row.get("parent_id")
        allowed = AREA_PARENT_LEVELS[level]
        if parent is None:
            if level not in (AreaLevel.district, AreaLevel.street):
                names = "或".join(a.zh for a in allowed), " or ".join(a.value for a in allowed)
                self.add(key, "parent_id", None,
                         bi(f"{level.zh}必须填写上级编号 (应为{names[0]})",
                            f"a {level.value} needs a parent_id (a {names[1]})"))
            return
        if not allowed:
            self.add(key, "parent_id", parent, bi(f"{level.zh}没有上级区域",
                                                  f"a {level.value} has no parent area"))
            return
        found = self.index.get(parent)
        if found is None or self.kind_of(found) != "area" or not self.row(found).get("level"):
            return  # reported by check_references
        plevel = AreaLevel(self.row(found)["level"])
        if plevel not in allowed:
            names = "或".join(a.zh for a in allowed), " or ".join(a.value for a in allowed)
            self.add(key, "parent_id", parent,
                     bi(f"上级 {parent} 是{plevel.zh}，{level.zh}的上级应为{names[0]}",
                        f"parent {parent} is a {plevel.value}; a {level.value}'s parent "
                        f"must be a {names[1]}"))

    def _check_compound(self, key: Key, row: Row, level: AreaLevel) -> None:
        compound = row.get("compound_id")
        if compound is None:
            return
        if level is not AreaLevel.building:
            self.add(key, "compound_id", compound,
                     bi("只有楼栋可以填写所属小区", "only a building has a compound_id"))
            return
        found = self.index.get(compound)
        if found is None or not self.matches(found, "area:compound"):
            return  # reported by check_references
        mine, theirs = self.community_of(key), self.community_of(found)
        if mine and theirs and mine != theirs:
            self.add(key, "compound_id", compound,
                     bi(f"小区 {compound} 属于社区 {theirs}，楼栋属于社区 {mine}",
                        f"compound {compound} is in community {theirs}, "
                        f"the building in community {mine}"))

    def community_of(self, key: Key) -> str | None:
        """The id of the community an area is or lies in (None when the chain is broken)."""
        for _ in range(len(AreaLevel) + 1):
            row = self.row(key)
            if row.get("level") == AreaLevel.community.value:
                return row["id"]
            parent = self.index.get(row.get("parent_id") or "")
            if parent is None or parent[0] != "areas":
                return None
            key = parent
        return None

    def check_joint_units(self) -> None:
        """Only a joint branch may be based in several units."""
        for key, row in self.keys("party_orgs"):
            units = row.get("unit_ids") or []
            if len(units) > 1 and row.get("kind") != OrgKind.joint_branch.value:
                self.add(key, "unit_ids", units,
                         bi(f"只有{OrgKind.joint_branch.zh}可以填写多个所在单位",
                            "only a joint branch may list several units"))

    def check_evaluations(self) -> None:
        """An evaluation is given and received by two different parties of its agreement: a
        signatory itself, a party org based in a signatory unit, or a unit a signatory org is
        based in (a unit may sign through its party org and be evaluated as the unit)."""
        stands_for = self._party_aliases()
        parties: dict[str, set[str]] = {}
        for _, row in self.keys("agreement_parties"):
            if row.get("agreement_id") and row.get("party_id"):
                party = row["party_id"]
                parties.setdefault(row["agreement_id"], set()).update({party, *stands_for.get(party, ())})
        for key, row in self.keys("evaluations"):
            agreement, who, whom = row.get("agreement_id"), row.get("evaluator_id"), row.get("evaluatee_id")
            if not agreement or agreement not in self.index:
                continue  # check_references already said so
            if who is not None and who == whom:
                self.add(key, "evaluatee_id", whom,
                         bi("评价方与被评价方相同：双向评价是单位方与社区方相互评价",
                            "evaluator and evaluatee are the same: the unit side and the community "
                            "side evaluate each other"))
                continue
            signed = parties.get(agreement, set())
            for column, party in (("evaluator_id", who), ("evaluatee_id", whom)):
                if party is not None and party in self.index and party not in signed:
                    self.add(key, column, party,
                             bi(f"{party} 不是协议 {agreement} 的签约方（或其党组织、所在单位），"
                                f"请在签约方表补充或改正编号",
                                f"{party} is not a party to agreement {agreement} (nor its party org "
                                f"or unit): add it to agreement_parties or correct the id"))

    def _party_aliases(self) -> dict[str, set[str]]:
        """party org id → the units it is based in, unit id → the party orgs based in it."""
        out: dict[str, set[str]] = {}
        for _, row in self.keys("party_orgs"):
            for unit in row.get("unit_ids") or []:
                out.setdefault(row["id"], set()).add(unit)
                out.setdefault(unit, set()).add(row["id"])
        return out

    def check_dataset(self) -> None:
        """The dataset table holds one row (one reference date); later rows are rejected."""
        for key, row in list(self.keys("dataset"))[1:]:
            self.add(key, "as_of", row.get("as_of"),
                     bi("数据集表只能有一行（一个统计日期），请删除多余的行",
                        "the dataset table holds one row (one reference date): delete the extra rows"))

    def check_cycles(self, table: str) -> None:
        """Reject every row on a cycle of ``parent_id`` links."""
        state: dict[Key, int] = {}  # 1 = on the current path, 2 = done
        for start, _ in self.keys(table):
            path: list[Key] = []
            key: Key | None = start
            while key is not None and key not in state:
                state[key] = 1
                path.append(key)
                key = self._parent(key, table)
            if key is not None and state.get(key) == 1:
                self._reject_cycle(path[path.index(key):])
            for k in path:
                state[k] = 2

    def _parent(self, key: Key, table: str) -> Key | None:
        parent = self.index.get(self.row(key).get("parent_id") or "")
        return parent if parent is not None and parent[0] == table else None

    def _reject_cycle(self, cycle: list[Key]) -> None:
        ids = [self.row(k)["id"] for k in cycle]
        loop = " → ".join([*ids, ids[0]])
        for k in cycle:
            self.add(k, "parent_id", self.row(k).get("parent_id"),
                     bi(f"上级关系成环: {loop}", f"parent cycle: {loop}"))

    # -- cascades ---------------------------------------------------------

    def cascade(self) -> None:
        """Reject rows referencing rejected rows, transitively (breadth first, to a fixpoint)."""
        queue = deque(ident for ident, key in self.index.items() if key in self.problems)
        if not queue:
            return
        dependents = self._dependents()
        while queue:
            ident = queue.popleft()
            for key in dependents.pop(ident, ()):
                if key in self.problems:
                    continue
                self._reject_cascade(key, self._column_of(key, ident), ident, self.index[ident])
                own = self._own_id(key)
                if own is not None:
                    queue.append(own)

    def _dependents(self) -> dict[str, list[Key]]:
        """id → the accepted-so-far rows that reference it."""
        out: dict[str, list[Key]] = {}
        for table in TABLES:
            cols = _REF_COLUMNS[table]
            if not cols:
                continue
            for key, row in self.keys(table):
                if key in self.problems:
                    continue
                for c in cols:
                    for target in _as_list(row[c]):
                        out.setdefault(target, []).append(key)
        return out

    def _column_of(self, key: Key, ident: str) -> str:
        row = self.row(key)
        return next(c for c in _REF_COLUMNS[key[0]] if ident in _as_list(row[c]))

    def _own_id(self, key: Key) -> str | None:
        column = TABLES[key[0]].id_column
        ident = self.row(key).get(column) if column else None
        return ident if ident is not None and self.index.get(ident) == key else None

    def _reject_cascade(self, key: Key, column: str, target: str, target_key: Key) -> None:
        zh_kind, en_kind = self._describe(target_key)
        zh, en = self.where(target_key)
        self.add(key, column, target,
                 bi(f"引用的{zh_kind} {target} 已被拒绝 ({zh})",
                    f"references {en_kind} {target}, which was rejected ({en})"))

    # -- result -----------------------------------------------------------

    def run(self) -> ValidationResult:
        self.index_ids()
        self.check_references()
        self.check_areas()
        self.check_joint_units()
        self.check_dataset()
        self.check_evaluations()
        self.check_cycles("areas")
        self.check_cycles("party_orgs")
        self.cascade()
        return self.result()

    def result(self) -> ValidationResult:
        dataset = Dataset(source=str(self.raw.path))
        report = Report(source=str(self.raw.path))
        rejected: dict[str, dict[int, list[Problem]]] = {}
        for table in TABLES:
            accepted, by_row = [], {}
            for key, row in self.keys(table):
                if key in self.problems:
                    by_row[row["_row"]] = _sorted(table, self.problems[key])
                else:
                    accepted.append(row)
            dataset.tables[table] = accepted
            rejected[table] = by_row
            report.tables[table] = TableCount(len(self.rows.get(table, [])), len(accepted),
                                              len(by_row), table in self.raw.tables)
            report.errors.extend(p for ps in by_row.values() for p in ps)
            if table == "party_orgs":
                report.derived["party_orgs.form"] = _derive_forms(accepted)
            if table in self.raw.tables:
                report.personal.extend(self.raw.tables[table].personal)
        return ValidationResult(dataset, report, self.raw, rejected)


def _derive_forms(orgs: list[Row]) -> int:
    """Fill each organization's empty ``form`` from its name and kind; how many were filled."""
    filled = 0
    for row in orgs:
        if not row.get("form"):
            row["form"] = derive_form(row["kind"], row.get("name")).value
            filled += 1
    return filled


def _as_list(value: object) -> list[str]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]  # type: ignore[list-item]


_REF_COLUMNS = {t: [c.name for c in TABLES[t].columns if c.type in (ColType.ref, ColType.refs)]
                for t in TABLES}
_ORDER = {t: {c.name: i for i, c in enumerate(TABLES[t].columns)} for t in TABLES}


def _sorted(table: str, problems: list[Problem]) -> list[Problem]:
    if len(problems) == 1:
        return problems
    order = _ORDER[table]
    return sorted(problems, key=lambda p: order.get(p.column, len(order)))


def validate_raw(raw: RawDataset) -> ValidationResult:
    """Validate tables already read by :func:`orgnet.loaders.read.read_dataset`."""
    return _Checker(raw).run()


def validate_path(path: str | Path, encoding: str | None = None) -> ValidationResult:
    """Read and validate the dataset at ``path`` (folder of CSVs or .xlsx workbook).

    ``encoding`` names the CSV files' encoding when detection cannot tell (e.g. ``"big5"``).
    Raises :class:`~orgnet.errors.InputError` when it cannot be read at all.
    """
    return validate_raw(read_dataset(path, encoding))
