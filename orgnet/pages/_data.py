"""Small store-first adapters the pages cache through ``_ui.cached`` (no Streamlit, no rules here).

Each takes the store first and returns picklable data (dicts, DataFrames).
"""

from __future__ import annotations

from typing import Any

import pandas as pd


def snapshots(store) -> list[dict]:
    """Every snapshot of the store as a dict (name, as_of, counts, loaded_at), oldest first, with
    ``stored``: whether its results were stored at load (then reading them is cheap)."""
    from orgnet.graph.snapshots import list_snapshots
    from orgnet.queries.stored import has_results

    return [{**s.to_dict(), "stored": has_results(store, s.name)} for s in list_snapshots(store)]


def series_of(snaps: list[dict], graph: str) -> str | None:
    """The series of snapshot ``graph`` (None when it is not one of ``snaps``)."""
    return next((s["series"] for s in snaps if s["name"] == graph), None)


def same_series(snaps: list[dict], graph: str) -> list[dict]:
    """The snapshots (of :func:`snapshots`) of ``graph``'s series, oldest first; none when
    ``graph`` is not a snapshot (a page never offers another series' snapshots)."""
    series = series_of(snaps, graph)
    return [s for s in snaps if series is not None and s["series"] == series]


def counts(store, graph: str) -> dict[str, int]:
    try:
        return store.counts(graph)
    except Exception:  # noqa: BLE001 - an unknown graph has nothing in it
        return {"nodes": 0, "relationships": 0}


def gap_results(store, *, graph: str | None = None, as_of: str | None = None,
                rules: list[str] | None = None, street_id: str | None = None,
                community_id: str | None = None) -> pd.DataFrame:
    """Every gap of the chosen rules in scope (``orgnet.queries.gaps.run_gaps``) as a DataFrame."""
    from orgnet.queries import gaps

    res = gaps.run_gaps(store, rules=rules, as_of=as_of, street_id=street_id,
                        community_id=community_id, graph=graph)
    return res if isinstance(res, pd.DataFrame) else pd.DataFrame(res)


def gap_count_table(store, *, graph: str | None = None, as_of: str | None = None,
                    rules: list[str] | None = None, street_id: str | None = None,
                    community_id: str | None = None, by: tuple[str, ...] = ("street_id",)) -> pd.DataFrame:
    """Gaps per rule and street (or per the result columns ``by``), counted in the engine
    (``orgnet.queries.gaps.count_gaps``): columns ``rule, *by, n``."""
    from orgnet.queries import gaps

    return gaps.count_gaps(store, rules, as_of=as_of, street_id=street_id, community_id=community_id,
                           graph=graph, by=tuple(by))


def gap_page(store, *, graph: str | None = None, as_of: str | None = None, totals: dict[str, int],
             offset: int, size: int, street_id: str | None = None,
             community_id: str | None = None) -> pd.DataFrame:
    """One page of the gap rows of the rules in ``totals`` (``orgnet.queries.gaps.gap_page``)."""
    from orgnet.queries import gaps

    return gaps.gap_page(store, totals, offset, size, as_of=as_of, street_id=street_id,
                         community_id=community_id, graph=graph)


def term_expiring(store, *, graph: str | None = None, as_of: str | None = None,
                  street_id: str | None = None, community_id: str | None = None) -> pd.DataFrame:
    """Terms ending soon in scope (``orgnet.queries.gaps.term_expiring``; 即将到期, not gaps)."""
    from orgnet.queries import gaps

    return pd.DataFrame(gaps.term_expiring(store, as_of=as_of, street_id=street_id,
                                           community_id=community_id, graph=graph))


def rule_catalog(store=None, *, lang: str = "zh") -> pd.DataFrame:
    """The rule catalog (id, title, finds, source, severity, remedy) as a DataFrame."""
    from orgnet.queries import gaps

    cat = gaps.rule_catalog()
    return cat if isinstance(cat, pd.DataFrame) else pd.DataFrame(cat)


def gap_counts(cat: pd.DataFrame, counts: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Gaps per rule (every rule, zero included), with the rule's title in ``lang``;
    ``counts``: the engine's counts (:func:`gap_count_table`: rule, …, n)."""
    from orgnet.i18n import t

    n = counts.groupby("rule")["n"].sum() if not counts.empty else pd.Series(dtype=int)
    title = f"title_{'en' if lang == 'en' else 'zh'}"
    out = pd.DataFrame({
        t("gaps.rule", lang): cat[title] if title in cat.columns else cat["id"],
        t("overview.count", lang): cat["id"].map(n).fillna(0).astype(int),
    })
    return out.sort_values(t("overview.count", lang), ascending=False, kind="stable").reset_index(drop=True)


def linkage_view(store, *, graph: str | None = None, as_of: str | None = None,
                 street_id: str | None = None) -> dict[str, Any]:
    """Scored pairs, weak ties, partner candidates, each unit's total per street, the network's
    hubs and the units with no tie, for one street (or all), with the linkage configuration
    they were scored with."""
    from orgnet.analysis import linkage as lk
    from orgnet.analysis import network
    from orgnet.queries import linkage as ql

    config = ql.config_for()  # read once: scoring, band labels and the hub threshold share it
    scored = ql.linkage_table(store, as_of=as_of, street_id=street_id, graph=graph, config=config)
    partners = ql.partner_candidates(store, as_of=as_of, street_id=street_id, graph=graph, scored=scored,
                                     config=config)
    ties = network.linkage_network(scored, bands=("strong", "medium"))  # medium and strong ties
    return {"scored": scored, "weak": lk.weak_ties(scored), "partners": partners, "config": config,
            "units": lk.unit_summary(scored),
            "hubs": network.axis_organizations(ties, top=10),
            "isolated": network.isolated_units(scored)}
