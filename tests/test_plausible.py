"""Synthetic data an official would not question (issue 16 part 4): staff sizes per unit kind,
unique names, kinds, ages and given names by birth cohort, consistent statuses, and the
dataset's own reference date. The ranges are set here, independently of the generator."""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict

import pytest

from helpers_rules import generate_dataset

PRESETS = ("weicheng", "qindu")
AS_OF = "2026-06-30"
YEAR = 2026
#: outlets of state enterprises: a counter, a branch office, a station
OUTLETS = ("营业厅", "营业部", "营业所", "支行", "支局", "加油站", "服务站", "供电所")
#: given-name characters of children born since the 1990s, never of people born before 1960
MODERN = set("梓涵萱轩睿泽琪怡欣璐昊晨悦彤诗")
#: characters of names given before 1960, not to people born since 1995
OLD = set("淑桂贵福宝莲")


@pytest.fixture(scope="module", params=PRESETS)
def ds(request):
    return generate_dataset(request.param, 0)


def _age(m) -> int:
    return YEAR - m["birth_year"]


def test_staff_size_per_kind(ds):
    units = ds.rows("units")
    by_name = lambda *ends: [u["staff"] for u in units if u["name"].endswith(ends)]  # noqa: E731
    outlets = by_name(*OUTLETS)
    assert outlets and max(outlets) <= 80 and statistics.median(outlets) <= 40, sorted(outlets)[-5:]
    for ends, top in ((("幼儿园",), 80), (("警务室",), 10), (("居民委员会",), 20), (("业主委员会",), 15),
                      (("小学",), 200), (("图书馆", "文化馆"), 80)):
        sizes = by_name(*ends)
        assert sizes and max(sizes) <= top, (ends, max(sizes))
    per_kind = defaultdict(list)
    for u in units:
        per_kind[u["kind"]].append(u["staff"])
    assert max(per_kind["agency"]) <= 200
    assert statistics.median(per_kind["private_enterprise"]) <= 40  # most firms are small
    assert statistics.median(per_kind["social_org"]) <= 25
    # nobody works at a unit beyond its staff; party members are a plausible share of it
    workers = Counter(m["unit_id"] for m in ds.rows("members") if m["unit_id"])
    for u in units:
        n = workers.get(u["id"], 0)
        assert n <= u["staff"], (u["name"], n, u["staff"])
        if u["staff"] >= 20:
            assert n <= 0.9 * u["staff"], (u["name"], n, u["staff"])


def test_names_unique_within_a_district(ds):
    areas = {a["id"]: a for a in ds.rows("areas")}

    def district(area_id):
        while areas[area_id]["level"] != "district":
            area_id = areas[area_id]["parent_id"]
        return area_id

    units = Counter(u["name"] for u in ds.rows("units"))
    assert [n for n, c in units.items() if c > 1] == []
    for table, area_of in (("areas", lambda r: r["id"] if r["level"] == "district" else r["parent_id"]),
                           ("party_orgs", lambda r: (r["area_ids"] or [None])[0])):
        seen = Counter()
        for r in ds.rows(table):
            a = area_of(r)
            seen[(district(a) if a else None, r["name"])] += 1
        dups = [k for k, c in seen.items() if c > 1]
        assert dups == [], (table, dups[:5])
    assert [a["name"] for a in areas.values() if a["name"][-1] == a["name"][-2]] == []  # never 桂苑苑
    # one bureau of a kind and one district hospital, library, CDC per district
    for word in ("住房和城乡建设局", "疾病预防控制中心", "图书馆", "人民医院"):
        assert sum(1 for n in units if n.endswith(word)) <= len([a for a in areas.values()
                                                                 if a["level"] == "district"])


def test_kinds_match_names(ds):
    orgs = ds.rows("party_orgs")
    units = {u["id"]: u for u in ds.rows("units")}
    for u in units.values():
        if u["name"].endswith(OUTLETS):
            assert u["kind"] == "state_enterprise", u["name"]
        if u["name"].endswith(("警务室", "派出所")):
            assert u["kind"] == "police", u["name"]
        if u["name"].endswith(("局", "司法所", "财政所", "市场监管所", "税务所")) and not u["name"].endswith("支局"):
            assert u["kind"] == "agency", u["name"]
    members = ds.rows("members")
    workers = Counter(m["unit_id"] for m in members if m["unit_id"])
    # 离退休党员 kept in their former unit's org count toward its size too (党章 counts members)
    retired = Counter(m["org_id"] for m in members if m["category"] == "retired")
    for o in orgs:
        if o["kind"] != "unit_org":
            continue
        (uid,) = o["unit_ids"]
        u = units[uid]
        assert not u["name"].endswith(("警务室", "居民委员会", "业主委员会")), o["name"]
        assert workers[uid] >= 3, o["name"]
        n = workers[uid] + retired[o["id"]]
        if o["name"].endswith("党总支"):
            assert n >= 50, (o["name"], n)
        if o["name"].endswith("党委"):  # and enough working members to run a committee
            assert n >= 100 and workers[uid] >= 50, (o["name"], n, workers[uid])


def test_ages_and_names_by_cohort(ds):
    members = ds.rows("members")
    for m in members:
        age, male = _age(m), m["gender"] == "男"
        if m["category"] == "retired":
            assert (60 if male else 55) <= age <= 92, m
        if m["category"] == "in_service":
            assert 22 <= age <= (60 if male else 55), m
        if m["status"] == "probationary":
            assert age <= 40 and m["category"] != "retired", m
    old = [m for m in members if m["birth_year"] < 1960]
    young = [m for m in members if m["birth_year"] >= 1995]
    assert len(old) > 100 and len(young) > 100
    assert [m["name"] for m in old if set(m["name"][1:]) & MODERN] == []
    assert [m["name"] for m in young if set(m["name"][1:]) & OLD] == []
    # the oldest are in their late eighties at most, few of them
    assert sum(1 for m in members if _age(m) >= 85) <= 0.03 * len(members)


def test_statuses_consistent(ds):
    matched = {r["need_id"] for r in ds.rows("matches")}
    needs = ds.rows("needs")
    assert [n["id"] for n in needs if n["id"] in matched and n["status"] == "open"] == []
    assert any(n["status"] == "open" for n in needs)  # need_unmatched still finds gaps
    for s in ds.rows("services"):
        if s["claimed_by"]:
            assert s["posted_on"] <= s["claimed_on"] <= AS_OF
            assert s["done_on"] is None or s["claimed_on"] <= s["done_on"] <= AS_OF
        else:
            assert s["claimed_on"] is None and s["done_on"] is None
    for a in ds.rows("agreements"):
        if a["status"] == "expired":
            assert a["expires_on"] < AS_OF, a
        assert a["signed_on"] < a["expires_on"]
    for r in ds.rows("roles"):
        assert r["until"] is None or r["since"] is None or r["since"] <= r["until"]
    for m in ds.rows("members"):
        assert (m["reported_on"] is None) == (m["reported_area_id"] is None)
        assert m["reported_on"] is None or m["reported_on"] <= AS_OF


def test_dataset_records_its_reference_date(ds):
    from orgnet.synthetic.presets import PRESET_BY_NAME
    assert len(ds.rows("dataset")) == 1
    assert ds.as_of == AS_OF == PRESET_BY_NAME["qindu"].as_of


def test_load_takes_the_dataset_date(falkordb_store, graph_name):
    """`orgnet load` without --as-of: the graph's reference date is the dataset's."""
    from orgnet.graph.load import graph_info, load_dataset
    from orgnet.queries.catalog import reference_date
    ds = generate_dataset("demo", 0)
    load_dataset(falkordb_store, ds, graph=graph_name, replace=True)
    assert reference_date(graph_info(falkordb_store, graph_name)) == ds.as_of == AS_OF
    load_dataset(falkordb_store, ds, graph=graph_name, replace=True, as_of="2025-12-31")
    assert graph_info(falkordb_store, graph_name)["as_of"] == "2025-12-31"  # an explicit date wins


def test_representative_staff_lives_once():
    """The representative unit size is the policy's setting, never a literal in a rule."""
    import re

    from orgnet import policy
    from orgnet.queries import catalog
    for rule in ("large_unit_not_in_street_committee", "resident_unit_not_in_committee",
                 "resident_unit_without_agreement"):
        q = catalog.get(rule)
        assert [(p.name, p.default_text) for p in q.params][3:] == [("representative_staff", "policy")]
        assert "x.staff >= $representative_staff" in q.text
        assert not re.search(r"staff\s*>=\s*\d", q.text), rule
    assert catalog.get("large_unit_not_in_street_committee").param("representative_staff").default() \
        == policy.value("representative_staff")


def test_city_calibrated_to_000(tmp_path):
    """成都 (000): 442 street and 2,996 community part-time members, 7,400 unit orgs reported to
    their community, 955 communities with a current agreement, 130,000 members reported, 83.1%
    of private enterprises with an own or joint org, 89 streets evaluating co-building — counted from the files, not the stats."""
    import csv

    from orgnet.synthetic import generate
    generate("city", tmp_path, seed=0)

    def rows(table):
        with open(tmp_path / f"{table}.csv", encoding="utf-8") as f:
            return list(csv.DictReader(f))

    orgs = {o["id"]: o for o in rows("party_orgs")}
    units = {u["id"]: u for u in rows("units")}
    seats = Counter(orgs[r["target_id"]]["kind"] for r in rows("roles")
                    if r["role"] == "part_time_member" and (r["until"] or "9999") >= AS_OF)
    assert (seats["street_committee"], seats["community_committee"]) == (442, 2996)
    unit_comm = {}
    areas = {a["id"]: a for a in rows("areas")}
    for u in units.values():
        a = areas[u["area_id"]]
        while a["level"] != "community":
            a = areas[a["parent_id"]]
        unit_comm[u["id"]] = a["id"]
    reported = [o for o in orgs.values() if o["kind"] == "unit_org" and o["reported_area_id"]
                and units[o["unit_ids"]]["resident"] == "true"
                and unit_comm[o["unit_ids"]] == o["reported_area_id"]]
    assert len(reported) == 7400
    agreements = {a["id"]: a for a in rows("agreements")
                  if a["status"] == "active" and (a["expires_on"] or "9999") >= AS_OF}
    signed = {p["party_id"] for p in rows("agreement_parties")
              if p["agreement_id"] in agreements and orgs.get(p["party_id"], {}).get("kind") == "community_committee"}
    assert len(signed) == 955
    assert sum(1 for m in rows("members") if m["reported_area_id"]) == 130000
    private = [u for u in units.values() if u["kind"] == "private_enterprise"]
    based = {u for o in orgs.values() if o["kind"] in ("unit_org", "joint_branch") for u in o["unit_ids"].split(";")}
    assert sum(1 for u in private if u["id"] in based) / len(private) == pytest.approx(0.831, abs=0.001)
    # 89 streets run the co-building responsibility evaluation (共驻共建责任双向评价)
    org_area = {o["id"]: o["area_ids"].split(";")[0] for o in orgs.values() if o["area_ids"]}
    community_side = {p["agreement_id"]: p["party_id"] for p in rows("agreement_parties") if p["side"] == "community"}
    streets = {areas[org_area[community_side[e["agreement_id"]]]]["parent_id"] for e in rows("evaluations")}
    assert len(streets) == 89


def test_retirees_kept_in_unit_orgs_of_public_units(ds):
    """离退休党员 stay in their former unit's org only in agencies, institutions and state
    enterprises, without a work unit; qindu keeps many there (its joint meetings' 45,991)."""
    units = {u["id"]: u for u in ds.rows("units")}
    orgs = {o["id"]: o for o in ds.rows("party_orgs")}
    kept = [m for m in ds.rows("members") if m["category"] == "retired"
            and m["org_id"] in orgs and orgs[m["org_id"]]["kind"] == "unit_org"]
    assert all(m["unit_id"] is None for m in kept)
    kinds = Counter(units[orgs[m["org_id"]]["unit_ids"][0]]["kind"] for m in kept)
    assert set(kinds) <= {"agency", "institution", "state_enterprise"}, kinds
    if len(ds.rows("members")) > 80_000:  # qindu
        assert len(kept) > 10_000
    else:  # weicheng keeps none there
        assert kept == []
