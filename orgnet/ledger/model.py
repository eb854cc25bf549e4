"""The follow-up record (整改督办台账的一条记录): fields, statuses, and pure transitions.

A record follows one gap of one series (the district whose snapshots it is synced with,
:mod:`orgnet.graph.snapshots`), identified like a gap in :mod:`orgnet.analysis.changes` by
``(rule, id)`` within its series (its ``key`` is ``series|rule|id``; records made before
series existed keep their ``rule|id`` key and get the series of the snapshot they were
assigned on, :func:`orgnet.ledger.service.migrate_series`). Every change bumps ``version`` and appends an
entry to ``history``; an update made against an older version is refused (optimistic
concurrency, :class:`FollowUpConflict`). Notes and history are lists of small dicts, kept
as JSON text in the store so both engines hold them the same way.
"""

from __future__ import annotations

import datetime as _dt
import json
from dataclasses import dataclass
from typing import Any

from orgnet.errors import InputError, OrgnetError
from orgnet.model import ZhEnum


class FollowUpStatus(ZhEnum):
    """待整改 / 整改中 / 已销号 / 暂缓 (deferral needs a reason)."""

    open = ("open", "待整改")
    in_progress = ("in_progress", "整改中")
    closed = ("closed", "已销号")
    deferred = ("deferred", "暂缓")


#: statuses still being worked on (auto-close applies, overdue counts)
ACTIVE_STATUSES: tuple[str, ...] = (FollowUpStatus.open.value, FollowUpStatus.in_progress.value,
                                    FollowUpStatus.deferred.value)

#: who answers for a gap (the street's party working committee is directly responsible, the
#: community's party org specifically: 街道党工委直接责任、社区党组织具体责任)
RESPONSIBLE_KINDS: tuple[str, ...] = ("community", "street")


class FollowUpError(OrgnetError):
    """A follow-up record cannot be written as asked (the message says what to fix)."""


class FollowUpConflict(FollowUpError):
    """Someone else changed the record since it was read: reload it and apply the change again."""


class FollowUpNotFound(FollowUpError):
    """No follow-up record for that gap."""


#: every stored field of a record, in export order (notes/history as lists)
FIELDS: tuple[str, ...] = (
    "key", "rule", "gap_id", "name", "kind", "street_id", "street", "community_id", "community", "detail",
    "responsible_kind", "responsible", "person", "deadline", "status", "reason", "notes",
    "first_seen", "last_seen", "seen_as_of", "closed_by", "closed_on", "auto_closed", "reopened_by",
    "version", "created_at", "updated_at", "updated_by", "history", "series",
)

#: fields a person may change with ``update`` (the rest follow the data or the ledger itself)
EDITABLE: tuple[str, ...] = ("responsible", "person", "deadline", "status", "reason")

JSON_FIELDS = ("notes", "history")


def gap_key(rule: str, gap_id: str) -> str:
    """``rule|id`` — a gap within its series.

    >>> gap_key("grid_without_branch", "A000010")
    'grid_without_branch|A000010'
    """
    return f"{rule}|{gap_id}"


def record_key(rule: str, gap_id: str, series: str = "") -> str:
    """``series|rule|id`` — the key of the record following that gap of that series
    (``rule|id`` without a series: the key of a record made before series existed).

    >>> record_key("grid_without_branch", "A000010", "潍城区")
    '潍城区|grid_without_branch|A000010'
    """
    return f"{series}|{gap_key(rule, gap_id)}" if series else gap_key(rule, gap_id)


def now() -> str:
    return _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")


def check_date(value: str, what: str) -> str:
    """``YYYY-MM-DD`` or ""; anything else raises InputError naming ``what``."""
    if not value:
        return ""
    try:
        return _dt.date.fromisoformat(str(value)[:10]).isoformat()
    except ValueError as e:
        raise InputError(f"{what} {value!r} is not a date: write it as YYYY-MM-DD (e.g. 2026-06-30)") from e


def check_status(value: str) -> str:
    try:
        return FollowUpStatus.parse(value).value
    except (ValueError, KeyError) as e:
        choices = ", ".join(f"{s.value} ({s.zh})" for s in FollowUpStatus)
        raise InputError(f"status {value!r} is unknown; use one of {choices}") from e


@dataclass
class Record:
    """One follow-up record (plain values; notes and history as lists of dicts)."""

    data: dict[str, Any]

    def __getitem__(self, k: str) -> Any:
        return self.data.get(k)

    @property
    def key(self) -> str:
        return self.data["key"]

    @property
    def gap(self) -> str:
        """Its gap within its series (:func:`gap_key`)."""
        return gap_key(self.data["rule"], self.data["gap_id"])

    @property
    def version(self) -> int:
        return int(self.data.get("version") or 0)

    def overdue(self, today: str) -> bool:
        """Past its deadline and still being worked on (deferred records are not overdue)."""
        d = self.data.get("deadline") or ""
        return bool(d) and d < today and self.data.get("status") in (FollowUpStatus.open.value,
                                                                     FollowUpStatus.in_progress.value)

    def to_dict(self) -> dict[str, Any]:
        return {f: self.data.get(f) for f in FIELDS}


def to_store(values: dict[str, Any]) -> dict[str, Any]:
    """Record values as stored properties: lists as JSON text, None as ""."""
    out = {}
    for k, v in values.items():
        if k in JSON_FIELDS:
            v = json.dumps(v or [], ensure_ascii=False, sort_keys=True)
        out[k] = "" if v is None else v
    return out


def from_store(props: dict[str, Any]) -> Record:
    """A stored node's properties as a Record (JSON text back to lists)."""
    data = {f: props.get(f) for f in FIELDS}
    for k in JSON_FIELDS:
        try:
            data[k] = json.loads(props.get(k) or "[]")
        except ValueError:
            data[k] = []
    data["version"] = int(props.get("version") or 0)
    data["auto_closed"] = bool(props.get("auto_closed"))
    return Record(data)


def apply_changes(record: Record, changes: dict[str, Any], *, by: str, note: str = "",
                  snapshot: str = "", at: str | None = None) -> dict[str, Any]:
    """The stored values after ``changes`` (and a dated ``note``): checked, with a history
    entry naming each field's old and new value. Raises InputError for a bad value and
    FollowUpError for a deferral without a reason."""
    at = at or now()
    new = dict(record.data)
    diff: dict[str, list] = {}
    for field, value in changes.items():
        if value is None:
            continue
        if field == "deadline":
            value = check_date(value, "deadline")
        elif field == "status":
            value = check_status(value)
        if new.get(field) != value:
            diff[field] = [new.get(field), value]
            new[field] = value
    if new.get("status") == FollowUpStatus.deferred.value and not (new.get("reason") or "").strip():
        raise FollowUpError(f"record {record.key}: 暂缓 (deferred) needs a reason: give --reason TEXT")
    if "status" in diff and new["status"] != FollowUpStatus.closed.value:
        new["auto_closed"] = False
    notes = list(new.get("notes") or [])
    if note:
        notes.append({"on": at[:10], "by": by, "text": note})
        diff["note"] = [None, note]
    if not diff:
        return {}
    new["notes"] = notes
    entry = {"at": at, "by": by, "version": record.version + 1, "changes": diff}
    if snapshot:
        entry["snapshot"] = snapshot
    new["history"] = list(new.get("history") or []) + [entry]
    new.update(version=record.version + 1, updated_at=at, updated_by=by)
    return new


__all__ = ["FollowUpStatus", "ACTIVE_STATUSES", "RESPONSIBLE_KINDS", "FollowUpError", "FollowUpConflict",
           "FollowUpNotFound", "FIELDS", "EDITABLE", "Record", "record_key", "gap_key", "apply_changes", "to_store",
           "from_store", "check_date", "check_status", "now"]
