"""Data for the explorer and the org-tree pages: search, neighbourhoods, breadcrumbs, the org tree.

Everything here reads the store through the ``view_*`` Cypher files of the catalog
(``orgnet/queries/cypher/view_*.cypher``) and returns plain Python data (lists of dicts
and small dataclasses) that the pages hand to :mod:`orgnet.viz` and to tables. No
Streamlit here, so it is tested on its own (tests/test_explore.py).

Node dicts use the same vocabulary as the networkx form of the graph
(:mod:`orgnet.graph.nx`): ``id``, ``name``, ``label`` (primary label: ``Area``,
``PartyOrg``, ``Unit`` …), ``labels`` (all labels), ``kind`` (area level, org/unit kind,
service type or member category).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Iterable

from orgnet.collate import name_key
from orgnet.errors import AccessDenied
from orgnet.graph.stores.base import Store
from orgnet.queries import catalog
from orgnet.queries.reads import view_params
from orgnet.model import AREA_LABELS, TABLE_LABELS, AreaLevel, Label, OrgKind, node_kind

#: the primary labels, in the order the explorer lists them
PRIMARY_LABELS: tuple[str, ...] = tuple(lbl.value for lbl in TABLE_LABELS.values())

#: the organization kind expected to cover each area level (as the coverage rules
#: expect: a street committee, a community committee, a grid or compound branch, a building group)
COVERING_KIND: dict[str, str] = {
    AreaLevel.street.value: OrgKind.street_committee.value,
    AreaLevel.community.value: OrgKind.community_committee.value,
    AreaLevel.grid.value: OrgKind.grid_branch.value,
    AreaLevel.compound.value: OrgKind.compound_branch.value,
    AreaLevel.building.value: OrgKind.building_group.value,
}
TREE_KINDS: tuple[str, ...] = tuple(COVERING_KIND.values())
#: the rule that says where an area level's missing organization is a gap (a grid where fewer
#: than 3 formal members live needs no branch: the tree draws it plain, not red)
COVERAGE_RULE: dict[str, str] = {
    AreaLevel.community.value: "community_without_party_org",
    AreaLevel.grid.value: "grid_without_branch",
    AreaLevel.compound.value: "compound_without_branch",
    AreaLevel.building.value: "building_without_group",
}

#: area levels from the top down (for breadcrumbs)
LEVEL_RANK: dict[str, int] = {lvl.value: i for i, lvl in enumerate(AreaLevel)}

#: the most nodes a drawn map gets before the rest is aggregated ("+N …")
MAX_DRAWN = 250

#: a node's neighbours of one kind beyond this many are drawn as one cluster ("党员 212") that opens on click
GROUP_OVER = 12

#: an opened cluster shows this many of its nodes at a time (上一页 / 下一页 page through the rest):
#: a page fits the explorer's map at readable label size
GROUP_PAGE = 50


# ---------------------------------------------------------------------------
# running the view queries
# ---------------------------------------------------------------------------


def _read(store: Store, qid: str, params: dict | None = None, *, graph: str | None = None,
          limit: int | None = None) -> list[dict]:
    """Run a ``view_*`` query through the catalog's one runner (defaults, types, checks)."""
    return catalog.run(store, qid, params, graph=graph, limit=limit)


def primary_label(labels: Iterable[str]) -> str:
    """The primary label among a node's labels (``Area`` for areas)."""
    labels = list(labels or ())
    for lbl in PRIMARY_LABELS:
        if lbl in labels:
            return lbl
    return labels[0] if labels else ""


def _node(row: dict, **extra) -> dict:
    labels = tuple(row.get("labels") or ())
    return {"id": row["id"], "name": row.get("name") or row["id"], "label": primary_label(labels),
            "labels": labels, "kind": row.get("kind"), **extra}


# ---------------------------------------------------------------------------
# search and details
# ---------------------------------------------------------------------------


def search(store: Store, q: str, *, graph: str | None = None, labels: Iterable[str] | None = None,
           limit: int = 50) -> list[dict]:
    """Nodes whose name or id contains ``q`` (case-insensitive, partial; Chinese works).

    Exact matches come first, then shorter names (in the engine, which cuts at ``limit``), shown
    in name order with numbers by value (:func:`orgnet.collate.name_key`: 第二 before 第十).
    ``labels`` keeps only those primary labels.
    """
    q = (q or "").strip()
    if not q:
        return []
    want = set(labels or ())
    rows = _read(store, "view_search", {"q": q, "limit": int(limit) * (4 if want else 1)}, graph=graph)
    out = [_node(r) for r in rows]
    if want:
        out = [n for n in out if n["label"] in want]
    out = out[:limit]
    return sorted(out, key=lambda n: (q not in (n["id"], n["name"]), name_key(n["name"])))


#: how many matches a scoped account's search count looks at
SCOPED_COUNT_CAP = 2000


def search_count(store: Store, q: str, *, graph: str | None = None) -> int:
    """How many nodes :func:`search` would find without its limit (counted in the engine).

    An account scoped to a street or community cannot count the whole district: its count is
    of the matches inside its scope among the first :data:`SCOPED_COUNT_CAP`.
    """
    q = (q or "").strip()
    if not q:
        return 0
    try:
        rows = _read(store, "view_search_count", {"q": q}, graph=graph)
    except AccessDenied:
        return len(_read(store, "view_search", {"q": q, "limit": SCOPED_COUNT_CAP}, graph=graph))
    return int(rows[0]["n"]) if rows else 0


def node_details(store: Store, node_id: str, *, graph: str | None = None) -> dict | None:
    """``{id, name, label, labels, kind, props}`` of one node, or None when it does not exist."""
    rows = _read(store, "view_node", {"id": node_id}, graph=graph)
    if not rows:
        return None
    props = dict(rows[0]["props"] or {})
    labels = tuple(rows[0]["labels"] or ())
    name = props.get("name") or props.get("title") or props.get("topic") or node_id
    label = primary_label(labels)
    return {"id": node_id, "name": name, "label": label, "labels": labels,
            "kind": node_kind(label, props), "props": props}


def relationships(store: Store, node_id: str, *, graph: str | None = None, limit: int = 2000) -> list[dict]:
    """Every relationship of one node: ``{rel, outgoing, props, id, name, label, kind}``, sorted."""
    rows = _read(store, "view_neighbours", {"ids": node_id, "limit": int(limit)}, graph=graph)
    out = [_node(r, rel=r["rel"], outgoing=bool(r["outgoing"]), props=dict(r.get("props") or {}))
           for r in rows]
    out.sort(key=lambda n: (n["rel"], not n["outgoing"], PRIMARY_LABELS.index(n["label"])
                            if n["label"] in PRIMARY_LABELS else 99, str(n["name"])))
    return out


def breadcrumb(store: Store, node_id: str, *, graph: str | None = None) -> list[dict]:
    """The area path of a node, top down: street → community → grid/compound → building.

    For a non-area node the path leads to the area it covers, is located in, lives in, or
    (for needs and services) belongs to. ``[]`` when the node has no area.
    """
    anchors = _read(store, "view_anchor_areas", {"id": node_id}, graph=graph)
    if not anchors:
        return []
    order = {"SELF": 0, "COVERS": 1, "LOCATED_IN": 2, "BASED_IN": 3, "LIVES_IN": 4,
             "RAISED": 5, "POSTED": 5, "REPORTED_TO": 6}
    # the most telling relationship; an org's main area is the widest it covers, else the deepest area
    anchors.sort(key=lambda a: (order.get(a["how"], 9),
                                LEVEL_RANK.get(a["level"], 0) * (1 if a["how"] == "COVERS" else -1), a["id"]))
    anchor = anchors[0]
    ups = _read(store, "view_area_ancestors", {"id": anchor["id"]}, graph=graph)
    path = [a for a in ups if a["level"] != AreaLevel.district.value] + [
        {"id": anchor["id"], "name": anchor["name"], "level": anchor["level"]}]
    seen: dict[str, dict] = {}
    for a in path:
        seen.setdefault(a["id"], {"id": a["id"], "name": a["name"], "level": a["level"]})
    return sorted(seen.values(), key=lambda a: (LEVEL_RANK.get(a["level"], 9), a["name"] or ""))


# ---------------------------------------------------------------------------
# neighbourhood
# ---------------------------------------------------------------------------


@dataclass
class Subgraph:
    """Nodes and edges to draw. Aggregate nodes have ``aggregate=True`` and ``count``."""

    nodes: list[dict] = field(default_factory=list)
    edges: list[dict] = field(default_factory=list)
    #: nodes left out (not drawn) by primary label
    hidden: dict[str, int] = field(default_factory=dict)
    center: str | None = None
    #: opened clusters too big for one page: cluster id → {"page", "pages", "count", "first", "last",
    #: "ids"} (``page`` 0-based; ``first``/``last``: 1-based positions of the nodes shown, ``ids`` theirs)
    paged: dict[str, dict] = field(default_factory=dict)

    def node_ids(self) -> list[str]:
        return [n["id"] for n in self.nodes]


def group_id(source: str, label: str) -> str:
    """The id of the cluster node holding ``source``'s neighbours with primary label ``label``."""
    return f"+{source}:{label}"


def neighbourhood(store: Store, node_id: str, *, graph: str | None = None, radius: int = 1,
                  labels: Iterable[str] | None = None, max_nodes: int = MAX_DRAWN,
                  per_hop_limit: int = 20000, group_over: int = GROUP_OVER,
                  open_groups: Iterable[str] = (), pages: dict[str, int] | None = None,
                  page_size: int = GROUP_PAGE) -> Subgraph:
    """The nodes within ``radius`` (1–3) relationships of a node, breadth first.

    ``labels`` keeps only nodes with those primary labels (the walk goes only through
    them; the centre is always kept). A node's neighbours of one primary label that are
    more than ``group_over`` become one cluster node ("党员 212", ``aggregate=True``,
    ``count``, ``group=True``) unless its id (:func:`group_id`) is in ``open_groups``;
    clusters are not walked further. An opened cluster of more than ``page_size`` shows one
    page of them (``pages``: cluster id → 0-based page, default the first; by name, numbers
    by value); the others are one aggregate node ("+278 党员", id ``<cluster id>:others``)
    and ``Subgraph.paged`` says which page of how many is shown.
    At most ``max_nodes`` are drawn, nearest first; the
    rest become one aggregate node per (nearest drawn neighbour, label): "+N Member".
    """
    radius = max(1, min(3, int(radius)))
    want = set(labels) if labels else None
    opened = set(open_groups)
    paged: dict[str, dict] = {}
    center = node_details(store, node_id, graph=graph)
    if center is None:
        return Subgraph(center=node_id)
    nodes: dict[str, dict] = {node_id: {**{k: center[k] for k in ("id", "name", "label", "labels", "kind")},
                                        "hop": 0}}
    edges: dict[tuple, dict] = {}
    overflow: dict[tuple[str, str], set[str]] = defaultdict(set)
    frontier = [node_id]
    for hop in range(1, radius + 1):
        if not frontier:
            break
        rows = _read(store, "view_neighbours", {"ids": ",".join(frontier), "limit": per_hop_limit},
                     graph=graph)
        # nearest first: stable order by label then name so the same data gives the same picture
        rows.sort(key=lambda r: (primary_label(r["labels"]) != Label.Area.value, str(r["source"]),
                                 str(r["name"]), str(r["id"])))
        rows = [r for r in rows if want is None or primary_label(r["labels"]) in want or r["id"] == node_id]
        groups = _groups(rows, nodes, group_over, opened)
        off_page = _off_page(rows, nodes, group_over, opened, pages or {}, page_size, paged)
        nxt: list[str] = []
        for r in rows:
            lbl, nid = primary_label(r["labels"]), r["id"]
            if (r["source"], lbl) in groups or nid in off_page.get((r["source"], lbl), ()):
                continue
            if nid not in nodes:
                if len(nodes) >= max_nodes:
                    overflow[(r["source"], lbl)].add(nid)
                    continue
                nodes[nid] = {**_node(r), "hop": hop}
                nxt.append(nid)
            src, dst = (r["source"], nid) if r["outgoing"] else (nid, r["source"])
            edges.setdefault((src, dst, r["rel"]), {"source": src, "target": dst, "rel": r["rel"],
                                                   "props": dict(r.get("props") or {})})
        for (src, lbl), ids in sorted(groups.items()):
            gid = group_id(src, lbl)
            nodes[gid] = {"id": gid, "name": str(len(ids)), "label": lbl, "labels": (lbl,), "kind": None,
                          "hop": hop, "aggregate": True, "group": True, "count": len(ids)}
            edges[(src, gid, "")] = {"source": src, "target": gid, "rel": "", "props": {}}
        for (src, lbl), ids in sorted(off_page.items()):
            rest = f"{group_id(src, lbl)}:others"
            nodes[rest] = {"id": rest, "name": f"+{len(ids)}", "label": lbl, "labels": (lbl,), "kind": None,
                           "hop": hop, "aggregate": True, "count": len(ids)}
            edges[(src, rest, "")] = {"source": src, "target": rest, "rel": "", "props": {}}
        frontier = nxt
    hidden: Counter = Counter()
    for (src, lbl), ids in sorted(overflow.items()):
        ids = ids - set(nodes)
        if not ids:
            continue
        hidden[lbl] += len(ids)
        agg_id = f"+{src}:{lbl}:more"
        nodes[agg_id] = {"id": agg_id, "name": f"+{len(ids)}", "label": lbl, "labels": (lbl,),
                         "kind": None, "hop": nodes.get(src, {}).get("hop", 0) + 1,
                         "aggregate": True, "count": len(ids)}
        edges[(src, agg_id, "")] = {"source": src, "target": agg_id, "rel": "", "props": {}}
    return Subgraph(nodes=list(nodes.values()), edges=list(edges.values()), hidden=dict(hidden),
                    center=node_id, paged=paged)


def _off_page(rows: list[dict], drawn: dict[str, dict], group_over: int, opened: set[str],
              pages: dict[str, int], page_size: int, paged: dict[str, dict]) -> dict[tuple, set]:
    """(source, label) → the ids of an opened cluster that are not on its page (recorded in
    ``paged``). The cluster's members are ordered by name (numbers by value), then id."""
    by: dict[tuple[str, str], dict[str, str]] = defaultdict(dict)
    for r in rows:
        lbl = primary_label(r["labels"])
        if lbl != Label.Area.value and r["id"] not in drawn:
            by[(r["source"], lbl)][r["id"]] = str(r.get("name") or "")
    out: dict[tuple, set] = {}
    for key, members in by.items():
        gid = group_id(*key)
        if gid not in opened or len(members) <= max(group_over, page_size):
            continue
        order = sorted(members, key=lambda i: (name_key(members[i]), i))
        n_pages = -(-len(order) // page_size)
        page = max(0, min(n_pages - 1, int(pages.get(gid, 0))))
        shown = order[page * page_size:(page + 1) * page_size]
        out[key] = set(order) - set(shown)
        paged[gid] = {"page": page, "pages": n_pages, "count": len(order),
                      "first": page * page_size + 1, "last": page * page_size + len(shown), "ids": shown}
    return out


def _groups(rows: list[dict], drawn: dict[str, dict], group_over: int, opened: set[str]) -> dict[tuple, set]:
    """(source, label) → neighbour ids, for the groups too big to draw one by one (not opened,
    not already drawn, more than ``group_over``). Areas are never grouped: they are the map's frame."""
    by: dict[tuple[str, str], set[str]] = defaultdict(set)
    for r in rows:
        lbl = primary_label(r["labels"])
        if lbl != Label.Area.value and r["id"] not in drawn:
            by[(r["source"], lbl)].add(r["id"])
    return {k: v for k, v in by.items() if len(v) > group_over and group_id(*k) not in opened}


def to_networkx(sub: Subgraph):
    """A ``networkx.MultiDiGraph`` of a subgraph, node attrs as in :mod:`orgnet.graph.nx`."""
    import networkx as nx

    g = nx.MultiDiGraph()
    for n in sub.nodes:
        attrs = {k: v for k, v in n.items() if k != "id" and v is not None}
        g.add_node(n["id"], **attrs)
    for e in sub.edges:
        g.add_edge(e["source"], e["target"], key=e["rel"] or "AGG", type=e["rel"], **(e.get("props") or {}))
    return g


# ---------------------------------------------------------------------------
# streets and the org tree
# ---------------------------------------------------------------------------


def streets(store: Store, *, graph: str | None = None) -> list[dict]:
    """``[{id, name, communities: [{id, name}]}]`` for filters, ordered by id."""
    out: dict[str, dict] = {}
    for r in _read(store, "view_streets", view_params("view_streets", None), graph=graph):
        s = out.setdefault(r["street_id"], {"id": r["street_id"], "name": r["street"], "communities": []})
        if r.get("community_id"):
            s["communities"].append({"id": r["community_id"], "name": r["community"]})
    return list(out.values())


@dataclass
class OrgTree:
    """The organization tree of a street (or one community), ready to draw top down.

    Nodes: ``{id, name, label, kind, level (tree depth), uncovered: bool, aggregate: bool,
    count, members}``; organizations have label ``PartyOrg``, uncovered territory label
    ``Area`` (its ``kind`` is the area level) and ``uncovered=True``. Edges run parent → child.
    """

    nodes: list[dict] = field(default_factory=list)
    edges: list[dict] = field(default_factory=list)
    #: uncovered areas by level, e.g. {"grid": 3, "building": 12}
    uncovered: dict[str, int] = field(default_factory=dict)
    #: organizations by kind
    orgs: dict[str, int] = field(default_factory=dict)
    #: every uncovered area (drawn or aggregated): {id, name, level, parent (name)}
    uncovered_rows: list[dict] = field(default_factory=list)


_DEPTH = {AreaLevel.street.value: 0, AreaLevel.community.value: 1, AreaLevel.grid.value: 2,
          AreaLevel.compound.value: 2, AreaLevel.building.value: 3}


def org_tree(store: Store, street_id: str, *, graph: str | None = None, community_id: str | None = None,
             max_nodes: int = MAX_DRAWN, fold_buildings: bool | None = None,
             as_of: str | None = None) -> OrgTree:
    """Street committee → community committees → grid/compound branches → building groups.

    Territory no organization of the expected kind covers (the coverage rules: community without
    a community committee, grid without a grid branch, …) is added as a red node under the
    organization of the nearest covered enclosing area. With ``community_id`` only that
    community's part is kept. Buildings (groups and uncovered ones) are folded into one
    aggregate node per parent when ``fold_buildings`` (default: for a whole street) or when
    more than ``max_nodes`` would be drawn.
    """
    if fold_buildings is None:
        fold_buildings = community_id is None
    areas = {a["id"]: a for a in _read(store, "view_org_tree_areas", {"street_id": street_id}, graph=graph)}
    orgs = {o["id"]: o for o in _read(store, "view_org_tree_orgs", {"street_id": street_id}, graph=graph)}
    if not areas:
        return OrgTree()
    from orgnet.queries.gaps import run_gaps

    gaps = run_gaps(store, COVERAGE_RULE.values(), as_of=as_of, street_id=street_id, graph=graph)
    is_gap = set(gaps["id"]) if len(gaps) else set()  # red only where the coverage rules find a gap

    def ancestors(aid: str) -> list[str]:
        seen, todo = [], list(areas.get(aid, {}).get("parents") or [])
        while todo:
            p = todo.pop(0)
            if p in areas and p not in seen:
                seen.append(p)
                todo.extend(areas[p].get("parents") or [])
        return seen

    if community_id:
        keep = {aid for aid in areas if aid == community_id or community_id in ancestors(aid)}
    else:
        keep = set(areas)

    # the expected-kind org covering each area
    cover: dict[str, str] = {}
    for aid, a in areas.items():
        want = COVERING_KIND.get(a["level"])
        for oid in sorted(a.get("orgs") or []):
            if oid in orgs and orgs[oid]["kind"] == want:
                cover[aid] = oid
                break

    def org_area(oid: str) -> str | None:
        """The main area an org covers (its level matching its kind)."""
        o = orgs[oid]
        cands = [aid for aid in o.get("areas") or [] if aid in areas]
        for aid in cands:
            if COVERING_KIND.get(areas[aid]["level"]) == o["kind"]:
                return aid
        return cands[0] if cands else None

    nodes: dict[str, dict] = {}
    parent_of: dict[str, str] = {}

    def tree_parent_for_area(aid: str) -> str | None:
        """The drawn node an area's subtree hangs under: the org (or red node) of the nearest enclosing area."""
        a = areas[aid]
        # prefer the grid over the compound for buildings; the community for grids/compounds
        ups = sorted(a.get("parents") or [], key=lambda p: (areas.get(p, {}).get("level") != AreaLevel.grid.value, p))
        for p in ups:
            if p not in areas:
                continue
            if p in cover:
                return cover[p]
            return f"!{p}"
        return None

    kept_orgs = set()
    for oid, o in orgs.items():
        aid = org_area(oid)
        if aid is None or aid not in keep:
            continue
        if community_id and o["kind"] == OrgKind.street_committee.value:
            continue
        kept_orgs.add(oid)
    for oid in sorted(kept_orgs, key=lambda i: (TREE_KINDS.index(orgs[i]["kind"]), orgs[i]["name"] or "", i)):
        o = orgs[oid]
        aid = org_area(oid)
        nodes[oid] = {"id": oid, "name": o["name"], "label": Label.PartyOrg.value, "kind": o["kind"],
                      "labels": (Label.PartyOrg.value,), "level": _DEPTH.get(areas[aid]["level"], 1),
                      "uncovered": False, "members": o.get("members") or 0, "area_id": aid}
        par = o.get("parent_id")
        by_area = tree_parent_for_area(aid)
        if par not in kept_orgs or (by_area or "").startswith("!"):
            # no declared parent in view, or the area above is uncovered: hang under the area's node
            par = by_area
        if par:
            parent_of[oid] = par

    uncovered_rows = []
    for aid in sorted(keep, key=lambda i: (LEVEL_RANK.get(areas[i]["level"], 9), areas[i]["name"] or "", i)):
        a = areas[aid]
        if a["level"] not in COVERING_KIND or aid in cover:
            continue
        if community_id and a["level"] == AreaLevel.street.value:
            continue
        rid = f"!{aid}"
        lbl = AREA_LABELS[AreaLevel(a["level"])].value
        gap = aid in is_gap or a["level"] == AreaLevel.street.value
        nodes[rid] = {"id": rid, "area_id": aid, "name": a["name"], "label": Label.Area.value, "kind": a["level"],
                      "labels": (Label.Area.value, lbl), "level": _DEPTH.get(a["level"], 1),
                      "uncovered": gap, "members": 0}
        par = tree_parent_for_area(aid)
        if par:
            parent_of[rid] = par
        if gap:
            uncovered_rows.append({"id": aid, "name": a["name"], "level": a["level"], "parent": None})
    # parents that were filtered out (scope) → drop the link
    for child, par in list(parent_of.items()):
        if par not in nodes:
            del parent_of[child]
    for row in uncovered_rows:
        par = parent_of.get(f"!{row['id']}")
        row["parent"] = nodes[par]["name"] if par else None

    # too many: fold buildings (groups and uncovered buildings) per parent
    if fold_buildings or len(nodes) > max_nodes:
        folded: dict[tuple[str, bool], list[str]] = defaultdict(list)

        def fold_under(nid: str) -> str:
            """For a whole street, a community's buildings fold under the community's node."""
            par = parent_of[nid]
            if community_id is None:
                while nodes[par]["level"] > 1 and par in parent_of:
                    par = parent_of[par]
            return par

        for nid, n in nodes.items():
            if n["level"] >= 3 and nid in parent_of:
                folded[(fold_under(nid), n["uncovered"])].append(nid)
        for (par, unc), ids in sorted(folded.items()):
            if len(ids) < 2 and not fold_buildings:
                continue
            sample = nodes[ids[0]]
            agg = f"+{par}:{'u' if unc else 'c'}"
            for nid in ids:
                del nodes[nid]
                del parent_of[nid]
            nodes[agg] = {"id": agg, "name": f"{len(ids)}", "label": sample["label"], "kind": sample["kind"],
                          "labels": sample["labels"], "level": 3, "uncovered": unc, "aggregate": True,
                          "count": len(ids), "members": 0}
            parent_of[agg] = par

    edges = [{"source": par, "target": child, "rel": "SUBORDINATE_TO"} for child, par in parent_of.items()]
    unc_counts = Counter(r["level"] for r in uncovered_rows)
    org_counts = Counter(orgs[o]["kind"] for o in kept_orgs)
    return OrgTree(nodes=list(nodes.values()), edges=edges, uncovered=dict(unc_counts),
                   orgs=dict(org_counts), uncovered_rows=uncovered_rows)
