"""The cap: at most ``max_nodes`` drawn, the rest aggregated per parent into summary nodes."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from orgnet.i18n import _norm_lang, t
from orgnet.viz import style as S
from orgnet.viz.maps.normalise import BAND_RANK, _strength


def _summary_node(parent: str | None, kind: str, members: list[dict[str, Any]], lang: str) -> dict[str, Any]:
    n = sum(int(x.get("_count", 1)) for x in members)
    names = []
    for x in members:
        names.extend(x.get("_names") or [x["label"]])
    kind_pl = S.kind_name(kind, lang, plural=True)
    sep = "、" if _norm_lang(lang) == "zh" else ", "
    shown = names[:10]
    tip = t("map.more_tooltip", lang, n=n, kind=kind_pl) + "\n" + sep.join(shown)
    if len(names) > 10:
        tip += (" " if _norm_lang(lang) == "en" else "") + t("map.more_etc", lang)
    return {
        "id": f"__more__/{parent or ''}/{kind}",
        "label": t("map.more", lang, n=n, kind=kind_pl),
        "kind": kind,
        "parent": parent,
        "group": None,
        "uncovered": False,
        "_summary": True,
        "_count": n,
        "_names": names,
        "_tip": tip,
    }


def _remap_edges(edges: list[dict[str, Any]], alias: dict[str, str], keep: set[str],
                 parent_only: dict[str, str | None] | None = None) -> list[dict[str, Any]]:
    """Point edges of folded nodes at their summary node and merge duplicates.

    ``parent_only``: summary id → its parent; a summary then keeps only its tie to that
    parent (hidden units' ties elsewhere would only clutter the picture).
    """
    merged: dict[tuple[str, str], dict[str, Any]] = {}
    order: list[tuple[str, str]] = []
    for e in edges:
        s, d = alias.get(e["source"], e["source"]), alias.get(e["target"], e["target"])
        if s == d or s not in keep or d not in keep:
            continue
        if parent_only is not None and (
                (s in parent_only and parent_only[s] != d) or (d in parent_only and parent_only[d] != s)):
            continue
        touched = s != e["source"] or d != e["target"]
        key = (s, d) if not touched else tuple(sorted((s, d)))
        cur = merged.get(key)
        if cur is None:
            ne = dict(e)
            ne["source"], ne["target"] = key if touched else (s, d)
            ne["_summary"] = touched
            if touched:
                ne.pop("label", None)
                ne.pop("title", None)
            merged[key] = ne
            order.append(key)
        else:
            cur["count"] = cur.get("count", 1) + e.get("count", 1)
            if BAND_RANK.get(e.get("band") or "", -1) > BAND_RANK.get(cur.get("band") or "", -1):
                cur["band"] = e.get("band")
            if e.get("score") is not None and (cur.get("score") is None or e["score"] > cur["score"]):
                cur["score"] = e["score"]
            cur["_summary"] = True
            cur.pop("label", None)
            cur.pop("title", None)
    out = [merged[k] for k in order]
    out.sort(key=lambda e: (e["source"], e["target"], str(e.get("type") or "")))
    return out


def _cap_flat(nodes, edges, max_nodes, lang):
    if len(nodes) <= max_nodes:
        return nodes, edges, 0
    ids = {n["id"] for n in nodes}
    best: dict[str, float] = defaultdict(float)
    degree: dict[str, int] = defaultdict(int)
    for e in edges:
        for a in (e["source"], e["target"]):
            best[a] = max(best[a], _strength(e))
            degree[a] += 1
    pinned = [n for n in nodes if not n["parent"] or n["parent"] not in ids]
    cands = [n for n in nodes if n["parent"] and n["parent"] in ids]
    if len(pinned) >= max_nodes:  # even the anchors are too many: everything may go
        cands = nodes
        pinned = []

    def weight(n):
        w = n.get("weight")
        return float(w) if w is not None else best[n["id"]]

    cands = sorted(cands, key=lambda n: (-weight(n), -degree[n["id"]], n["label"], n["id"]))
    cand_ids = {n["id"] for n in cands}
    gkey = [((n["parent"] if n["parent"] not in cand_ids else None), n["kind"]) for n in cands]
    # groups_from[i] = number of distinct groups among cands[i:]
    groups_from = [0] * (len(cands) + 1)
    seen: set = set()
    for i in range(len(cands) - 1, -1, -1):
        seen.add(gkey[i])
        groups_from[i] = len(seen)
    k = min(len(cands), max(0, max_nodes - len(pinned)))
    while k > 0 and len(pinned) + k + groups_from[k] > max_nodes:
        k -= 1
    kept = pinned + cands[:k]
    buckets: dict[tuple, list] = defaultdict(list)
    for n, g in zip(cands[k:], gkey[k:]):
        buckets[g].append(n)
    alias: dict[str, str] = {}
    summaries = []
    for (parent, kind), members in sorted(buckets.items(), key=lambda kv: (str(kv[0][0]), kv[0][1])):
        sn = _summary_node(parent, kind, members, lang)
        summaries.append(sn)
        for x in members:
            alias[x["id"]] = sn["id"]
    out_nodes = sorted(kept + summaries, key=lambda n: n["id"])
    keep = {n["id"] for n in out_nodes}
    parents = {sn["id"]: sn["parent"] for sn in summaries}
    return out_nodes, _remap_edges(edges, alias, keep, parents), len(nodes) - len(kept)


def _cap_tree(nodes, edges, max_nodes, lang):
    if len(nodes) <= max_nodes:
        return nodes, edges, 0
    byid = {n["id"]: dict(n) for n in nodes}
    alias: dict[str, str] = {}
    hidden = 0

    while len(byid) > max_nodes:
        children: dict[str, list[str]] = defaultdict(list)
        for n in byid.values():
            if n["parent"] in byid:
                children[n["parent"]].append(n["id"])

        def subtree(nid):
            stack, out = [nid], []
            while stack:
                x = stack.pop()
                out.append(x)
                stack.extend(children.get(x, ()))
            return out

        depth: dict[str, int] = {}

        def get_depth(nid):
            d, x, guard = 0, nid, 0
            while byid[x]["parent"] in byid and guard < 10_000:
                x = byid[x]["parent"]
                d += 1
                guard += 1
            return d

        groups: dict[tuple, list[str]] = defaultdict(list)
        for n in byid.values():
            if n["parent"] in byid:
                groups[(n["parent"], n["kind"])].append(n["id"])
        best = None
        for (parent, kind), members in groups.items():
            size = sum(len(subtree(x)) for x in members)
            saving = size - 1
            if saving <= 0:
                continue
            d = depth.setdefault(parent, get_depth(parent))
            key = (d, saving, parent, kind)
            if best is None or key > best[0]:
                best = (key, parent, kind, members)
        if best is None:
            break
        _, parent, kind, members = best
        member_rows = [byid[x] for x in sorted(members, key=lambda i: (byid[i]["label"], i))]
        sn = _summary_node(parent, kind, member_rows, lang)
        for x in members:
            for y in subtree(x):
                alias[y] = sn["id"]
                if not byid[y].get("_summary"):
                    hidden += 1
                del byid[y]
        byid[sn["id"]] = sn
    # resolve chains of aliases (a summary folded into a later summary)
    def final(x):
        seen = set()
        while x in alias and x not in seen:
            seen.add(x)
            x = alias[x]
        return x
    alias = {k: final(k) for k in alias}
    out_nodes = sorted(byid.values(), key=lambda n: n["id"])
    return out_nodes, _remap_edges(edges, alias, set(byid)), hidden
