"""The translation table: both languages everywhere, no mixed scripts."""

import re
import string

import pytest

from orgnet import i18n
from orgnet import model as m
from orgnet.i18n import ALLOWED_LATIN, keys, label_name, t, table

CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")
PLACEHOLDER = re.compile(r"\{[a-z_]*\}")
ENUMS = [v for v in vars(m).values() if isinstance(v, type) and issubclass(v, m.ZhEnum) and v is not m.ZhEnum]


def test_every_key_has_both_languages():
    assert len(keys()) > 100
    for key, entry in table().items():
        assert set(entry) == {"zh", "en"}, key
        assert entry["zh"].strip() and entry["en"].strip(), key


def test_placeholders_match_between_languages():
    for key, entry in table().items():
        assert sorted(PLACEHOLDER.findall(entry["zh"])) == sorted(PLACEHOLDER.findall(entry["en"])), key
        names = [f[1] for f in string.Formatter().parse(entry["zh"]) if f[1]]
        t(key, "zh", **{n: "x" for n in names})  # formats without error


def test_zh_strings_have_no_latin_words_beyond_acronyms():
    for key, entry in table().items():
        text = PLACEHOLDER.sub("", entry["zh"])
        words = set(re.findall(r"[A-Za-z][A-Za-z0-9]*", text))
        assert words <= ALLOWED_LATIN, (key, words - ALLOWED_LATIN)


def test_en_strings_have_no_cjk():
    for key, entry in table().items():
        assert not CJK.search(entry["en"]), (key, entry["en"])


def test_required_labels():
    pages = {"overview": ("总览", "Overview"), "explorer": ("网络浏览", "Explorer"),
             "org_tree": ("组织体系", "Org tree"), "gaps": ("覆盖缺口", "Gaps"),
             "linkage": ("联建强度", "Linkage"), "import": ("数据导入", "Import"), "query": ("查询", "Query")}
    for key, (zh, en) in pages.items():
        assert t(f"page.{key}") == zh and t(f"page.{key}", "en") == en
    assert [t(f"band.{b}") for b in ("strong", "medium", "weak", "none")] == ["强", "中", "弱", "无"]
    for key in ("meeting.mode", "meeting.download_png", "meeting.download_html", "legend.title"):
        assert i18n.has(key)


def test_default_is_chinese_and_unknown_key_fails():
    assert t("page.query") == "查询"
    assert t("page.query", "en-US") == "Query"
    with pytest.raises(KeyError):
        t("page.nope")


@pytest.mark.parametrize("enum", ENUMS, ids=lambda e: e.__name__)
def test_every_enum_member_has_a_name_in_both_languages(enum):
    for member in enum:
        zh, en = label_name(member, "zh"), label_name(member, "en")
        assert zh == member.zh
        assert en and not CJK.search(en), (member, en)
        assert "_" not in en


def test_en_names_are_keyed_by_members_only():
    for member, _name in i18n.EN_NAMES:
        assert isinstance(member, m.ZhEnum)


def test_members_sharing_a_value_keep_their_own_english_name():
    # str-enum members equal their value: AreaLevel.community == Side.community
    assert i18n.label_name(m.AreaLevel.community, "en") == "Community"
    assert i18n.label_name(m.Side.community, "en") == "Community side"
    assert i18n.label_name(m.MeetingLevel.street, "en") == "Street"


def test_every_choice_widget_has_a_placeholder_from_the_table():
    """Streamlit's own placeholder ("Choose an option", "Choose options") is English: every
    selectbox and multiselect of the app names one through ``t``, and no multiselect offers
    Streamlit's "Select all", which cannot be translated."""
    import ast
    from pathlib import Path

    root = Path(__file__).resolve().parents[1] / "orgnet"
    missing, seen = [], 0
    for path in sorted(root.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr in ("selectbox", "multiselect")):
                continue
            seen += 1
            ph = next((k.value for k in node.keywords if k.arg == "placeholder"), None)
            from_table = isinstance(ph, ast.Call) and (getattr(ph.func, "attr", None) == "t"
                                                       or getattr(ph.func, "id", None) == "t")
            no_select_all = node.func.attr == "selectbox" or any(  # its "Select all" option is English only
                k.arg == "select_all" and isinstance(k.value, ast.Constant) and k.value.value is False
                for k in node.keywords)
            if not from_table or not no_select_all:
                missing.append(f"{path.relative_to(root.parent)}:{node.lineno}")
            else:
                key = ph.args[0]
                assert isinstance(key, ast.Constant) and t(key.value) and t(key.value, "en"), (path, node.lineno)
    assert seen >= 20 and not missing, (seen, missing)


def test_css_strings_cannot_end_the_string_or_the_style():
    from orgnet.pages._ui import css_string

    assert css_string("上传文件") == '"上传文件"'
    out = css_string('a"b\\c</style><b>')
    assert out.count('"') == 2 and "<" not in out and ">" not in out and "\\22 " in out
