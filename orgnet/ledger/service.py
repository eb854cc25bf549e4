"""The follow-up ledger's operations on a store: list, assign, update, sync with a snapshot.

Every write is conditional on the version the change was made on (:data:`cypher.UPDATE`):
two people editing one record at once — the second gets :class:`FollowUpConflict`, never a
silent overwrite. :func:`sync_snapshot` is what a load runs: records whose gap the snapshot
no longer shows are closed (naming the snapshot), closed records whose gap is back reopen;
a snapshot dated before what a record has already seen changes nothing.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from orgnet.ledger import cypher as Q
from orgnet.ledger.model import (
    ACTIVE_STATUSES, FIELDS, FollowUpConflict, FollowUpNotFound, FollowUpStatus, Record, apply_changes,
    check_date, from_store, gap_key, now, record_key, to_store,
)

#: who the ledger names when the data, not a person, changed a record
SYSTEM = "orgnet"


def _token() -> str:
    return uuid.uuid4().hex


def _node(row: Mapping[str, Any]) -> dict[str, Any]:
    props = dict(row["f"])
    props.pop("_labels", None)
    return props


def _read(store: Any, street_id: str | None = None, community_id: str | None = None) -> list[Record]:
    """Records as stored (a record made before series existed has none)."""
    rows = store.ledger_read(Q.LIST, {"street_id": street_id, "community_id": community_id})
    return [from_store(_node(r)) for r in rows]


def _assigned_on(rec: Record) -> str:
    """The snapshot a record was assigned on (its first)."""
    return rec["first_seen"] or next((h.get("snapshot") for h in rec["history"] or [] if h.get("snapshot")), "")


def _series_of_snapshots(store: Any) -> dict[str, str]:
    from orgnet.graph.snapshots import list_snapshots

    return {s.name: s.series for s in list_snapshots(store)}


def list_records(store: Any, *, street_id: str | None = None, community_id: str | None = None,
                 status: str | Iterable[str] | None = None, overdue: bool | None = None,
                 today: str | None = None, series: str | None = None) -> list[Record]:
    """Records in scope, by key; ``series``: only that series' records; ``status`` one or
    several; ``overdue`` True/False filters. A record not migrated yet shows the series it
    will be migrated to (:func:`migrate_series`)."""
    records = _read(store, street_id, community_id)
    if any(not r["series"] for r in records):
        of = _series_of_snapshots(store)
        for r in records:
            r.data["series"] = r["series"] or of.get(_assigned_on(r), "")
    if series is not None:
        records = [r for r in records if r["series"] == series]
    if status:
        wanted = {status} if isinstance(status, str) else set(status)
        records = [r for r in records if r["status"] in wanted]
    if overdue is not None:
        day = check_date(today, "today") if today else now()[:10]
        records = [r for r in records if r.overdue(day) == overdue]
    return records


def get(store: Any, key: str) -> Record:
    rows = store.ledger_read(Q.GET, {"key": key})
    if not rows:
        raise FollowUpNotFound(f"no follow-up record {key!r}: assign the gap first "
                               f"(`orgnet followup assign --snapshot NAME --rule RULE --id ID …`)")
    return from_store(_node(rows[0]))


def responsible_bodies(store: Any, graph: str) -> dict[str, str]:
    """{community or street id: name of its community party org / street working committee}."""
    from orgnet.queries import catalog

    return {r["area_id"]: r["org"] for r in catalog.run(store, "followup_bodies", {}, graph=graph)}


def default_responsible(gap: Mapping[str, Any], bodies: Mapping[str, str]) -> tuple[str, str]:
    """(kind, body) answering for a gap: its community's party org, else (a street-level gap,
    or a community without one) the street working committee."""
    community, street = _text(gap.get("community_id")), _text(gap.get("street_id"))
    if community and bodies.get(community):
        return "community", bodies[community]
    if street and bodies.get(street):
        return "street", bodies[street]
    return ("community", "") if community else ("street", "")


def _text(value: Any) -> str:
    """A gap row's cell as text ("" for None and NaN from a DataFrame)."""
    return "" if value is None or (isinstance(value, float) and value != value) else str(value)


def migrate_series(store: Any) -> list[str]:
    """Give every record made before series existed the series of the snapshot it was
    assigned on (a new version, noted in its history); returns the keys migrated. A record
    whose snapshot is no longer loaded keeps no series (and no sync touches it) until that
    snapshot is loaded again."""
    legacy = [r for r in _read(store) if not r["series"]]
    if not legacy:
        return []
    of, at, updates = _series_of_snapshots(store), now(), []
    for rec in legacy:
        series = of.get(_assigned_on(rec))
        if not series:
            continue
        new = dict(rec.data, series=series, version=rec.version + 1, updated_at=at, updated_by=SYSTEM)
        new["history"] = list(rec["history"] or []) + [{"at": at, "by": SYSTEM, "version": rec.version + 1,
                                                         "snapshot": _assigned_on(rec),
                                                         "changes": {"series": [None, series]}}]
        updates.append((rec, new))
    stale = set(_write_updates(store, updates))
    return [rec.key for rec, _ in updates if rec.key not in stale]


def _new_record(gap: Mapping[str, Any], *, snapshot: str, as_of: str, by: str, at: str,
                bodies: Mapping[str, str], series: str) -> dict[str, Any]:
    kind, body = default_responsible(gap, bodies)
    data = {f: "" for f in FIELDS}
    data.update({f: _text(gap.get(f)) for f in ("name", "kind", "street_id", "street", "community_id",
                                                 "community", "detail")})
    data.update(key=record_key(gap["rule"], gap["id"], series), series=series, rule=gap["rule"], gap_id=gap["id"],
                responsible_kind=kind, responsible=body, status=FollowUpStatus.open.value,
                first_seen=snapshot, last_seen=snapshot, seen_as_of=as_of, auto_closed=False,
                notes=[], version=1, created_at=at, updated_at=at, updated_by=by,
                history=[{"at": at, "by": by, "version": 1, "snapshot": snapshot, "changes": {"created": [None, snapshot]}}])
    return data


def create_records(store: Any, records: Iterable[Mapping[str, Any]]) -> list[str]:
    """Write complete records that do not exist yet; returns the keys created (existing keys
    are left untouched)."""
    store.ledger_setup()
    rows = [{"key": r["key"], "props": to_store({k: r.get(k) for k in FIELDS})} for r in records]
    if not rows:
        return []
    out = store.ledger_write(Q.CREATE, {"rows": rows, "token": _token()})
    return [r["key"] for r in out if r["created"]]


def _write_updates(store: Any, updates: list[tuple[Record, dict[str, Any]]]) -> list[str]:
    """Apply (record read, its new values) conditionally; returns the keys that conflicted."""
    rows = []
    for rec, new in updates:
        changed = {k: v for k, v in new.items() if k in FIELDS and (k == "version" or rec.data.get(k) != v)}
        rows.append({"key": rec.key, "version": rec.version, "props": to_store(changed)})
    if not rows:
        return []
    applied = {r["key"] for r in store.ledger_write(Q.UPDATE, {"rows": rows, "token": _token()})}
    return [rec.key for rec, _ in updates if rec.key not in applied]


def _conflict(store: Any, key: str, version: int) -> FollowUpConflict:
    try:
        cur = get(store, key)
        who = f"{cur['updated_by'] or 'someone'} at {cur['updated_at']}"
        return FollowUpConflict(
            f"follow-up record {key} was changed by {who} (now version {cur.version}; your change was made "
            f"on version {version}): nothing was written — reload it (`orgnet followup list`) and apply your "
            f"change again")
    except FollowUpNotFound:
        return FollowUpConflict(f"follow-up record {key} no longer exists: nothing was written")


def update(store: Any, key: str, version: int, *, by: str, note: str = "", **changes: Any) -> Record:
    """Change a record made on ``version`` (status, person, deadline, responsible, reason, a
    note). A stale version raises FollowUpConflict and writes nothing."""
    rec = get(store, key)
    if rec.version != int(version):
        raise _conflict(store, key, int(version))
    unknown = set(changes) - {"responsible", "person", "deadline", "status", "reason"}
    if unknown:
        raise ValueError(f"not editable: {', '.join(sorted(unknown))}")
    new = apply_changes(rec, changes, by=by, note=note)
    if not new:
        return rec
    if _write_updates(store, [(rec, new)]):
        raise _conflict(store, key, int(version))
    return from_store(to_store(new))


def assign(store: Any, gaps: Iterable[Mapping[str, Any]], *, snapshot: str, as_of: str, by: str,
           person: str = "", deadline: str = "", responsible: str | None = None,
           versions: Mapping[str, int] | None = None, note: str = "") -> list[Record]:
    """Give each gap of ``snapshot`` a record of the snapshot's series (created when missing,
    with the default responsible body) and set the person, deadline and, when given, the
    responsible body.

    ``versions``: {gap key ``rule|id``: version the caller saw} for records that already exist
    (the app's bulk assignment); a record changed since raises FollowUpConflict naming it (the
    others are written). Without it the version just read is used.
    """
    from orgnet.graph.snapshots import snapshot as snapshot_info

    gaps = list(gaps)
    deadline = check_date(deadline, "deadline")
    at = now()
    series = snapshot_info(store, snapshot).series
    migrate_series(store)
    bodies = responsible_bodies(store, snapshot) if gaps else {}
    current = {r.gap: r for r in list_records(store, series=series)}
    create_records(store, [_new_record(g, snapshot=snapshot, as_of=as_of, by=by, at=at, bodies=bodies, series=series)
                           for g in gaps if gap_key(g["rule"], g["id"]) not in current])
    current = {r.gap: r for r in list_records(store, series=series)}
    updates, stale = [], []
    for g in gaps:
        rec = current[gap_key(g["rule"], g["id"])]
        if versions and rec.gap in versions and int(versions[rec.gap]) != rec.version:
            stale.append(rec.key)
            continue
        changes = {"person": person or None, "deadline": deadline or None, "responsible": responsible}
        new = apply_changes(rec, changes, by=by, note=note, snapshot=snapshot)
        if new:
            updates.append((rec, new))
    stale += _write_updates(store, updates)
    if stale:
        raise FollowUpConflict(f"{len(stale)} record(s) were changed by someone else meanwhile and were not "
                               f"reassigned: {', '.join(stale[:10])}; reload and assign them again")
    wanted = {gap_key(g["rule"], g["id"]) for g in gaps}
    return [r for r in list_records(store, series=series) if r.gap in wanted]


@dataclass
class SyncResult:
    """What a snapshot did to the ledger."""

    snapshot: str
    as_of: str
    series: str = ""
    closed: list[str] = field(default_factory=list)
    reopened: list[str] = field(default_factory=list)
    seen: list[str] = field(default_factory=list)
    skipped_older: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"snapshot": self.snapshot, "as_of": self.as_of, "series": self.series, "closed": self.closed,
                "reopened": self.reopened, "seen": len(self.seen), "skipped_older": len(self.skipped_older)}


def _sync_changes(rec: Record, present: bool, snapshot: str, as_of: str) -> tuple[str, dict[str, Any]]:
    """(what happened, the changes) for one record against a snapshot."""
    status = rec["status"]
    if present and status == FollowUpStatus.closed.value:
        return "reopened", {"status": FollowUpStatus.open.value, "reopened_by": snapshot,
                            "closed_by": "", "closed_on": "", "last_seen": snapshot, "seen_as_of": as_of}
    if present:
        return "seen", {"last_seen": snapshot, "seen_as_of": as_of}
    if status in ACTIVE_STATUSES:
        return "closed", {"status": FollowUpStatus.closed.value, "closed_by": snapshot, "closed_on": as_of,
                          "auto_closed": True, "seen_as_of": as_of}
    return "", {"seen_as_of": as_of}


def _sync_values(rec: Record, what: str, changes: dict[str, Any], snapshot: str, at: str) -> dict[str, Any]:
    new = dict(rec.data)
    diff = {k: [rec.data.get(k), v] for k, v in changes.items() if rec.data.get(k) != v}
    new.update(changes)
    if what in ("closed", "reopened"):
        note = (f"快照 {snapshot} 中该问题已不存在，自动销号" if what == "closed"
                else f"快照 {snapshot} 中该问题再次出现，重新打开")
        new["notes"] = list(rec["notes"] or []) + [{"on": at[:10], "by": SYSTEM, "text": note}]
        new["history"] = list(rec["history"] or []) + [{"at": at, "by": SYSTEM, "version": rec.version + 1,
                                                        "snapshot": snapshot, "changes": diff}]
    new.update(version=rec.version + 1, updated_at=at, updated_by=SYSTEM if what in ("closed", "reopened")
               else rec["updated_by"])
    return new


def sync_snapshot(store: Any, snapshot: str, *, as_of: str | None = None,
                  gaps: Iterable[Mapping[str, Any]] | None = None, attempts: int = 3) -> SyncResult:
    """Bring the records of ``snapshot``'s series up to date with it (evaluated at its
    reference date): auto-close records whose gap it no longer shows, reopen closed ones whose
    gap is back. Records of other series are never read or written.

    ``gaps``: the snapshot's gap rows when already computed. Records that have seen a newer
    snapshot are left alone. A record edited meanwhile is re-read and synced again.
    """
    from orgnet.graph.snapshots import snapshot as snapshot_info
    from orgnet.queries import catalog
    from orgnet.queries.gaps import gap_records

    snap = snapshot_info(store, snapshot)
    as_of = catalog.snapshot_date(snap, as_of)
    result = SyncResult(snapshot, as_of, snap.series)
    migrate_series(store)
    records = list_records(store, series=snap.series)
    if not records:
        return result
    if gaps is None:
        gaps = gap_records(store, as_of=as_of, graph=snapshot)
    present = {gap_key(g["rule"], g["id"]) for g in gaps}
    for _ in range(attempts):
        at, updates, what_of = now(), [], {}
        for rec in records:
            if rec["seen_as_of"] and rec["seen_as_of"] > as_of:
                result.skipped_older.append(rec.key)
                continue
            what, changes = _sync_changes(rec, rec.gap in present, snapshot, as_of)
            if all(rec.data.get(k) == v for k, v in changes.items()):
                continue
            updates.append((rec, _sync_values(rec, what, changes, snapshot, at)))
            what_of[rec.key] = what
        stale = set(_write_updates(store, updates))
        for key, what in what_of.items():
            if key not in stale and what:
                getattr(result, what).append(key)
        if not stale:
            break
        records = [r for r in list_records(store, series=snap.series) if r.key in stale]
    return result


def clear(store: Any) -> None:
    """Delete every record (import --replace, tests)."""
    store.ledger_write(Q.CLEAR)


__all__ = ["list_records", "get", "assign", "update", "sync_snapshot", "create_records", "clear", "migrate_series",
           "default_responsible", "responsible_bodies", "SyncResult", "SYSTEM"]
