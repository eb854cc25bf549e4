"""Network maps: offline HTML, determinism, the node cap, legend, escaping, styles; and a
real look in headless Chromium (marker ``browser``)."""

from __future__ import annotations

import base64
import os
import json
import re
import shutil
from pathlib import Path

import pytest

from orgnet import model as m
from orgnet.viz import (
    external_refs,
    legend_entries,
    linkage_map_html,
    network_html,
    node_kind,
    node_style,
    org_tree_html,
    prepare,
    resolve_kind,
    standalone_html,
)
from orgnet.viz import style as S

from helpers_viz import linkage_sample, org_tree_sample

EVIL = "</script><img src=x onerror=alert(1)>"


def _payload(html: str) -> dict:
    m_ = re.search(r"window\.ORGNET_DATA = (\{.*?\});</script>", html, re.S)
    assert m_, "no data script"
    return json.loads(m_.group(1))


def _sample_html(**kw):
    c, u, ties = linkage_sample()
    return linkage_map_html(c, u, ties, **kw)


# -- offline ---------------------------------------------------------------

@pytest.mark.parametrize("meeting", [False, True])
def test_no_external_url_in_output(meeting):
    for html in (_sample_html(meeting=meeting, date="2025-01-01"),
                 org_tree_html(org_tree_sample(), meeting=meeting, date="2025-01-01")):
        assert external_refs(html) == []
        # no src/href attribute pointing anywhere but the page itself
        for attr in re.findall(r"""\b(?:src|href)\s*=\s*["']([^"']*)["']""", html, re.I):
            assert not re.match(r"(https?:)?//", attr), attr
        assert "cdn.jsdelivr" not in html and "cdnjs" not in html and "bootstrap" not in html
        assert "vis.Network" in html  # vis-network is inlined
        assert "<link" not in html


def test_standalone_html_is_bytes_and_complete():
    c, u, ties = linkage_sample()
    data = standalone_html(*_linkage_nodes_edges(c, u, ties), layout="bipartite", title="联建")
    assert isinstance(data, bytes)
    text = data.decode("utf-8")
    assert text.startswith("<!DOCTYPE html>") and "</html>" in text and "100vh" in text


def _linkage_nodes_edges(c, u, ties):
    from orgnet.viz import linkage_nodes_edges
    return linkage_nodes_edges(c, u, ties)


# -- determinism ----------------------------------------------------------

@pytest.mark.parametrize("layout", ["force", "bipartite", "tree"])
def test_same_input_gives_byte_identical_output(layout):
    nodes = org_tree_sample() if layout == "tree" else None
    if nodes is None:
        from orgnet.viz import linkage_nodes_edges
        nodes, edges = linkage_nodes_edges(*linkage_sample())
    else:
        edges = []
    a = network_html(nodes, edges, layout=layout, title="图", date="2025-01-01")
    b = network_html(list(reversed(nodes)), list(reversed(edges)), layout=layout, title="图", date="2025-01-01")
    assert a == b
    pos = {n["id"]: (n["x"], n["y"]) for n in _payload(a)["nodes"]}
    assert len(set(pos.values())) == len(pos)  # nobody sits on anybody


def test_dataframe_input_equals_list_input():
    import pandas as pd
    from orgnet.viz import linkage_nodes_edges
    nodes, edges = linkage_nodes_edges(*linkage_sample())
    flat = [{k: v for k, v in n.items() if k != "title"} for n in nodes]
    a = network_html(flat, [{k: v for k, v in e.items() if k != "title"} for e in edges], layout="bipartite")
    b = network_html(pd.DataFrame(flat), pd.DataFrame([{k: v for k, v in e.items() if k != "title"} for e in edges]),
                     layout="bipartite")
    assert a == b


# -- the cap ---------------------------------------------------------------

def test_max_nodes_aggregates_per_parent():
    c, u, ties = linkage_sample(n_units=400)
    html = linkage_map_html(c, u, ties, max_nodes=60)
    data = _payload(html)
    assert len(data["nodes"]) <= 60
    summaries = [n for n in data["nodes"] if n["id"].startswith("__more__/")]
    assert summaries and all(n["label"].startswith("+") and "个" in n["label"] for n in summaries)
    # every community is still drawn, and the counts add up
    ids = {n["id"] for n in data["nodes"]}
    assert {x["id"] for x in c} <= ids
    hidden = sum(int(re.match(r"\+(\d+)", n["label"]).group(1)) for n in summaries)
    drawn_units = sum(1 for n in data["nodes"] if n["id"].startswith("U"))
    assert hidden + drawn_units == 400
    # the strongest ties are the ones kept
    kept = {n["id"] for n in data["nodes"] if n["id"].startswith("U")}
    best = {}
    for t_ in ties:
        best[t_["unit_id"]] = max(best.get(t_["unit_id"], 0), t_["score"])
    assert min(best[k] for k in kept) >= max(best[k] for k in best if k not in kept) - 1e-9
    en = _payload(linkage_map_html(c, u, ties, max_nodes=60, lang="en"))
    assert any(re.match(r"\+\d+ [a-z]", n["label"]) for n in en["nodes"])
    assert "legend" in data and any(e["type"] == "summary" for e in data["legend"])


def test_tree_cap_folds_deepest_groups():
    nodes = org_tree_sample(8)
    data = prepare(nodes, layout="tree", max_nodes=40)
    assert len(data["nodes"]) <= 40
    assert data["hidden"] > 0
    assert any(n["id"].startswith("__more__/") for n in data["nodes"])
    # the street committee and the community committees survive
    ids = {n["id"] for n in data["nodes"]}
    assert "O-S1" in ids and all(f"O-C{i}" in ids for i in range(1, 9))


def test_under_the_cap_nothing_is_aggregated():
    data = prepare(org_tree_sample(), layout="tree")
    assert data["hidden"] == 0 and not any(n["id"].startswith("__more__") for n in data["nodes"])


# -- legend ----------------------------------------------------------------

def test_legend_shows_only_present_kinds_and_bands():
    nodes = [{"id": "c", "label": "社区", "kind": "Community"},
             {"id": "u", "label": "公司", "kind": "private_enterprise", "parent": "c"}]
    edges = [{"source": "c", "target": "u", "score": 75}]
    entries = legend_entries(nodes, edges)
    keys = [(e["type"], e["key"]) for e in entries]
    assert keys == [("node", "Community"), ("node", "unit_two_new"), ("band", "strong")]
    assert [e["label"] for e in entries][:2] == ["社区", "两新组织"]
    html = network_html(nodes, edges, layout="bipartite")
    assert "两新组织" in html and "网格党支部" not in html.split("window.ORGNET_DATA")[0]
    tree = legend_entries(org_tree_sample())
    assert ("uncovered", "uncovered") in [(e["type"], e["key"]) for e in tree]
    assert not any(e["type"] == "band" for e in tree)


def test_legend_english():
    entries = legend_entries([{"id": "g", "kind": "grid_branch"}], lang="en")
    assert entries[0]["label"] == "Grid party branch"


# -- escaping ----------------------------------------------------------------

def test_malicious_labels_cannot_break_out():
    nodes = [{"id": EVIL, "label": EVIL, "kind": "Community", "title": {EVIL: EVIL}},
             {"id": "u", "label": "a&b<c>", "kind": "Unit", "parent": EVIL}]
    edges = [{"source": EVIL, "target": "u", "score": 50, "label": EVIL, "title": EVIL}]
    html = network_html(nodes, edges, title=EVIL, subtitle=EVIL, meeting=True, date="2025-01-01",
                        layout="bipartite")
    assert "<img" not in html
    assert html.count("</script>") == 3  # vis-network, the data, the page script: nothing closes early
    assert "&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;" in html  # header, escaped
    data = _payload(html)
    # (a bipartite hub's label is vis "html" markup: <b>…</b> around the text with < and & escaped)
    assert any(n["label"].startswith("</script>") or EVIL[:6] in n["label"] or "&lt;/script>" in n["label"]
               for n in data["nodes"])
    assert any(EVIL in n["title"] for n in data["nodes"])  # tooltip keeps the text (shown as text)
    with pytest.raises(ValueError):
        network_html(nodes, edges, height="1px;background:url(http://x)")


# -- styles -----------------------------------------------------------------

def test_every_model_kind_has_a_style():
    for label in m.Label:
        assert resolve_kind(label.value) != "node", label
    for kind in m.OrgKind:
        st = node_style(kind.value)
        assert st.key == kind.value and st.family == "org"
    for level in m.AreaLevel:
        assert node_style(level.value).family == "area"
    for uk in m.UnitKind:
        assert node_style(uk.value).family == "unit"
    for b in S.BANDS:
        assert S.edge_style(b).key == b
    assert node_kind(("Area", "Grid")) == "Grid"
    assert node_kind("PartyOrg", {"kind": "joint_branch"}) == "joint_branch"
    assert node_kind(["Unit"], {"kind": "social_org"}) == "unit_two_new"
    assert S.band_for_score(60) == "strong" and S.band_for_score(30) == "medium"
    assert S.band_for_score(0.1) == "weak" and S.band_for_score(0) == "none"
    # party orgs in reds, areas in blues: distinct colours within a family
    orgs = [node_style(k.value).color for k in m.OrgKind]
    assert len(set(orgs)) == len(orgs)


def test_meeting_mode_enlarges_and_titles():
    c, u, ties = linkage_sample()
    normal = _payload(linkage_map_html(c, u, ties))
    meet_html = linkage_map_html(c, u, ties, meeting=True, date="2025-03-01")
    meet = _payload(meet_html)
    assert meet["nodes"][0]["font"]["size"] > normal["nodes"][0]["font"]["size"]
    assert meet["nodes"][0]["size"] > normal["nodes"][0]["size"]
    assert "2025-03-01" in meet_html and 'class="on-meeting"' in meet_html and "下载PNG" in meet_html
    assert "on-legend" in meet_html


# -- a real look in headless Chromium ------------------------------------------

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROME_ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.mark.browser
@pytest.mark.slow
def test_maps_render_in_chromium(tmp_path):
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail("chromium is missing on CI: `make test` installs it (apt-get install chromium fonts-noto-cjk)")
        pytest.skip("chromium not installed (apt-get install chromium fonts-noto-cjk)")
    from playwright import sync_api
    c, u, ties = linkage_sample()
    shots = Path("/tmp/viz-shots")
    shots.mkdir(exist_ok=True)
    pages = {
        "linkage": linkage_map_html(c, u, ties, height="100vh", title="联建强度"),
        "linkage_meeting": linkage_map_html(c, u, ties, height="100vh", meeting=True, date="2025-03-01"),
        "tree_en": org_tree_html(org_tree_sample(), lang="en", height="100vh"),
    }
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROME_ARGS)
        try:
            for name, html in pages.items():
                f = tmp_path / f"{name}.html"
                f.write_text(html, encoding="utf-8")
                page = browser.new_page(viewport={"width": 1280, "height": 800})
                outside, errors = [], []
                page.on("request", lambda r: outside.append(r.url)
                        if not r.url.startswith(("file://", "data:", "blob:", "about:")) else None)
                page.on("pageerror", lambda e: errors.append(str(e)))
                page.goto(f.as_uri())
                page.wait_for_selector("#mynetwork canvas", timeout=15000)
                page.wait_for_function("document.body.getAttribute('data-drawn') !== null", timeout=15000)
                drawn = int(page.evaluate("document.body.getAttribute('data-drawn')"))
                assert drawn == len(_payload(html)["nodes"]) > 0
                assert page.evaluate("window.orgnetNetwork.body.nodeIndices.length") == drawn
                png = page.evaluate("window.orgnetPng()")
                assert png.startswith("data:image/png;base64,")
                (shots / f"{name}_export.png").write_bytes(base64.b64decode(png.split(",", 1)[1]))
                page.screenshot(path=str(shots / f"{name}.png"))
                assert outside == [] and errors == []
                page.close()
        finally:
            browser.close()


# -- linkage map: weak ties to other communities ----------------------------------

def _cross_sample():
    comms = [{"id": "C1", "name": "东湖社区"}, {"id": "C2", "name": "西湖社区"}, {"id": "C3", "name": "南湖社区"}]
    units = [{"id": "U1", "name": "蜀锦科技有限公司", "kind": "private_enterprise", "community_id": "C1"},
             {"id": "U2", "name": "锦江小学", "kind": "institution", "community_id": "C2"},
             {"id": "U3", "name": "万科物业", "kind": "property_company", "community_id": "C3"}]
    ties = [{"community_id": "C1", "unit_id": "U1", "score": 70, "band": "strong"},
            {"community_id": "C2", "unit_id": "U1", "score": 12, "band": "weak"},      # cross, weak → hidden
            {"community_id": "C3", "unit_id": "U1", "score": 45, "band": "medium"},    # cross, medium → curved
            {"community_id": "C2", "unit_id": "U2", "score": 20, "band": "weak"},      # home tie, weak → kept
            {"community_id": "C3", "unit_id": "U2", "score": 8, "band": "weak"},       # cross, weak → hidden
            {"community_id": "C3", "unit_id": "U3", "score": 50, "band": "medium"}]
    return comms, units, ties


def _pairs(data):
    return {tuple(sorted((e["from"], e["to"]))) for e in data["edges"]}


def test_linkage_map_hides_weak_ties_to_other_communities_by_default():
    html = linkage_map_html(*_cross_sample(), date="2025-01-01")
    data = _payload(html)
    pairs = _pairs(data)
    assert ("C2", "U1") not in pairs and ("C3", "U2") not in pairs
    assert {("C1", "U1"), ("C1", "U1"), ("C3", "U1"), ("C2", "U2"), ("C3", "U3")} <= pairs
    assert "另有 2 条跨社区弱联系未显示" in html
    assert data["meta"]["notes"] == ["另有 2 条跨社区弱联系未显示"]
    # the medium tie to another community is drawn curved and lighter; home ties straight
    by = {tuple(sorted((e["from"], e["to"]))): e for e in data["edges"]}
    cross = by[("C3", "U1")]
    assert cross["smooth"]["enabled"] and cross["smooth"]["type"].startswith("curved")
    assert cross["color"]["opacity"] < by[("C1", "U1")]["color"]["opacity"]
    assert "smooth" not in by[("C1", "U1")] and "smooth" not in by[("C2", "U2")]


def test_linkage_map_cross_weak_true_draws_everything_without_note():
    html = linkage_map_html(*_cross_sample(), cross_weak=True, date="2025-01-01")
    data = _payload(html)
    assert len(data["edges"]) == 6
    assert "跨社区弱联系" not in html and data["meta"]["notes"] == []


def test_cross_weak_note_in_english_and_singular():
    c, u, ties = _cross_sample()
    en = linkage_map_html(c, u, ties, lang="en", date="2025-01-01")
    assert "2 weak ties to other communities not shown" in en
    one = linkage_map_html(c, u, [t_ for t_ in ties if t_["unit_id"] != "U2"], lang="en")
    assert "1 weak tie to another community not shown" in one
    zh_none = linkage_map_html(c, u, [t_ for t_ in ties if t_["band"] != "weak"])
    assert "跨社区弱联系" not in zh_none


def test_cross_weak_hidden_count_in_prepare_and_deterministic():
    from orgnet.viz import linkage_nodes_edges
    nodes, edges = linkage_nodes_edges(*_cross_sample())
    d = prepare(nodes, edges, layout="bipartite", cross_weak=False)
    assert d["cross_weak_hidden"] == 2 and len(d["edges"]) == 4
    assert prepare(nodes, edges, layout="bipartite")["cross_weak_hidden"] == 0  # prepare keeps all by default
    assert linkage_map_html(*_cross_sample(), date="2025-01-01") == linkage_map_html(*_cross_sample(), date="2025-01-01")


def test_linkage_hub_labels_bold_and_bigger_in_meeting_mode():
    c, u, ties = _cross_sample()
    for meeting in (False, True):
        data = _payload(linkage_map_html(c, u, ties, meeting=meeting, date="2025-01-01"))
        hubs = [n for n in data["nodes"] if n["id"].startswith("C")]
        units = [n for n in data["nodes"] if n["id"].startswith("U")]
        assert all(n["label"].startswith("<b>") and n["font"]["multi"] == "html" for n in hubs)
        assert min(n["font"]["size"] for n in hubs) > max(n["font"]["size"] for n in units)
    normal = _payload(linkage_map_html(c, u, ties, date="2025-01-01"))
    meet = _payload(linkage_map_html(c, u, ties, meeting=True, date="2025-01-01"))
    assert meet["nodes"][0]["font"]["size"] > normal["nodes"][0]["font"]["size"]


def test_linkage_hub_label_markup_is_escaped():
    data = _payload(linkage_map_html([{"id": "C1", "name": "a<b>&c"}], [{"id": "U1", "name": "x", "community_id": "C1"}],
                                     [{"community_id": "C1", "unit_id": "U1", "score": 50}]))
    hub = next(n for n in data["nodes"] if n["id"] == "C1")
    assert hub["label"] == "<b>a&lt;b>&amp;c</b>"


def test_uncovered_suffix_appears_once_on_a_folded_node():
    """The org-tree page's rows, drawn by the library: "（未覆盖）" once, not twice."""
    from types import SimpleNamespace

    from orgnet.i18n import t
    from orgnet.pages._maps import tree_rows

    ctx = SimpleNamespace(lang="zh", t=lambda key, **kw: t(key, "zh", **kw))
    tree = SimpleNamespace(
        nodes=[{"id": "c", "name": "月河社区党委", "kind": "community_committee"},
               {"id": "agg", "name": "", "labels": ["Area", "Building"], "level": "building",
                "aggregate": True, "count": 13, "uncovered": True}],
        edges=[{"source": "c", "target": "agg"}])
    nodes, _ = tree_rows(ctx, tree)
    data = prepare(nodes, [], layout="tree", lang="zh")
    label = next(n["label"] for n in data["nodes"] if n["id"] == "agg")
    assert label.count(t("map.uncovered_suffix", "zh").strip()) == 1, label


def _est_w(label: str, font: float) -> float:
    """Label width estimate: the longest line, CJK ≈ 1.0 em a character, others ≈ 0.6 em."""
    lines = label.replace("<b>", "").replace("</b>", "").split("\n")
    return max(sum(1.0 if "\u2e80" <= ch <= "\uffe6" else 0.6 for ch in line) for line in lines) * font


@pytest.mark.parametrize("meeting", [False, True])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_tree_labels_do_not_overlap(meeting, lang):
    """Nodes on one tree level sit at least their half label widths apart; stacked nodes
    in one column leave room for their (2–3 line) labels; in meeting mode too."""
    from orgnet.i18n import t

    suffix = t("map.uncovered_suffix", lang).strip()
    nodes = org_tree_sample(8)
    # long names, as on the real demo street: run together before the fix
    for n in nodes:
        if n["kind"] == "Grid":
            n["label"] = n["label"][:2] + "社区第一网格"
    data = prepare(nodes, layout="tree", lang=lang, meeting=meeting, direction="UD")
    assert data["direction"] == "UD"
    vn = [n for n in data["nodes"] if not n.get("on_joint")]  # joints: bends of lines, no label
    assert any(suffix in n["label"] for n in vn)
    by_y: dict[float, list] = {}
    for n in vn:
        by_y.setdefault(n["y"], []).append(n)
    for row in by_y.values():
        row.sort(key=lambda n: n["x"])
        for a, b in zip(row, row[1:]):
            need = (_est_w(a["label"], a["font"]["size"]) + _est_w(b["label"], b["font"]["size"])) / 2
            assert b["x"] - a["x"] >= need, (a["label"], b["label"], b["x"] - a["x"], need)
    by_x: dict[float, list] = {}
    for n in vn:
        by_x.setdefault(n["x"], []).append(n)
    for col in by_x.values():
        col.sort(key=lambda n: n["y"])
        for a, b in zip(col, col[1:]):  # a's node, its label under it, then b's node
            need = a["size"] + a["label"].count("\n") * a["font"]["size"] + a["font"]["size"] + b["size"]
            if meeting:  # names inside boxes: half of each box
                need = sum((x["label"].count("\n") + 1) * x["font"]["size"] / 2 + x["margin"] for x in (a, b))
            assert b["y"] - a["y"] >= need, (a["label"], b["label"], b["y"] - a["y"], need)
    # same input, same output
    assert prepare(nodes, layout="tree", lang=lang, meeting=meeting, direction="UD") == data


def _box(v: dict) -> tuple[float, float, float, float]:
    """(left, top, right, bottom) of a boxed node: its name (``_est_w``, one font size a line) and margin."""
    lines = v["label"].count("\n") + 1
    hw = _est_w(v["label"], v["font"]["size"]) / 2 + v["margin"]
    hh = lines * v["font"]["size"] / 2 + v["margin"]
    return v["x"] - hw, v["y"] - hh, v["x"] + hw, v["y"] + hh


@pytest.mark.parametrize("n", [3, 8])
def test_meeting_tree_names_in_boxes_and_lines_beside_them(n):
    """The meeting org tree: every name whole (no "…") inside its box, at least 24 px (hubs 32 px);
    the lines to a column of leaves run beside the column: no straight line crosses a box it
    does not end at, and every leaf is still joined to its parent."""
    nodes = org_tree_sample(n)
    for x in nodes:  # long names: cut with "…" at a desk
        if x["kind"] == "Grid":
            x["label"] = x["label"][:2] + "社区第一网格党支部联合工作委员会"
    data = prepare(nodes, layout="tree", meeting=True)
    boxes = {v["id"]: v for v in data["nodes"] if not v.get("on_joint")}
    assert boxes and all(v["shape"] == "box" for v in boxes.values())
    assert not any("…" in v["label"] for v in boxes.values())
    assert min(v["font"]["size"] for v in boxes.values()) >= 24
    assert all(v["font"]["size"] >= 32 for v in boxes.values() if v["font"].get("multi") == "html")
    ids = {v["id"] for v in data["nodes"]}
    pos = {v["id"]: (v["x"], v["y"]) for v in data["nodes"]}
    straight = [e for e in data["edges"] if e.get("smooth") is False]
    assert straight, "no column of leaves in the sample"
    for e in straight:
        assert e["from"] in ids and e["to"] in ids
        (x0, y0), (x1, y1) = pos[e["from"]], pos[e["to"]]
        for k in range(1, 40):
            px, py = x0 + (x1 - x0) * k / 40, y0 + (y1 - y0) * k / 40
            for bid, v in boxes.items():
                if bid in (e["from"], e["to"]):
                    continue
                left, top, right, bottom = _box(v)
                assert not (left < px < right and top < py < bottom), (e, bid)
    # joined: from every node, the parent is reached through joints only
    adj: dict[str, set] = {}
    for e in data["edges"]:
        adj.setdefault(e["from"], set()).add(e["to"])
        adj.setdefault(e["to"], set()).add(e["from"])
    parent = {x["id"]: x["parent"] for x in nodes}
    for vid in boxes:
        p = parent.get(vid)
        if p not in boxes:
            continue
        seen, todo, found = {vid}, [vid], False
        while todo and not found:
            cur = todo.pop()
            for nxt in adj.get(cur, ()):
                if nxt == p:
                    found = True
                elif nxt.startswith("__joint__/") and nxt not in seen:
                    seen.add(nxt)
                    todo.append(nxt)
        assert found, (vid, p)



def test_a_cluster_symbol_grows_with_what_it_holds():
    """"党员 218" is drawn larger than "单位 5" (a count-scaled symbol, capped), never smaller than
    its kind's own symbol; rings leave room for the big symbols and their labels."""
    nodes = [{"id": "c", "label": "文寺社区", "kind": "Community"},
             {"id": "+c:m", "label": "党员 218", "kind": "Member", "cluster": True, "count": 218, "parent": "c"},
             {"id": "+c:u", "label": "单位 5", "kind": "Unit", "cluster": True, "count": 5, "parent": "c"},
             {"id": "+c:s", "label": "服务 100000", "kind": "Service", "cluster": True, "count": 100000, "parent": "c"},
             {"id": "m1", "label": "丁丽丽", "kind": "Member", "parent": "c"}]
    edges = [{"source": "c", "target": n["id"]} for n in nodes[1:]]
    data = prepare(nodes, edges, layout="radial", focus="c")
    size = {v["id"]: v["size"] for v in data["nodes"]}
    assert size["+c:m"] > size["+c:u"] >= node_style("Unit").size
    assert size["m1"] == node_style("Member").size  # a single member keeps its kind's symbol
    assert size["+c:s"] <= 34
    pos = {v["id"]: (v["x"], v["y"]) for v in data["nodes"]}
    r = {i: (pos[i][0] ** 2 + pos[i][1] ** 2) ** 0.5 for i in pos if i != "c"}
    # the inner ring clears the focus's symbol, the big cluster and its two-line label
    assert min(r.values()) >= 2 * size["+c:s"] + 3.4 * 15 - 1e-6


def test_radial_ring_labels_do_not_overlap():
    """Neighbours on a ring sit at least their half label widths apart (each takes an arc as
    wide as its own label: short member names pack tighter than the longest name allows)."""
    import math as _m

    names = ["丁丽丽", "严小琳", "人民路街道文寺社区非公企业第二联合党支部", "王五", "咸阳市秦都区人力资源和社会保障局"]
    nodes = [{"id": "c", "label": "文寺社区", "kind": "Community"}]
    nodes += [{"id": f"n{i:03d}", "label": names[i % len(names)] + str(i), "kind": "Member" if i % 5 < 2 else "Unit"}
              for i in range(120)]
    edges = [{"source": "c", "target": n["id"]} for n in nodes[1:]]
    data = prepare(nodes, edges, layout="radial", focus="c", max_nodes=500)
    ring: dict[float, list] = {}
    for v in data["nodes"]:
        if v["id"] != "c":
            ring.setdefault(round(_m.hypot(v["x"], v["y"]), -1), []).append(v)
    assert len(ring) >= 2
    for vs in ring.values():
        vs.sort(key=lambda v: _m.atan2(v["y"], v["x"]))
        for a, b in zip(vs, vs[1:] + vs[:1]):
            need = (_est_w(a["label"].split("\n")[0], a["font"]["size"])
                    + _est_w(b["label"].split("\n")[0], b["font"]["size"])) / 2
            assert _m.dist((a["x"], a["y"]), (b["x"], b["y"])) >= need * 0.98, (a["label"], b["label"])
    # short names pack tighter: a ring of them holds more than the widest label would allow
    widest = max(_est_w(v["label"].split("\n")[0], v["font"]["size"]) for v in data["nodes"]) + 15
    assert any(len(vs) > int(2 * _m.pi * r / widest) for r, vs in ring.items())


def test_a_tree_too_big_for_a_projector_is_cut_into_slides_that_fit():
    """A community tree of many grids, each with its buildings: whole, it does not fit the meeting
    canvas at meeting label sizes (the layout's own box estimate); cut into slides, each slide does,
    each holds the community committee, and every node is on exactly one slide (the root on all)."""
    from orgnet.pages import _maps
    from orgnet.pages._ui import Ctx
    from orgnet.queries.explore import OrgTree
    from orgnet.viz.maps import drawing_extent, fits_canvas

    nodes = [{"id": "C", "name": "中共宁阳社区委员会", "label": "PartyOrg", "kind": "community_committee"}]
    edges = []
    for g in range(1, 13):
        nodes.append({"id": f"G{g}", "name": f"宁阳社区第{g}网格党支部", "label": "PartyOrg", "kind": "grid_branch"})
        edges.append({"source": "C", "target": f"G{g}", "rel": "SUBORDINATE_TO"})
        for b in range(1, 9):
            nodes.append({"id": f"G{g}B{b}", "name": f"{g}号院{b}号楼党小组", "label": "PartyOrg",
                          "kind": "building_group"})
            edges.append({"source": f"G{g}", "target": f"G{g}B{b}", "rel": "SUBORDINATE_TO"})
    tree = OrgTree(nodes=nodes, edges=edges)
    c = Ctx(settings=None, store=None, graph="g", lang="zh", meeting=True, as_of="2026-06-30", stamp="")
    rows, _ = _maps.tree_rows(c, tree)
    whole = drawing_extent(rows, lang="zh", meeting=True, layout="tree")
    assert not fits_canvas(whole) and whole["min_zoom"] > 0
    slides = _maps.tree_slides(c, tree)
    assert len(slides) > 1
    for part, names in slides:
        assert _maps._fits(c, part) and names
        assert "C" in {n["id"] for n in part.nodes}
        ids = {n["id"] for n in part.nodes}
        assert all(e["source"] in ids and e["target"] in ids for e in part.edges)
    shown = [n["id"] for part, _ in slides for n in part.nodes if n["id"] != "C"]
    assert sorted(shown) == sorted(n["id"] for n in nodes if n["id"] != "C")
    # a small tree is one slide: the whole of it
    small = OrgTree(nodes=nodes[:7], edges=edges[:6])
    assert [p for p, _ in _maps.tree_slides(c, small)] == [small]
