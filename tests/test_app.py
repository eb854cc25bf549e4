"""The Streamlit app (``streamlit.testing.v1.AppTest``) with the demo preset on each engine:
a REAL embedded FalkorDB, then a REAL Neo4j 5 (conftest.py ``engine_store``).

Every page opens in Chinese and in English without an exception and shows its key
elements; meeting mode hides the page controls; the query page refuses writes clearly.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from helpers_access import signed_in
from orgnet.app import PAGES as app_pages_table
from orgnet.i18n import t

APP = str(Path(__file__).resolve().parents[1] / "app.py")
#: every page of the app's menu, in its order (orgnet.app.PAGES)
PAGES = tuple(key for key, *_ in app_pages_table)
HAN = re.compile(r"[\u4e00-\u9fff]")
GRAY, RED, GREEN = 2, 0, 1  # streamlit's MetricProto colours: delta_color "off", negative, positive

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def demo_env(request, loaded_store, falkordb_settings, monkeypatch_module):
    store, graph = loaded_store("demo")
    monkeypatch_module.setenv("ORGNET_HOME", str(falkordb_settings.home))
    monkeypatch_module.setenv("ORGNET_GRAPH", graph)
    if store.engine == "neo4j":  # the app finds Neo4j the way a deployment does: NEO4J_* variables
        server = request.getfixturevalue("neo4j_server")
        for key, value in (("NEO4J_URI", server["uri"]), ("NEO4J_USER", server["user"]),
                           ("NEO4J_PASSWORD", server["password"]), ("NEO4J_DATABASE", server["database"])):
            monkeypatch_module.setenv(key, value)
    else:
        monkeypatch_module.delenv("NEO4J_URI", raising=False)
    monkeypatch_module.setenv("ORGNET_PREWARM", "0")
    return store, graph


@pytest.fixture(scope="module")
def monkeypatch_module():
    mp = pytest.MonkeyPatch()
    yield mp
    mp.undo()


def open_page(page: str, lang: str = "zh", meeting: bool = False, account: dict | None = None, **state):
    """Open a page signed in as ``account`` (``helpers_access.signed_in``; default: an administrator)."""
    import os

    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(APP, default_timeout=240)
    for k, v in (account or signed_in(os.environ["ORGNET_HOME"])).items():
        at.session_state[k] = v
    at.session_state["orgnet_start_page"] = page
    at.session_state["orgnet_lang"] = lang
    at.session_state["orgnet_meeting"] = meeting
    for k, v in state.items():
        at.session_state[k] = v
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def texts(at) -> list[str]:
    out = [e.value for e in at.title] + [e.value for e in at.subheader] + [e.value for e in at.caption]
    out += [e.label for e in at.metric] + [e.label for e in at.selectbox] + [e.label for e in at.button]
    out += [e.label for e in at.multiselect] + [e.label for e in at.text_input]
    return [str(x) for x in out]


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("page", PAGES)
def test_every_page_opens(demo_env, page, lang):
    at = open_page(page, lang)
    key = "page.import" if page == "import" else f"page.{page}"
    assert at.title[0].value == t(key, lang)
    assert not at.error, [e.value for e in at.error]
    if lang == "en":  # labels only from the English table (data such as names may be Chinese)
        labels = [at.title[0].value] + [e.label for e in at.selectbox] + [e.label for e in at.metric]
        labels += [e.label for e in at.button if not str(e.key).startswith("crumb_")]  # crumbs hold names
        labels += [e.value for e in at.subheader]
        mixed = [x for x in labels if HAN.search(x) and not x.startswith(("+", "中文"))]
        assert not mixed, mixed
    sidebar = [e.label for e in at.sidebar.radio] + [e.label for e in at.sidebar.selectbox]
    assert t("app.language", lang) in sidebar and t("app.snapshot", lang) in sidebar


def test_overview_key_elements(demo_env):
    at = open_page("overview")
    assert len(at.metric) >= 8  # the coverage KPIs
    from orgnet.queries import catalog

    cards = {m.label: m for m in at.metric}
    # no targets file: no card is red or green, nothing compares with another city
    # (the targets are the district's own)
    assert all(m.proto.color == GRAY or not m.delta for m in at.metric), [(m.label, m.delta) for m in at.metric]
    import os

    home = Path(os.environ["ORGNET_HOME"])
    assert any(c.value == t("overview.no_targets", file=str(home / "targets.toml")) for c in at.caption)
    shown = " ".join(texts(at) + [m.delta or "" for m in at.metric] + [m.value for m in at.markdown])
    assert "材料0" not in shown and "与材料" not in shown and "材料未列出" not in shown
    # the seed documents' figures only behind 材料参考, named by place and year, requirements as 要求
    assert [e.label for e in at.expander].count(t("overview.seed_notes")) == 1
    notes = next(d.value for d in at.dataframe if t("overview.ref_kind") in d.value.columns)
    docs = set(notes[t("overview.ref_doc")])
    assert {"成都市 2017", "咸阳市秦都区", "潍坊市潍城区 2018", "贵州省 2008"} <= docs
    assert not any(str(d).startswith("00") for d in docs)
    kinds = dict(zip(notes[t("overview.ref_value")] + notes[t("overview.ref_doc")], notes[t("overview.ref_kind")]))
    assert kinds["100.0%贵州省 2008"] == t("overview.kind_requirement")  # 一社区一支部
    assert kinds["83.1%成都市 2017"] == t("overview.kind_figure")
    assert {"5,000", "4,000", "4,600", "409", "165", "291", "217"} <= set(notes[t("overview.ref_value")])
    # the cards in titled rows, one per KPI group, in the groups' order
    from orgnet.queries.kpis import kpi_groups, kpi_table

    heads = [m.value.lstrip("# ") for m in at.markdown if m.value.startswith("#####")]
    assert heads == [t(f"kpi_group.{g}") for g, _ in kpi_groups()]
    assert [m.label for m in at.metric] == [catalog.get(f"kpi_{k}").meta["title_zh"]
                                            for _, ks in kpi_groups() for k in ks]
    # a count KPI shows its numerator, the rate KPIs a percentage
    store, graph = demo_env
    as_of = at.query_params["date"]
    as_of = as_of[0] if isinstance(as_of, list) else as_of  # the app's date, written to the URL
    overall = kpi_table(store, graph=graph, as_of=as_of, scopes=("overall",)).set_index("kpi")
    assert cards["党员到社区报到人数"].value == f"{int(overall.loc['members_reported', 'numerator']):,}"
    assert cards[catalog.get("kpi_in_service_reporting").meta["title_zh"]].value.endswith("%")
    assert [s.value for s in at.subheader][:3] == [t("overview.kpis"), t("overview.per_street"),
                                                   t("overview.gap_counts")]
    assert len(at.dataframe) >= 2
    store, graph = demo_env
    from orgnet.graph.load import graph_info
    from orgnet.graph.snapshots import display_name

    # the current snapshot by its display name (series and date) and its load date
    assert any(display_name(graph_info(store, graph)) in c.value for c in at.caption)


@pytest.fixture
def targets_file(demo_env):
    """A targets.toml in the app's ORGNET_HOME for one test (removed afterwards: the home is shared)."""
    import os

    path = Path(os.environ["ORGNET_HOME"]) / "targets.toml"
    assert not path.exists()
    yield path
    path.unlink(missing_ok=True)


def test_overview_shows_the_districts_targets_and_gaps(demo_env, targets_file):
    """With ORGNET_HOME/targets.toml: target and gap on the cards (red short of it, green at or
    above it) and in the street table (a street's own target over the district's); a KPI without
    a target stays grey; a wrong file is named on the page, line and key, and no target shows."""
    from orgnet.queries import catalog
    from orgnet.queries.kpis import kpi_table

    store, graph = demo_env
    at = open_page("overview")
    as_of = at.query_params["date"]
    as_of = as_of[0] if isinstance(as_of, list) else as_of
    df = kpi_table(store, graph=graph, as_of=as_of, scopes=("overall", "street"))
    overall = df[df["scope"] == "overall"].set_index("kpi")
    rate = float(overall.loc["in_service_reporting", "rate"])
    members = int(overall.loc["members_reported", "numerator"])
    streets = df[(df["scope"] == "street") & (df["kpi"] == "in_service_reporting")]
    first = streets.iloc[0]
    targets_file.write_text(
        "[district]\nin_service_reporting = 100\ncommunity_org_coverage = \"0%\"\n"
        f"members_reported = {members + 5}\n\n[streets.\"{first['street_id']}\"]\nin_service_reporting = 10\n",
        encoding="utf-8")
    at = open_page("overview")
    title = {k: catalog.get(f"kpi_{k}").meta["title_zh"] for k in ("in_service_reporting", "members_reported",
                                                                     "community_org_coverage", "grid_org_coverage")}
    cards = {m.label: m for m in at.metric}
    short = cards[title["in_service_reporting"]]
    assert short.delta == t("overview.gap_rate", gap=f"{(rate - 1) * 100:+.1f}") and short.proto.color == RED
    assert cards[title["members_reported"]].delta == t("overview.gap_count", gap="-5")
    assert cards[title["members_reported"]].proto.color == RED
    above = cards[title["community_org_coverage"]]
    assert above.delta.startswith("+") and above.proto.color == GREEN
    assert cards[title["grid_org_coverage"]].proto.color == GRAY or not cards[title["grid_org_coverage"]].delta
    captions = [c.value for c in at.caption]
    assert any(t("overview.target_line", target="100.0%") in c for c in captions), captions
    assert any(t("overview.no_target") in c for c in captions)
    assert any(c == t("overview.targets_source", file=str(targets_file)) for c in captions)
    # the street table: the first KPI with a target by default (in the cards' order), then the one chosen
    def street_row(at, kpi: str):
        pick = at.selectbox(key="ov_street_kpi")
        if pick.value != kpi:
            pick.set_value(kpi).run()
        assert not at.exception
        table = next(d.value for d in at.dataframe if t("overview.street_target") in d.value.columns)
        return table.set_index(t("common.street")).loc[first["street"]]

    assert at.selectbox(key="ov_street_kpi").value == "community_org_coverage"
    own = street_row(at, "in_service_reporting")
    assert own[t("overview.street_target")] == "10.0%"  # the street's own target wins
    own_gap = (float(first["rate"]) - 0.1) * 100
    assert own[t("overview.street_gap")] == t("overview.pts", diff=f"{own_gap:+.1f}")
    assert own[t("overview.street_fraction")] == f"{int(first['numerator']):,} / {int(first['denominator']):,}"
    targets_file.write_text("[district]\nin_service_reporting = 100\n", encoding="utf-8")
    district = street_row(open_page("overview"), "in_service_reporting")
    assert district[t("overview.street_target")] == "100.0%"  # else the district's
    assert district[t("overview.street_gap")] == t("overview.pts", diff=f"{(float(first['rate']) - 1) * 100:+.1f}")
    # a mistake in the file: said on the page with line and key; nothing red or green
    targets_file.write_text("[district]\n\nin_service_reporting = 150\n", encoding="utf-8")
    at = open_page("overview")
    assert any("第 3 行 [district] in_service_reporting" in e.value for e in at.error), [e.value for e in at.error]
    assert all(m.proto.color == GRAY or not m.delta for m in at.metric)


def test_explorer_search_and_neighbourhood(demo_env):
    at = open_page("explorer", ex_q="社区")  # as if typed in the search box (a component: see test_browser)
    assert not at.exception
    assert at.selectbox(key="ex_radius").value == 1
    at.selectbox(key="ex_radius").set_value(2).run()
    assert not at.exception
    assert any(s.value == t("common.details") for s in at.subheader)
    assert at.query_params.get("r") in ("2", ["2"])  # the view is in the URL


def test_explorer_opens_the_view_a_link_describes(demo_env):
    at = open_page("explorer")
    node = at.query_params.get("id")
    node = node[0] if isinstance(node, list) else node
    assert node  # the first street, written to the URL
    from streamlit.testing.v1 import AppTest

    import os

    link = AppTest.from_file(APP, default_timeout=240)
    for k, v in signed_in(os.environ["ORGNET_HOME"]).items():
        link.session_state[k] = v
    link.session_state["orgnet_start_page"] = "explorer"
    link.query_params["id"] = node
    link.query_params["r"] = "2"
    link.run()
    assert not link.exception
    assert link.selectbox(key="ex_radius").value == 2


def test_explorer_history_survives_a_reload(demo_env):
    """The ←/→ history is in the URL (``h``, ``hp``): a reload of a view reached by three
    visits can still step back and forward through them."""
    import os

    from streamlit.testing.v1 import AppTest

    from orgnet.queries import explore

    store, graph = demo_env
    street = explore.streets(store, graph=graph)[0]
    ids = [street["id"]] + [x["id"] for x in street["communities"][:2]]
    assert len(ids) == 3

    def load(params: dict):
        at = AppTest.from_file(APP, default_timeout=240)
        for k, v in signed_in(os.environ["ORGNET_HOME"]).items():
            at.session_state[k] = v
        at.session_state["orgnet_start_page"] = "explorer"
        at.query_params.update(params)
        at.run()
        assert not at.exception, [e.value for e in at.exception]
        return at

    def param(at, key):
        v = at.query_params.get(key)
        return v[0] if isinstance(v, list) else v

    at = load({"id": ids[1], "r": "1", "h": ",".join(ids), "hp": "1"})
    back, fwd = at.button(key="ex_back"), at.button(key="ex_fwd")
    assert not back.disabled and not fwd.disabled
    back.click().run()
    assert param(at, "id") == ids[0] and param(at, "hp") == "0" and param(at, "h") == ",".join(ids)
    again = load({k: param(at, k) for k in ("id", "r", "h", "hp")})  # the reload of that URL
    assert again.button(key="ex_back").disabled and not again.button(key="ex_fwd").disabled
    again.button(key="ex_fwd").click().run()
    assert param(again, "id") == ids[1]
    plain = load({"id": ids[1], "r": "1", "h": "x,y", "hp": "7"})  # a history that does not fit: none
    assert plain.button(key="ex_back").disabled and plain.button(key="ex_fwd").disabled


def test_org_tree_and_gaps_and_linkage_content(demo_env):
    at = open_page("org_tree")
    assert any(t("org_tree.uncovered_level", level="网格") == m.label for m in at.metric)
    at = open_page("gaps")
    assert at.multiselect(key="gaps_rules_zh").label == t("common.rule_filter")
    assert any(s.value.startswith("发现") for s in at.subheader)
    labels = [b.label for b in at.get("download_button")]
    assert t("common.download_excel") in labels and t("common.download_csv") in labels
    at = open_page("linkage")
    assert {t("linkage.breakdown"), t("linkage.recommend"), t("linkage.hubs")} <= {s.value for s in at.subheader}


def test_gaps_page_shows_terms_ending_soon(demo_env):
    """即将到期 beside the gaps (terms ending within the next months): the view's rows for the page's
    date and scope, in an expander, not counted as gaps; gone when another rule than term_overdue is
    picked."""
    from orgnet import policy
    from orgnet.queries import gaps

    store, graph = demo_env
    at = open_page("gaps")
    as_of = _sidebar_date(at).isoformat()
    expiring = gaps.term_expiring(store, as_of=as_of, graph=graph)
    assert expiring, "the demo has no term ending within the policy's months: pick another date"
    label = t("gaps.expiring", n=len(expiring), months=policy.value("expiring_within_months"))
    assert [e.label for e in at.expander].count(label) == 1
    shown = at.dataframe[-1].value
    assert list(shown[t("common.id")]) == [r["id"] for r in expiring]
    assert not set(shown[t("common.id")]) & {r["id"] for r in gaps.run_gaps(store, ["term_overdue"], as_of=as_of,
                                                                             graph=graph).to_dict("records")}
    at.multiselect(key="gaps_rules_zh").set_value(["branch_too_small"]).run()
    assert label not in [e.label for e in at.expander]


def test_meeting_mode_hides_controls_and_offers_html(demo_env):
    for page in ("linkage", "org_tree", "explorer"):
        at = open_page(page, meeting=True)
        assert not [s for s in at.main.selectbox] and not [m for m in at.main.multiselect]
        labels = [b.label for b in at.get("download_button")]
        assert t("meeting.download_html") in labels
        assert t("meeting.exit") in [b.label for b in at.button]
        assert not at.sidebar.selectbox  # the graph selector and language switch are hidden too


def test_query_page_refuses_writes(demo_env):
    at = open_page("query")
    at.text_area(key="q_cypher").input("CREATE (n:Hack {id: 'x'}) RETURN n")
    submit = [b for b in at.get("form_submit_button")]
    assert submit
    # the second form is the Cypher form
    at.get("form_submit_button")[1].click().run()
    assert not at.exception
    assert [e.value for e in at.error] == [t("query.read_only_refused")]
    at.text_area(key="q_cypher").input("MATCH (c:Community) RETURN c.name AS name ORDER BY name")
    at.get("form_submit_button")[1].click().run()
    assert not at.error and len(at.dataframe) >= 1


def test_pages_name_the_snapshot_by_its_series_and_date(demo_env):
    """The Overview's line and a meeting page's caption name the snapshot as the district's
    dataset and date (快照：…（2026-…）), never the internal graph name (图谱：demo)."""
    from orgnet.graph.load import graph_info
    from orgnet.graph.snapshots import display_name, series_title

    store, graph = demo_env
    info = graph_info(store, graph)
    name = display_name(info)
    assert info.get("series") and name.startswith(series_title(info["series"])) and info["as_of"] in name
    assert "预设" not in name and "季度" in name  # the preset's tag is not shown; the quarter is
    captions = [e.value for e in open_page("overview").caption]
    assert any(c.startswith(f"当前快照：{name}") for c in captions), captions
    captions = [e.value for e in open_page("gaps", meeting=True).caption]
    assert any(c.startswith(f"快照：{name}") for c in captions), captions
    assert not any("图谱：" in c or f"：{graph}" in c for c in captions)


def test_query_page_explains_engine_errors_in_chinese(demo_env):
    """A syntax error and an unknown function read in Chinese; the engine's English text is
    shown below, in a code block (never as the message itself)."""
    at = open_page("query")
    for query, key, fmt in (("MATCH (n:Community RETURN n", "cypher_error.syntax", {}),
                            ("MATCH (n:Community) RETURN fooo(n) AS x", "cypher_error.unknown_function",
                             {"name": "fooo"})):
        at.text_area(key="q_cypher").input(query)
        at.get("form_submit_button")[1].click().run()
        assert not at.exception
        assert [e.value for e in at.error] == [t(key, **fmt)]
        assert HAN.search(at.error[0].value)
        engine = [c.value for c in at.code]
        assert len(engine) == 1 and engine[0] and not HAN.search(engine[0]), engine
        assert t("cypher_error.engine_text") in [c.value for c in at.caption]


def test_audit_page_shows_refused_and_failed_queries_in_local_time(demo_env):
    """A refused write reads 已拒绝, a syntax error 失败 (never 成功), a good query 成功; times in
    the server's zone (Asia/Shanghai when unset), the stored UTC text nowhere on the page."""
    import datetime as dt
    import os

    from orgnet.access import audit
    from orgnet.settings import Settings

    _, graph = demo_env
    asked = {"MATCH (n:Member) SET n.name = 'app-24' RETURN count(n) AS n": "已拒绝（会修改数据）",
             "MATCH (n:Member RETURN n.name AS app24": "失败（语法错误：",
             "RETURN 'app-24-ok' AS x": "成功"}
    at = open_page("query")
    for query in asked:
        at.text_area(key="q_cypher").input(query)
        at.get("form_submit_button")[1].click().run()
        assert not at.exception
    stored: dict[str, set[str]] = {}  # the same query asked on the other engine earlier: each time
    for e in audit.entries(os.environ["ORGNET_HOME"], action="query", limit=50):
        stored.setdefault(e["what"], set()).add(e["at"])
    df = open_page("audit").dataframe[0].value
    assert list(df.columns) == ["序号", "时间", "账号", "操作", "范围", "内容", "结果"]
    zone = Settings.from_env().zone()
    for query, outcome in asked.items():
        row = df[df["内容"] == f"{graph}: {query}"].iloc[0]
        assert row["结果"].startswith(outcome) and row["操作"] == "查询", (query, row["结果"])
        local = {dt.datetime.strptime(at_, "%Y-%m-%dT%H:%M:%S%z").astimezone(zone).strftime("%Y-%m-%d %H:%M:%S")
                 for at_ in stored[f"{graph}: {query}"]}
        assert row["时间"] in local, (row["时间"], local)
    assert zone.key == os.environ.get("ORGNET_TIMEZONE", "Asia/Shanghai")
    assert not df["时间"].str.contains(r"\+0000").any()


def test_query_page_refuses_load_csv_and_procedures(demo_env):
    """The Query page's Cypher form goes through store.read: every spelling of LOAD CSV and a
    plugin procedure are refused with the page-language message naming them, and a listener
    on loopback sees no connection."""
    from helpers_reach import listener, load_csv_spellings

    at = open_page("query", lang="en")
    with listener() as lst:
        queries = [q for q, params in load_csv_spellings(lst.port) if not params]
        for query in queries:
            at.text_area(key="q_cypher").input(query)
            at.get("form_submit_button")[1].click().run()
            assert not at.exception
            assert [e.value for e in at.error] == [t("reach.load_csv", "en", what="LOAD CSV",
                                                     command="`orgnet load`")], query
        at.text_area(key="q_cypher").input(f"CALL apoc.load.json('http://127.0.0.1:{lst.port}/x')")
        at.get("form_submit_button")[1].click().run()
        assert len(at.error) == 1 and "apoc\\.load\\.json" in at.error[0].value
        assert lst.seen() == 0
    at.text_area(key="q_cypher").input("CALL db.labels() YIELD label RETURN label")
    at.get("form_submit_button")[1].click().run()
    assert not at.error and len(at.dataframe) == 1


def test_store_unreachable_says_what_to_do(tmp_path, monkeypatch):
    monkeypatch.setenv("ORGNET_HOME", str(tmp_path / "nowhere"))
    monkeypatch.setenv("NEO4J_URI", "bolt://127.0.0.1:1")
    at = open_page("overview")
    # a shared Neo4j server: the advice names its settings, not the embedded demo
    assert at.error and "NEO4J_URI" in at.error[0].value and "bolt://127.0.0.1:1" in at.error[0].value
    assert "orgnet demo" not in at.error[0].value


def test_import_helpers_unpack_zip_and_zip_rejects(tmp_path):
    """The Import page's upload path: a CSV zip (maybe inside a folder) → validation → rejected rows zip."""
    import io
    import zipfile

    from orgnet.loaders.validate import validate_path
    from orgnet.errors import InputError
    from orgnet.loaders.guard import unpack_upload
    from orgnet.pages.import_page import rejects_zip

    tiny = Path(__file__).parent / "data" / "tiny"
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for f in sorted(tiny.glob("*.csv")):
            text = f.read_text("utf-8-sig")
            if f.name == "members.csv":
                text = text.rstrip("\n") + "\nMX1,坏数据,unknown_status,in_service,,,,,,,\n"
            zf.writestr(f"ledgers/{f.name}", text)
        zf.writestr("__MACOSX/ledgers/._areas.csv", "junk")
    (tmp_path / "w").mkdir()
    path = unpack_upload("ledgers.zip", buf.getvalue(), tmp_path / "w")
    assert sorted(p.name for p in path.iterdir()) == sorted(p.name for p in tiny.glob("*.csv"))
    result = validate_path(path)
    assert result.report.to_dict()["tables"]["members"]["rejected"] == 1
    data = rejects_zip(result)
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        (name,) = zf.namelist()
        assert name == "members.csv" and "MX1" in zf.read(name).decode("utf-8-sig")
    with pytest.raises(InputError):
        unpack_upload("notes.txt", b"x", tmp_path / "w")


def test_query_page_shows_chinese_headers_names_and_codes(demo_env):
    at = open_page("query")
    at.selectbox(key="q_pick_zh").set_value("grid_without_branch").run()
    at.get("form_submit_button")[0].click().run()
    assert not at.exception and not at.error
    df = at.dataframe[0].value
    assert {"规则", "街道编号", "类型", "规则编号", "类型代码"} <= set(df.columns), list(df.columns)
    assert not {"rule", "street_id", "kind"} & set(df.columns)
    assert set(df["规则"]) == {"网格未建党支部"} and set(df["类型"]) == {"网格"}
    assert set(df["规则编号"]) == {"grid_without_branch"} and set(df["类型代码"]) == {"grid"}


def test_linkage_pair_opens_the_explorer_on_that_unit(demo_env):
    at = open_page("linkage")
    unit = at.selectbox(key="lk_pair_u_zh").value
    at.button(key="lk_open_unit").click().run()
    assert not at.exception
    assert at.session_state["ex_view"]["id"] == unit  # the explorer is centred on the pair's unit
    assert at.title[0].value == t("page.explorer")


def _cli_json(*args) -> list[dict]:
    """Run the CLI as a user would (settings from the environment) and parse its JSON output."""
    import json

    from click.testing import CliRunner

    from orgnet.cli import cli

    r = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    assert r.exit_code == 0, r.output
    return json.loads(r.stdout)


def _date_box(at):
    """The sidebar's 统计日期 select."""
    return next(b for b in at.sidebar.selectbox if str(b.key).startswith("_orgnet_as_of_"))


def _sidebar_date(at):
    import datetime as dt

    return dt.date.fromisoformat(_date_box(at).value)


def _set_sidebar_date(at, day):
    _date_box(at).set_value(day.isoformat())
    return at


def test_the_sidebar_date_reads_in_chinese(demo_env):
    """The reference date is picked from dates in words (2026年6月30日; Streamlit's calendar names
    months and weekdays in English only): no date picker; every month's end, newest first, the
    snapshot's own date marked; the date in the URL is the one shown."""
    import re

    at = open_page("overview")
    assert not at.sidebar.date_input
    box = _date_box(at)
    assert all(re.fullmatch(r"\d{4}年\d{1,2}月\d{1,2}日(（快照日期）)?", o) for o in box.options), box.options[:5]
    assert sum(o.endswith("（快照日期）") for o in box.options) == 1
    assert "2025年12月31日" in box.options and "2025年2月28日" in box.options
    linked = at.query_params.get("date")
    assert _sidebar_date(at).isoformat() == (linked[0] if isinstance(linked, list) else linked)


def test_the_follow_up_deadline_reads_in_chinese(demo_env):
    """The follow-up page's deadlines (in forms) are days in words, none first: no date picker."""
    import re

    at = open_page("followup")
    assert not at.date_input
    assert not any("预设" in c.value for c in at.caption), [c.value for c in at.caption]  # the series as the UI names it
    found = 0
    for key in ("fu_assign_deadline", "fu_bulk_deadline"):
        try:
            box = at.selectbox(key=key)
        except KeyError:  # the bulk form shows only when the ledger holds records
            continue
        found += 1
        assert box.value in ("", None) and box.options[0] == "—", box.options[:3]
        assert all(re.fullmatch(r"\d{4}年\d{1,2}月\d{1,2}日", o) for o in box.options[1:]), box.options[1:4]
        assert "2026年5月31日" in box.options
    assert found, "no deadline select on the follow-up page"


def test_the_import_page_names_snapshots_as_the_app_does(demo_env):
    """The Import page's list of snapshots and its 设为当前 select show a snapshot's series and
    date (as the sidebar does) beside the name it was loaded under."""
    from orgnet.graph.snapshots import display_names, list_snapshots

    store, graph = demo_env
    shown = display_names(list_snapshots(store))[graph]
    at = open_page("import")
    table = next(d.value for d in at.dataframe if t("import.shown_as") in d.value.columns)
    assert table.set_index(t("import.graph_name")).loc[graph, t("import.shown_as")] == shown
    assert f"{shown} · {graph}" in at.selectbox(key="import_pick").options


def test_a_date_chosen_in_the_app_gives_the_cli_rows(demo_env):
    """Overview, Gaps and Linkage evaluated on a date picked in the sidebar equal
    `orgnet gaps/kpis/linkage --as-of` on that date (and the date is in the URL)."""
    import datetime as dt
    from collections import Counter

    _, graph = demo_env
    day = "2025-12-31"
    gaps_cli = _cli_json("gaps", "--graph", graph, "--as-of", day, "--format", "json")

    at = open_page("gaps")
    _set_sidebar_date(at, dt.date.fromisoformat(day)).run()
    assert not at.exception and at.query_params.get("date") in (day, [day])
    shown = at.dataframe[1].value  # [0] is the rule catalog
    assert Counter(shown[t("common.id")]) == Counter(r["id"] for r in gaps_cli)
    assert any(s.value == t("gaps.found", n=len(gaps_cli)) for s in at.subheader)

    at = open_page("overview")
    _set_sidebar_date(at, dt.date.fromisoformat(day)).run()
    per_rule = at.dataframe[-1].value
    assert int(per_rule[t("overview.count")].sum()) == len(gaps_cli)
    kpis_cli = _cli_json("kpis", "--graph", graph, "--as-of", day, "--scope", "overall", "--format", "json")
    cards = {m.label: m.value for m in at.metric}
    from orgnet.queries.kpis import kpi_meta

    for k in kpis_cli:  # each KPI card shows the CLI's rate for that day (a count KPI its numerator)
        rate = "—" if k["rate"] is None else f"{float(k['rate']) * 100:.1f}%"
        if kpi_meta(k["kpi"])["measure"] == "count":
            rate = f"{int(k['numerator']):,}"
        assert cards[k["title_zh"] or k["kpi"]] == rate, (k["kpi"], cards)

    at = open_page("linkage")
    _set_sidebar_date(at, dt.date.fromisoformat(day)).run()
    street = at.selectbox(key="lk_street_zh").value
    link_cli = _cli_json("linkage", "--graph", graph, "--street", street, "--as-of", day, "--format", "json")
    bands = Counter(r["band"] for r in link_cli)
    from orgnet.analysis.linkage import band_label

    metrics = {m.label: m.value for m in at.metric}
    for b in ("strong", "medium", "weak", "none"):
        assert int(metrics[band_label(b, "zh")]) == bands.get(b, 0), (b, metrics, bands)


def test_import_report_names_the_users_own_file_and_headers(tmp_path):
    """Rejections are named as the user's file names them: its file name and its own header."""
    import csv
    import shutil

    from orgnet.model import TABLES
    from orgnet.loaders.validate import validate_path
    from orgnet.pages._ui import Ctx
    from orgnet.pages.import_page import report_frames
    from orgnet.settings import Settings

    data = tmp_path / "台账"
    shutil.copytree(Path(__file__).parent / "data" / "tiny", data)
    party = data / "party_orgs.csv"
    with party.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    own = TABLES["party_orgs"].column("parent_id").zh  # the office writes Chinese headers
    col = rows[0].index("parent_id")
    rows[0][col] = own
    rows[-1][col] = "NO_SUCH_ORG"  # a dangling reference: this row is rejected on parent_id
    with party.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(rows)
    result = validate_path(data)
    c = Ctx(settings=Settings.from_env(), store=None, graph="g", lang="zh", meeting=False,
            as_of="2026-06-30", stamp="")
    counts, errs = report_frames(c, result.report.to_dict(), result.raw)
    assert "party_orgs.csv" in set(counts["文件"])
    mine = errs[errs["文件"] == "party_orgs.csv"]
    assert not mine.empty and own in set(mine["列"]) and "parent_id" not in set(errs["列"])


def test_linkage_pair_shows_the_latest_evaluations(demo_env, demo_dataset):
    """共驻共建双向评价: beside a pair's breakdown, the latest grade each way (from the networkx
    graph of the same dataset, not from the query the page uses)."""
    from orgnet.graph.nx import to_networkx
    from orgnet.i18n import label_name
    from orgnet.model import EvaluationGrade

    g = to_networkx(demo_dataset)
    as_of = demo_dataset.as_of
    latest: dict[tuple[str, str], dict] = {}
    for e in sorted((n for n, d in g.nodes(data=True) if "Evaluation" in d["labels"]),
                    key=lambda n: (g.nodes[n]["evaluated_on"], n)):
        node = g.nodes[e]
        if node["evaluated_on"] > as_of:
            continue
        who = next(u for u, _, d in g.in_edges(e, data=True) if d["type"] == "EVALUATED")
        whom = next(v for _, v, d in g.out_edges(e, data=True) if d["type"] == "ASSESSES")
        side = "community" if g.nodes[who].get("kind") == "community_committee" else "unit"
        party = whom if side == "community" else who
        unit = party if "Unit" in g.nodes[party]["labels"] else next(
            v for _, v, d in g.out_edges(party, data=True) if d["type"] == "BASED_IN")
        community = next(v for _, v, d in g.out_edges(who if side == "community" else whom, data=True)
                         if d["type"] == "COVERS")
        latest[(community, unit, side)] = node
    (community, unit, side) = next(iter(sorted(latest)))
    at = open_page("linkage")
    at.selectbox(key="lk_pair_c_zh").set_value(community).run()
    at.selectbox(key="lk_pair_u_zh").set_value(unit).run()
    assert not at.exception
    text = "\n".join(m.value for m in at.markdown)
    assert t("linkage.evaluations") in text
    want = latest[(community, unit, side)]
    line = next(x for x in text.splitlines() if t(f"linkage.eval_side_{side}") in x)
    assert label_name(EvaluationGrade(want["grade"]), "zh") in line and want["evaluated_on"] in line
    other = "unit" if side == "community" else "community"
    if (community, unit, other) not in latest:
        assert t("linkage.eval_missing", side=t(f"linkage.eval_side_{other}")) in text


@pytest.mark.parametrize("page", ["overview", "gaps", "linkage"])
def test_a_graph_holding_no_load_never_reads_as_all_clear(demo_env, page):
    """A meeting link to a snapshot the database no longer holds (emptied, or restarted empty):
    the page says nothing is loaded and what to do, never 未发现缺口 or zero KPIs."""
    at = open_page(page, meeting=True, orgnet_graph="never_loaded_here")
    warned = [w.value for w in at.warning]
    assert any("尚未导入数据" in w and "orgnet load" in w for w in warned), warned
    assert not [s for s in at.success if t("gaps.none_found", "zh") in s.value]
    assert not at.metric  # no KPI card shows a zero that means nothing


def test_a_copy_of_the_latest_quarter_compares_with_the_quarter_before(demo_env):
    """`orgnet demo` loads its latest quarter twice (2026Q4 and the default graph): the Changes
    page and the Overview compare the default graph with the quarter before (2026Q3), never with
    its own copy, which made every card read "+0.0 个百分点（较上期 2026Q4）"."""
    from helpers_series import series

    from orgnet.graph.load import load_dataset
    from orgnet.queries.stored import store_results

    store, _ = demo_env
    if store.engine == "neo4j":  # Community holds one snapshot
        return
    qs = series("demo")[:2]
    names = ["cp_Q1", "cp_Q2", "cp_copy"]
    try:
        for name, q in zip(names, (qs[0], qs[1], qs[1])):
            load_dataset(store, q.dataset, graph=name, replace=True, as_of=q.as_of)
            store_results(store, name)
        at = open_page("changes", orgnet_graph="cp_copy")
        old = next(b for b in at.selectbox if str(b.key).startswith("chg_old_"))
        new = next(b for b in at.selectbox if str(b.key).startswith("chg_new_"))
        assert (old.value, new.value) == ("cp_Q1", "cp_copy")
        at = open_page("overview", orgnet_graph="cp_copy", ov_trend=True)
        deltas = [m.delta for m in at.metric if m.delta and "较上期" in m.delta]
        assert deltas and all("cp\\_Q1" in d for d in deltas), deltas  # Markdown-escaped
    finally:
        for g in names:
            store.drop_graph(g)


def test_a_snapshot_loaded_elsewhere_reaches_the_open_pages(demo_env):
    """A quarter loaded from the CLI (or another session) while the app runs: the Changes page
    offers it at once, although the current snapshot's own load stamp did not change."""
    from helpers_series import series

    from orgnet.graph.load import load_dataset

    store, _ = demo_env
    if store.engine == "neo4j":  # Community holds one snapshot
        return
    qs = series("demo")[:2]
    try:
        load_dataset(store, qs[1].dataset, graph="late_Q2", replace=True, as_of=qs[1].as_of, series="late")
        at = open_page("changes", orgnet_graph="late_Q2")
        assert not [b for b in at.selectbox if str(b.key).startswith("chg_old_")]  # one snapshot: nothing to compare
        load_dataset(store, qs[0].dataset, graph="late_Q1", replace=True, as_of=qs[0].as_of, series="late")
        at = open_page("changes", orgnet_graph="late_Q2")
        old = next(b for b in at.selectbox if str(b.key).startswith("chg_old_"))
        assert old.value == "late_Q1"
    finally:
        for g in ("late_Q1", "late_Q2"):
            store.drop_graph(g)


def test_overview_change_since_the_previous_snapshot(demo_env, targets_file):
    """With two snapshots the cards and the street table give the change since the previous one:
    grey on a KPI without a target (never red or green), beside target and gap on one with a target."""
    from helpers_series import series

    from orgnet.graph.load import load_dataset
    from orgnet.graph.snapshots import list_snapshots
    from orgnet.queries import catalog
    from orgnet.queries.kpis import kpi_table
    from orgnet.queries.stored import forget, store_results
    from orgnet.textsafe import escape_markdown

    store, _ = demo_env
    if store.engine == "neo4j":  # Community holds one snapshot: nothing before it, so no change line
        at = open_page("overview", ov_trend=True)
        assert at.metric and not [m.delta for m in at.metric if m.delta and "较上期" in m.delta]
        return
    qs = series("demo")[:2]
    names = [f"tg_{q.name}" for q in qs]
    try:
        for name, q in zip(names, qs):
            load_dataset(store, q.dataset, graph=name, replace=True, as_of=q.as_of)
            store_results(store, name)
        from orgnet.graph.snapshots import snapshot

        series_of = snapshot(store, names[1]).series  # the app compares within the snapshot's series
        snaps = [s for s in list_snapshots(store) if s.as_of and s.series == series_of]
        # the latest snapshot of an earlier date (one of the same date is the same period)
        prev = [s for s in snaps if s.as_of < qs[1].as_of][-1]
        now, then = (kpi_table(store, graph=g, as_of=d, scopes=("overall", "street"))
                     for g, d in ((names[1], qs[1].as_of), (prev.name, prev.as_of)))
        targets_file.write_text("[district]\nin_service_reporting = 90\n", encoding="utf-8")
        at = open_page("overview", orgnet_graph=names[1], ov_trend=True)
        cards = {m.label: m for m in at.metric}

        def diff(df_now, df_then, kpi, scope="overall", street=None):
            pick = lambda df: df[(df["kpi"] == kpi) & (df["scope"] == scope)
                                 & ((df["street_id"] == street) if street else True)].iloc[0]
            a, b = pick(df_now), pick(df_then)
            return (float(a["rate"]) - float(b["rate"])) * 100

        grid = cards[catalog.get("kpi_grid_org_coverage").meta["title_zh"]]
        want = t("overview.change_rate", diff=f"{diff(now, then, 'grid_org_coverage'):+.1f}",
                 previous=escape_markdown(prev.name))  # a delta is Markdown too
        assert grid.delta == want and grid.proto.color == GRAY
        reporting = cards[catalog.get("kpi_in_service_reporting").meta["title_zh"]]
        assert reporting.proto.color in (RED, GREEN)  # the gap to its target
        change = t("overview.change_rate", diff=f"{diff(now, then, 'in_service_reporting'):+.1f}",
                   previous=escape_markdown(prev.name))  # the caption is Markdown: the name escaped
        assert any(change in c.value and t("overview.target_line", target="90.0%") in c.value
                   for c in at.caption), [c.value for c in at.caption]
        # the street table: a column of the change since the previous snapshot
        table = next(d.value for d in at.dataframe if t("overview.street_target") in d.value.columns)
        column = t("overview.street_change", previous=prev.name)
        assert column in table.columns
        street = now[(now["scope"] == "street") & (now["kpi"] == "in_service_reporting")].iloc[0]
        row = table.set_index(t("common.street")).loc[street["street"]]
        if ((then["scope"] == "street") & (then["street_id"] == street["street_id"])).any():
            want = diff(now, then, "in_service_reporting", "street", street["street_id"])
            assert row[column] == t("overview.pts", diff=f"{want:+.1f}")
    finally:
        for name in names:
            forget(store, name)
            store.drop_graph(name)


def test_a_street_account_is_measured_against_its_streets_target(demo_env, targets_file):
    """A street account's cards are its street's: measured against the street's own target, and the
    other streets of the targets file are not reported as unknown."""
    import os

    from orgnet.queries import catalog
    from orgnet.queries.kpis import kpi_table

    store, graph = demo_env
    street = kpi_table(store, graph=graph, scopes=("street",), kpis=["in_service_reporting"]).iloc[0]
    targets_file.write_text(f"[district]\nin_service_reporting = 100\n\n[streets.\"{street['street_id']}\"]\n"
                            "in_service_reporting = 10\n\n[streets.OTHER]\nin_service_reporting = 50\n",
                            encoding="utf-8")
    from orgnet.access.accounts import AccountBook

    account = signed_in(os.environ["ORGNET_HOME"], "street_analyst", "analyst", street_id=street["street_id"])
    try:
        at = open_page("overview", account=account)
    finally:
        AccountBook(os.environ["ORGNET_HOME"]).remove("street_analyst")  # the home is shared by the module
    card = next(m for m in at.metric if m.label == catalog.get("kpi_in_service_reporting").meta["title_zh"])
    assert any(t("overview.target_line", target="10.0%") in c.value for c in at.caption)
    assert card.delta.startswith("+") and card.proto.color == GREEN  # above its street's 10%
    assert not at.warning, [w.value for w in at.warning]  # OTHER is another street's, not unknown


def test_assess_page_ranks_as_the_library_within_the_account_scope(demo_env):
    """The 考核 page's ranking equals orgnet assess for the snapshot; a street account ranks only
    its street's communities; meeting mode shows the ranking chart alone."""
    import os

    from helpers_access import signed_in
    from orgnet.assessment import assess
    from orgnet.access.scoped import ScopedStore
    from orgnet.queries.scope import Scope

    store, graph = demo_env
    at = open_page("assess")
    table = at.dataframe[0].value
    want = assess(store, "community", graph=graph, as_of=at.session_state["orgnet_as_of"]
                  if "orgnet_as_of" in at.session_state else None)
    assert list(table["社区"]) == [r["name"] for r in want["results"]]
    assert list(table["总分"]) == [r["total"] for r in want["results"]]
    street = want["results"][0]["street_id"]
    account = signed_in(os.environ["ORGNET_HOME"], "assess_street", "analyst", street_id=street)
    at = open_page("assess", account=account)
    mine = assess(ScopedStore(store, Scope(street_id=street)), "community", graph=graph, as_of=want["as_of"])
    assert list(at.dataframe[0].value["社区"]) == [r["name"] for r in mine["results"]]
    assert {r["street_id"] for r in mine["results"]} == {street}
    at = open_page("assess", meeting=True)
    def kinds(node):
        yield getattr(node, "type", "")
        for child in getattr(node, "children", {}).values():
            yield from kinds(child)

    found = list(kinds(at.main))
    assert not at.dataframe and at.title[0].value == "考核" and any("vega" in k for k in found), found
