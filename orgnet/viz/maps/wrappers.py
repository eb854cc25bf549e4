"""Convenient wrappers: the org tree and the linkage map from their own rows."""

from __future__ import annotations

from typing import Any

from orgnet.analysis.linkage import TIE_BANDS
from orgnet.i18n import _norm_lang, t
from orgnet.viz.maps.normalise import Rows, _records
from orgnet.viz.maps.page import network_html


def org_tree_html(nodes: Rows, edges: Rows = None, *, lang: str = "zh", height: str | int = "700px",
                  meeting: bool = False, title: str | None = None, subtitle: str | None = None,
                  date: str | None = None, max_nodes: int = 300, direction: str = "auto",
                  **kwargs: Any) -> str:
    """The organization tree (street committee → community committees → grid / compound
    branches → building groups), territory nobody covers in red.

    ``nodes``: ``{id, label, kind, parent, uncovered?, title?}`` — ``kind`` an ``OrgKind``
    value for organizations, an area label/level (``"Grid"``, ``"building"`` …) for
    territory; ``parent`` the node above it in the tree (an uncovered area's parent is
    the organization responsible for the area above it). Extra ``edges`` are drawn too.
    ``direction``: "UD" (top-down), "LR" (left-right), "auto" (LR once the tree gets wide).
    Over ``max_nodes``, the deepest sibling groups fold into "+N 个楼栋党小组" nodes.
    """
    return network_html(nodes, edges, lang=lang, height=height, meeting=meeting, title=title,
                        subtitle=subtitle, date=date, layout="tree", max_nodes=max_nodes,
                        direction=direction, **kwargs)


def linkage_nodes_edges(communities: Rows, units: Rows, ties: Rows, *, lang: str = "zh") -> tuple[list, list]:
    """Turn linkage rows into map nodes and edges (see ``linkage_map_html``)."""
    from orgnet.i18n import label_name
    from orgnet.model import UnitKind

    nodes: list[dict[str, Any]] = []
    for c in _records(communities):
        tip = dict(c.get("title") or {})
        nodes.append({"id": c["id"], "label": c.get("name") or c.get("label") or c["id"],
                      "kind": c.get("kind") or "Community", "group": c.get("street") or c.get("group"),
                      "title": tip, "hub": True, "uncovered": c.get("uncovered", False)})
    for u in _records(units):
        tip = dict(u.get("title") or {})
        kind = u.get("kind") or "Unit"
        try:
            kind_label = label_name(UnitKind.parse(kind), lang)
            tip = {t("common.kind", lang): kind_label, **tip}
        except ValueError:
            pass
        nodes.append({"id": u["id"], "label": u.get("name") or u.get("label") or u["id"], "kind": kind,
                      "parent": u.get("community_id") or u.get("parent"), "title": tip, "hub": False,
                      "weight": u.get("weight")})
    edges: list[dict[str, Any]] = []
    colon = "：" if _norm_lang(lang) == "zh" else ": "
    for r in _records(ties):
        if r.get("band") is not None and r["band"] not in (*TIE_BANDS, "none"):
            continue  # a potential pair (reports, residents, services only) is a partner hint, no tie
        ch = r.get("channels") or {}
        tip = []
        for k, v in ch.items():
            name = t(f"channel.{k}", lang) if _has_key(f"channel.{k}") else str(k)
            tip.append(f"{name}{colon}{_fmt_num(v)}")
        edges.append({"source": r["community_id"], "target": r["unit_id"], "score": r.get("score"),
                      "band": r.get("band"), "title": "\n".join(tip) if tip else r.get("title")})
    return nodes, edges


def _has_key(k: str) -> bool:
    from orgnet.i18n import has

    return has(k)


def _fmt_num(v: Any) -> str:
    if isinstance(v, float):
        return f"{v:.1f}".rstrip("0").rstrip(".")
    return str(v)


def linkage_map_html(communities: Rows, units: Rows, ties: Rows, *, lang: str = "zh",
                     height: str | int = "650px", meeting: bool = False, title: str | None = None,
                     subtitle: str | None = None, date: str | None = None, max_nodes: int = 300,
                     cross_weak: bool = False, **kwargs: Any) -> str:
    """The linkage map: communities as hubs, resident units around them, ties by band.

    ``communities``: ``{id, name, street?, title?}``;
    ``units``: ``{id, name, kind? (UnitKind value or 中文), community_id? (its home community), title?, weight?}``;
    ``ties``: ``{community_id, unit_id, score (0–100), band?, channels? {channel: x}}``.
    Units are placed on rings around their strongest (or home) community, strongest
    innermost; units tied to several communities face the others. Over ``max_nodes`` the
    weakest-tied units of each community fold into "+N 个单位" nodes.
    ``cross_weak``: draw weak ties to communities other than the one a unit sits around
    (default False: they are left out — a note on the map counts them; strong and medium
    ties to other communities are always drawn, curved and lighter).
    """
    nodes, edges = linkage_nodes_edges(communities, units, ties, lang=lang)
    return network_html(nodes, edges, lang=lang, height=height, meeting=meeting, title=title,
                        subtitle=subtitle, date=date, layout="bipartite", max_nodes=max_nodes,
                        cross_weak=cross_weak, **kwargs)
