"""The contract's organization-health columns (组织形式, 换届, 入党/转正, 管理党组织, 隶属层级, 重点单位,
主任/副主任) and the policy settings the rules read (orgnet/policy.toml)."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers_loaders import check_accounting, good_tables, write_csv
from orgnet import policy
from orgnet.errors import ConfigError
from orgnet.loaders.report import format_summary
from orgnet.loaders.validate import validate_path
from orgnet.model import TABLES, Affiliation, OrgForm, Role, derive_form
from orgnet.queries import catalog


@pytest.mark.parametrize("kind, name, form", [
    ("community_committee", "东风社区党委", "committee"),
    ("community_committee", "东风社区党总支", "general_branch"),
    ("community_committee", "东风社区党支部", "branch"),
    ("community_committee", "东风社区", "committee"),
    ("street_committee", "人民街道党工委", "committee"),
    ("unit_org", "区水利局机关党委", "committee"),
    ("unit_org", "某公司", "branch"),
    ("building_group", "3号楼党小组", "group"),
    ("building_group", "3号楼", "group"),
    ("joint_branch", "商圈联合党支部", "branch"),
])
def test_derive_form_from_name_then_kind(kind: str, name: str, form: str) -> None:
    assert derive_form(kind, name) is OrgForm(form)


def test_new_columns_headers_exactly_as_agreed() -> None:
    expect = {
        ("party_orgs", "form"): "组织形式", ("party_orgs", "elected_on"): "换届日期",
        ("party_orgs", "term_years"): "任期年限", ("members", "joined_on"): "入党日期",
        ("members", "full_on"): "转正日期", ("members", "managing_org_id"): "管理党组织",
        ("members", "org_outside"): "组织关系所在地", ("units", "affiliation"): "隶属层级",
        ("units", "key_unit"): "重点单位",
    }
    for (table, column), zh in expect.items():
        assert TABLES[table].column(column).zh == zh
    assert [a.zh for a in Affiliation] == ["中央", "省", "市", "区", "街道", "无"]
    assert [f.zh for f in OrgForm] == ["党委", "党总支", "党支部", "党小组"]
    assert (Role.parse("主任"), Role.parse("副主任")) == (Role.chair, Role.vice_chair)


def _with_health_columns(tables: dict) -> dict:
    org = tables["party_orgs"][0]
    org.update(form="党总支", elected_on="2021年3月1日", term_years="5")
    member = tables["members"][0]
    member.update(joined_on="2024/5/1", full_on="", managing_org_id=org["id"], org_outside="山东省潍坊市")
    tables["units"][0].update(affiliation="省属", key_unit="是")
    return tables


def test_health_columns_validate_and_parse(tmp_path: Path) -> None:
    result = validate_path(write_csv(tmp_path / "d", _with_health_columns(good_tables()), zh=True))
    check_accounting(result)
    assert result.report.rejected == 0, result.report.errors
    org = result.dataset.rows("party_orgs")[0]
    assert (org["form"], org["elected_on"], org["term_years"]) == ("general_branch", "2021-03-01", 5)
    member = result.dataset.rows("members")[0]
    assert (member["joined_on"], member["full_on"], member["managing_org_id"], member["org_outside"]) == (
        "2024-05-01", None, org["id"], "山东省潍坊市")
    unit = result.dataset.rows("units")[0]
    assert (unit["affiliation"], unit["key_unit"]) == ("province", True)


def test_bad_health_values_are_rejected_with_column(tmp_path: Path) -> None:
    tables = good_tables()
    tables["party_orgs"][0]["form"] = "大队"
    tables["units"][0]["affiliation"] = "外星"
    tables["party_orgs"][1]["term_years"] = "20"
    result = validate_path(write_csv(tmp_path / "d", tables))
    check_accounting(result)
    assert {(e.table, e.column) for e in result.report.errors} >= {
        ("party_orgs", "form"), ("units", "affiliation"), ("party_orgs", "term_years")}


def test_empty_form_is_derived_and_the_report_says_so(tmp_path: Path) -> None:
    tables = good_tables()
    tables["party_orgs"][0]["form"] = "党支部"
    result = validate_path(write_csv(tmp_path / "d", tables))
    orgs = result.dataset.rows("party_orgs")
    assert orgs[0]["form"] == "branch"
    assert all(o["form"] == derive_form(o["kind"], o["name"]).value for o in orgs[1:])
    assert result.report.derived == {"party_orgs.form": len(orgs) - 1}
    assert result.report.to_dict()["derived"] == {"party_orgs.form": len(orgs) - 1}
    summary = format_summary(result.report)
    assert f"党组织「组织形式」为空的 {len(orgs) - 1} 行" in summary and "party_orgs.form" in summary


def test_managing_org_becomes_a_relationship(tmp_path: Path) -> None:
    from orgnet.graph.nx import to_networkx

    result = validate_path(write_csv(tmp_path / "d", _with_health_columns(good_tables())))
    g = to_networkx(result.dataset)
    member, org = result.dataset.rows("members")[0]["id"], result.dataset.rows("party_orgs")[0]["id"]
    assert any(d.get("type") == "MANAGED_BY" for d in g.get_edge_data(member, org, default={}).values())


# -- policy settings ---------------------------------------------------------


def test_policy_defaults_and_district_override(tmp_path: Path) -> None:
    assert policy.policy(tmp_path)["branch_max_members"] == 50
    (tmp_path / "policy.toml").write_text("[organization]\nbranch_max_members = 40\n", encoding="utf-8")
    values = policy.policy(tmp_path)
    assert values["branch_max_members"] == 40 and values["committee_min_members"] == 100


@pytest.mark.parametrize("text, words", [
    ("[organisation]\nx = 1\n", "未知的节 [organisation]"),
    ("[organization]\nbranch_max = 1\n", "[organization] 中没有 branch_max"),
    ("[organization]\nbranch_max_members = -1\n", "branch_max_members = -1"),
    ("[meetings]\ncommunity_cadence = \"week\"\n", "community_cadence = 'week'"),
    ("[organization\n", "不是有效的 TOML"),
])
def test_policy_errors_name_the_file_and_key(tmp_path: Path, text: str, words: str) -> None:
    (tmp_path / "policy.toml").write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as e:
        policy.policy(tmp_path)
    assert words in str(e.value) and str(tmp_path / "policy.toml") in str(e.value)


def test_policy_param_default_is_read_from_orgnet_home(tmp_path: Path, monkeypatch) -> None:
    param = catalog.Param("branch_max_members", "int", "policy")
    monkeypatch.setenv("ORGNET_HOME", str(tmp_path))
    assert param.default() == 50
    (tmp_path / "policy.toml").write_text("[organization]\nbranch_max_members = 45\n", encoding="utf-8")
    assert param.default() == 45
    with pytest.raises(ConfigError, match="no_such_setting"):
        catalog.Param("no_such_setting", "int", "policy").default()
