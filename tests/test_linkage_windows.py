"""Time windows of the dated linkage channels: reports, matches and claimed
services count over 24 months by default, meetings over 12; events exactly on the window's
start or after as_of do not count, the day after the start and as_of itself do, an undated
event counts only where the window is 0. Cypher on both engines == the oracle == the hand count."""

from __future__ import annotations

from pathlib import Path

import pytest

import oracle_linkage as O
from helpers_loaders import write_csv
from orgnet.analysis import linkage as lk

AS_OF = "2026-03-31"
START_24 = "2024-03-31"   # 24 months before: the same day
START_12 = "2025-03-31"
#: (label, date) of the events: on the start (out), the day after (in), on as_of (in),
#: the day after as_of (out), undated (in)
DATES_24 = (("start", START_24), ("after_start", "2024-04-01"), ("as_of", AS_OF),
            ("future", "2026-04-01"), ("undated", None))
DATES_12 = (("start", START_12), ("after_start", "2025-04-01"), ("as_of", AS_OF),
            ("future", "2026-04-01"))


def _tables() -> dict[str, list[dict]]:
    t: dict[str, list[dict]] = {
        "areas": [{"id": "D", "name": "区", "level": "district"},
                  {"id": "S", "name": "街道", "level": "street", "parent_id": "D"},
                  {"id": "C", "name": "社区", "level": "community", "parent_id": "S"}],
        "party_orgs": [{"id": "OC", "name": "社区党委", "kind": "community_committee", "area_ids": "C"}],
        "units": [{"id": "U", "name": "驻区单位", "kind": "agency", "area_id": "C", "resident": "true",
                   "staff": 40}],
        "members": [], "needs": [], "resources": [], "matches": [], "services": [],
        "meetings": [], "attendance": [],
    }
    for i, (label, day) in enumerate(DATES_24):
        t["members"].append({"id": f"M{i}", "name": f"党员{i}", "status": "formal", "category": "in_service",
                             "unit_id": "U", "reported_area_id": "C", "reported_on": day})
        t["needs"].append({"id": f"N{i}", "area_id": "C", "title": label, "status": "closed"})
        t["resources"].append({"id": f"R{i}", "unit_id": "U", "title": label})
        t["matches"].append({"resource_id": f"R{i}", "need_id": f"N{i}", "matched_on": day})
        t["services"].append({"id": f"V{i}", "type": "wish", "area_id": "C", "title": label,
                              "claimed_by": f"M{i}", "claimed_on": day})
    for i, (label, day) in enumerate(DATES_12):
        t["meetings"].append({"id": f"H{i}", "convener_id": "OC", "level": "community", "held_on": day,
                              "topic": label})
        t["attendance"].append({"meeting_id": f"H{i}", "attendee_id": "U"})
    return t


@pytest.fixture(scope="module")
def windows_dataset(tmp_path_factory):
    from orgnet.loaders.validate import validate_path
    result = validate_path(write_csv(Path(tmp_path_factory.mktemp("win")) / "d", _tables()))
    assert result.report.rejected == 0, result.report.errors
    return result.dataset


def _config(**windows: int) -> lk.LinkageConfig:
    return lk.default_config().replace(windows=windows)


def test_shipped_windows_are_the_documented_defaults():
    assert lk.default_config().windows == O.DEFAULT_WINDOWS
    assert lk.window_params(AS_OF, lk.default_config()) == {
        "reported_members_since": START_24, "matched_resources_since": START_24,
        "services_since": START_24, "meetings_since": START_12}
    # month ends: the last day of a shorter month, as the oracle computes independently
    for as_of, months in (("2026-03-31", 1), ("2024-02-29", 12), ("2026-12-31", 10), ("2026-01-15", 25)):
        assert lk.months_before(as_of, months) == O.window_start(as_of, months)


@pytest.mark.parametrize("windows, want", [
    ({}, {"reported_members": 2, "matched_resources": 2, "services": 2, "meetings": 2}),
    # no limit: everything up to as_of counts, the future still does not
    ({"reported_members": 0, "matched_resources": 0, "services": 0, "meetings": 0},
     {"reported_members": 4, "matched_resources": 4, "services": 4, "meetings": 3}),
    # a shorter window: only as_of itself (the undated never count under a window)
    ({"reported_members": 1, "matched_resources": 1, "services": 1, "meetings": 1},
     {"reported_members": 1, "matched_resources": 1, "services": 1, "meetings": 1}),
])
def test_window_boundaries(engine_store, windows_dataset, windows, want):
    from orgnet.graph.load import load_dataset
    from orgnet.graph.nx import to_networkx
    from orgnet.queries.linkage import channel_table
    graph = "lk_windows"
    load_dataset(engine_store, windows_dataset, graph=graph, replace=True)
    cfg = _config(**windows)
    got = channel_table(engine_store, as_of=AS_OF, graph=graph, config=cfg)
    assert len(got) == 1
    row = got.iloc[0]
    oracle = O.linkage_channels(to_networkx(windows_dataset), AS_OF, windows=cfg.windows)
    assert len(oracle) == 1
    for k, n in want.items():
        assert int(row[k]) == oracle[0][k] == n, (k, int(row[k]), oracle[0][k], n)


def test_bad_window_names_the_key(tmp_path):
    from orgnet.errors import ConfigError
    bad = tmp_path / "linkage.toml"
    bad.write_text("[windows]\nagreements = 12\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"\[windows\] agreements is not a dated channel"):
        lk.load_config(bad, use_home=False)
    bad.write_text("[windows]\nservices = -1\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"\[windows\] services = -1"):
        lk.load_config(bad, use_home=False)
