"""Coverage KPIs (the ``kind: kpi`` files of the Cypher catalog): overall, per street and per community.

Each ``kpi_<id>.cypher`` returns numerator/denominator per community (community_id null
for items outside any community); this module adds the rates and the street and overall
roll-ups. The district's own targets and the gap to them come from :mod:`orgnet.targets`
(``with_targets``); the figures of the seed documents are calibration notes of the synthetic
presets (:mod:`orgnet.seeds`), never a KPI's yardstick.

Each KPI file's header also says which group the Overview shows it in (``// group:``, one of
:data:`KPI_GROUPS`) and, when its figure is the numerator rather than the rate, ``// measure: count``
(default ``rate``; :data:`MEASURES`).
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from orgnet.errors import QueryError
from orgnet.queries import catalog
from orgnet.queries.reads import dated_params


#: presentation order
KPI_ORDER = ("community_org_coverage", "grid_org_coverage", "compound_org_coverage",
             "building_org_coverage", "private_enterprise_org_coverage", "two_new_org_coverage",
             "in_service_reporting", "members_reported", "unit_org_reporting", "joint_meeting_orgs",
             "joint_meeting_members", "resident_unit_agreement", "agreement_evaluated",
             "compound_property", "compound_manager_coverage", "red_property",
             "owners_committee_members")

#: the Overview's rows of KPI cards, in this order; titles in messages.toml ``kpi_group.<group>``
KPI_GROUPS = ("coverage", "reporting", "cobuilding", "property")
#: what a KPI's headline figure is: its rate, or its numerator (a count of people or organizations)
MEASURES = ("rate", "count")

RAW_COLUMNS = ["community_id", "community", "street_id", "street", "numerator", "denominator"]
COLUMNS = ["kpi", "title_zh", "title_en", "scope", "street_id", "street", "community_id",
           "community", "numerator", "denominator", "rate"]
SCOPES = ("overall", "street", "community")


def kpi_ids() -> list[str]:
    """KPI ids (query id without ``kpi_``), in presentation order."""
    found = [n[len("kpi_"):] for n in catalog.names("kpi")]
    return [k for k in KPI_ORDER if k in found] + sorted(k for k in found if k not in KPI_ORDER)


def kpi_meta(kpi: str) -> dict[str, Any]:
    """Titles of a KPI, its Overview group and its measure (``rate`` or ``count``)."""
    meta = catalog.get(f"kpi_{kpi}").meta
    return {"kpi": kpi, "title_zh": meta.get("title_zh"), "title_en": meta.get("title_en"),
            "group": _header_value(kpi, meta, "group", KPI_GROUPS, None),
            "measure": _header_value(kpi, meta, "measure", MEASURES, "rate")}


def _header_value(kpi: str, meta: dict[str, str], key: str, allowed: tuple[str, ...], default: str | None) -> str:
    """A KPI header value that must be one of ``allowed`` (``default`` when the line is absent)."""
    value = meta.get(key, default)
    if value not in allowed:
        raise QueryError(f"orgnet/queries/cypher/kpi_{kpi}.cypher: the header needs a `// {key}:` line with one of "
                         f"{', '.join(allowed)} (found {value!r})")
    return value


def kpi_groups() -> list[tuple[str, list[str]]]:
    """``(group, KPI ids)`` in :data:`KPI_GROUPS` order, each group's KPIs in presentation order;
    groups without a KPI left out."""
    by_group: dict[str, list[str]] = {g: [] for g in KPI_GROUPS}
    for k in kpi_ids():
        by_group[kpi_meta(k)["group"]].append(k)
    return [(g, ks) for g, ks in by_group.items() if ks]


def _rate(num: int, den: int) -> float | None:
    return round(num / den, 4) if den else None


def aggregate(raw: dict[str, pd.DataFrame], meta: dict[str, dict[str, Any]],
              scopes: tuple[str, ...] = SCOPES) -> pd.DataFrame:
    """Pure roll-up: per KPI, an overall row, one per street, one per community."""
    out: list[dict[str, Any]] = []
    for kpi, df in raw.items():
        m = meta.get(kpi, {"kpi": kpi})
        base = {"kpi": kpi, "title_zh": m.get("title_zh"), "title_en": m.get("title_en")}
        df = df.copy()
        for c in ("numerator", "denominator"):
            df[c] = pd.to_numeric(df[c]).fillna(0).astype(int)
        if "overall" in scopes:
            num, den = int(df["numerator"].sum()), int(df["denominator"].sum())
            out.append({**base, "scope": "overall", "street_id": None, "street": None,
                        "community_id": None, "community": None,
                        "numerator": num, "denominator": den, "rate": _rate(num, den)})
        if "street" in scopes and len(df):
            st = df.dropna(subset=["street_id"]).groupby("street_id", sort=True).agg(
                street=("street", "first"), numerator=("numerator", "sum"),
                denominator=("denominator", "sum")).reset_index()
            for r in st.to_dict("records"):
                out.append({**base, "scope": "street", "street_id": r["street_id"], "street": r["street"],
                            "community_id": None, "community": None,
                            "numerator": int(r["numerator"]), "denominator": int(r["denominator"]),
                            "rate": _rate(int(r["numerator"]), int(r["denominator"]))})
        if "community" in scopes and len(df):
            for r in df.dropna(subset=["community_id"]).sort_values("community_id").to_dict("records"):
                out.append({**base, "scope": "community", "street_id": r["street_id"], "street": r["street"],
                            "community_id": r["community_id"], "community": r["community"],
                            "numerator": int(r["numerator"]), "denominator": int(r["denominator"]),
                            "rate": _rate(int(r["numerator"]), int(r["denominator"]))})
    df = pd.DataFrame(out, columns=COLUMNS)
    return df.astype(object).where(df.notna(), None)


def kpi_raw(store: Any, *, as_of: Any = None, street_id: str | None = None,
            community_id: str | None = None, graph: str | None = None,
            kpis: list[str] | None = None) -> dict[str, pd.DataFrame]:
    """Per KPI the per-community numerator/denominator rows of its query."""
    params = dated_params(as_of, street_id, community_id)
    return {k: pd.DataFrame(catalog.run(store, f"kpi_{k}", params, graph=graph), columns=RAW_COLUMNS)
            for k in (kpis or kpi_ids())}


def kpi_table(store: Any, *, as_of: Any = None, street_id: str | None = None,
              community_id: str | None = None, graph: str | None = None,
              scopes: tuple[str, ...] = SCOPES, kpis: list[str] | None = None) -> pd.DataFrame:
    """Every KPI overall (within the scope given), per street and per community, with
    numerator, denominator and rate (None when the denominator is 0)."""
    raw = kpi_raw(store, as_of=as_of, street_id=street_id, community_id=community_id,
                  graph=graph, kpis=kpis)
    return aggregate(raw, {k: kpi_meta(k) for k in raw}, scopes)


__all__ = ["kpi_table", "kpi_raw", "aggregate", "kpi_ids", "kpi_meta", "kpi_groups", "KPI_ORDER", "KPI_GROUPS",
           "MEASURES", "COLUMNS"]
