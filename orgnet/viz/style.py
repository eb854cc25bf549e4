"""One colour and shape scheme per node kind, used on every page (and in the legend).

Node kinds (``kind`` of a map node) are spelled with the model's own identifiers:

- an area: a ``Label`` value (``"Street"``, ``"Community"``, ``"Grid"``, ``"Compound"``,
  ``"Building"``, ``"District"``, ``"Area"``) or an ``AreaLevel`` value (``"grid"``);
- a party organization: an ``OrgKind`` value (``"grid_branch"``) or ``"PartyOrg"``;
- a unit: ``"Unit"``, a ``UnitKind`` value (``"private_enterprise"``) or a unit group
  (``"unit_state"``, ``"unit_two_new"``, ``"unit_governance"``, ``"unit_other"``);
- ``"Member"``, ``"Agreement"``, ``"Need"``, ``"Resource"``, ``"Service"``, ``"Meeting"``, ``"Evaluation"``.

``resolve_kind`` maps any of these to the canonical style key; ``node_kind(labels, props)``
does it for a graph node. Colours: a calm, print-friendly palette built from
colour-blind-safe hues (Okabe–Ito/ColorBrewer); party organizations in shades of party
red, areas in blues, units as diamonds, and shapes that differ between families so a
grey-scale print still tells them apart. Uncovered territory is drawn with a red dashed
outline and a pale red fill (flag ``uncovered``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable, Mapping

from orgnet import model as m
from orgnet.analysis.linkage import BANDS  # the bands have one home: linkage.toml read there
from orgnet.i18n import label_name, plural_en, t, _norm_lang

FONT_STACK = ('"Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC", '
              '"WenQuanYi Micro Hei", "Heiti SC", sans-serif')

TEXT_COLOR = "#263238"
EDGE_DEFAULT = "#9AA5AD"


@dataclass(frozen=True)
class NodeStyle:
    key: str          # canonical style key
    color: str        # fill
    border: str       # outline
    shape: str        # vis-network shape (label outside the shape)
    size: int         # vis size (radius-ish, px at zoom 1)
    dashed: bool = False
    family: str = ""  # area | org | unit | member | other


@dataclass(frozen=True)
class EdgeStyle:
    key: str
    color: str
    width: float
    dashed: bool = False


U = m.UnitKind
#: unit kind → unit group (colour group for units)
UNIT_GROUPS: dict[m.UnitKind, str] = {
    U.agency: "unit_state", U.institution: "unit_state", U.state_enterprise: "unit_state",
    U.private_enterprise: "unit_two_new", U.social_org: "unit_two_new",
    U.property_company: "unit_governance", U.owners_committee: "unit_governance",
    U.residents_committee: "unit_governance",
    U.police: "unit_other", U.other: "unit_other",
}
UNIT_GROUP_KEYS: tuple[str, ...] = ("unit_state", "unit_two_new", "unit_governance", "unit_other")

L, O = m.Label, m.OrgKind

_STYLES: tuple[NodeStyle, ...] = (
    # areas: blues, squares, larger for higher levels
    NodeStyle(L.District.value, "#0B3C5D", "#072A41", "square", 30, family="area"),
    NodeStyle(L.Street.value, "#1F4E79", "#143352", "square", 26, family="area"),
    NodeStyle(L.Community.value, "#2E75B6", "#1F5286", "square", 22, family="area"),
    NodeStyle(L.Grid.value, "#6BAED6", "#3E84B5", "square", 15, family="area"),
    NodeStyle(L.Compound.value, "#4BA3A8", "#2F7A7E", "square", 15, family="area"),
    NodeStyle(L.Building.value, "#A9CCE3", "#6C9FC2", "square", 11, family="area"),
    NodeStyle(L.Area.value, "#7FA7C9", "#4F7CA3", "square", 15, family="area"),
    # party organizations: shades of party red, dots; unit-based and floating orgs dashed
    NodeStyle(O.street_committee.value, "#7F0000", "#4D0000", "dot", 26, family="org"),
    NodeStyle(O.community_committee.value, "#B71C1C", "#7F0000", "dot", 21, family="org"),
    NodeStyle(O.grid_branch.value, "#E53935", "#A31513", "dot", 15, family="org"),
    NodeStyle(O.compound_branch.value, "#F4733F", "#B8481A", "dot", 15, family="org"),
    NodeStyle(O.building_group.value, "#F6A6A0", "#C9605A", "dot", 11, family="org"),
    NodeStyle(O.unit_org.value, "#AD1457", "#6F0C37", "dot", 14, family="org"),
    NodeStyle(O.joint_branch.value, "#D6457F", "#8C1E4B", "dot", 14, dashed=True, family="org"),
    NodeStyle(O.floating_org.value, "#F48FB1", "#B0486C", "dot", 13, dashed=True, family="org"),
    NodeStyle(L.PartyOrg.value, "#C62828", "#8E1B1B", "dot", 15, family="org"),
    # units: diamonds, by group
    NodeStyle("unit_state", "#2A9D8F", "#1B6B61", "diamond", 14, family="unit"),
    NodeStyle("unit_two_new", "#E69F00", "#A36F00", "diamond", 14, family="unit"),
    NodeStyle("unit_governance", "#8D6E63", "#5D4037", "diamond", 13, family="unit"),
    NodeStyle("unit_other", "#90A4AE", "#5F7782", "diamond", 13, family="unit"),
    NodeStyle(L.Unit.value, "#5C8A8A", "#3D5F5F", "diamond", 14, family="unit"),
    # the rest
    NodeStyle(L.Member.value, "#546E7A", "#37474F", "dot", 7, family="member"),
    NodeStyle(L.Agreement.value, "#C9A227", "#8A6D12", "hexagon", 12, family="other"),
    NodeStyle(L.Need.value, "#CC79A7", "#97507A", "triangleDown", 12, family="other"),
    NodeStyle(L.Resource.value, "#009E73", "#006B4E", "triangle", 12, family="other"),
    NodeStyle(L.Service.value, "#56B4E9", "#2D86B8", "triangleDown", 11, family="other"),
    NodeStyle(L.Meeting.value, "#7B5EA7", "#53407A", "star", 13, family="other"),
    NodeStyle(L.Evaluation.value, "#B39DDB", "#6A52A3", "dot", 9, family="other"),
)
NODE_STYLES: dict[str, NodeStyle] = {s.key: s for s in _STYLES}

#: drawing order of kinds in legends (and tie-break order elsewhere)
KIND_ORDER: dict[str, int] = {s.key: i for i, s in enumerate(_STYLES)}

SUMMARY_COLOR = "#E0E0E0"
SUMMARY_BORDER = "#8A8A8A"

UNCOVERED_FILL = "#FDECEA"
UNCOVERED_BORDER = "#D32F2F"
UNCOVERED_FONT = "#B71C1C"

EDGE_STYLES: dict[str, EdgeStyle] = {
    "strong": EdgeStyle("strong", "#1B7F3B", 6.0),
    "medium": EdgeStyle("medium", "#5DAE6B", 3.2),
    "weak": EdgeStyle("weak", "#A8D5A2", 1.6),
    "potential": EdgeStyle("potential", "#D9D9D9", 1.0, dashed=True),  # never drawn on a linkage map
    "none": EdgeStyle("none", "#C4C4C4", 1.0, dashed=True),
}

DEFAULT_EDGE = EdgeStyle("edge", EDGE_DEFAULT, 1.2)


def _build_aliases() -> dict[str, str]:
    a: dict[str, str] = {}
    for s in _STYLES:
        a[s.key.lower()] = s.key
    for level, label in m.AREA_LABELS.items():
        a[level.value.lower()] = label.value
    for uk, group in UNIT_GROUPS.items():
        a[uk.value.lower()] = group
    return a


_ALIASES = _build_aliases()


def resolve_kind(kind: str | None) -> str:
    """Canonical style key for a kind spelling (see module doc); unknown → ``"Area"``-less fallback ``"node"``."""
    if kind is None:
        return "node"
    return _ALIASES.get(str(kind).strip().lower(), "node")


def node_kind(labels: Iterable[str] | str, props: Mapping[str, Any] | None = None) -> str:
    """Style key of a graph node given its labels (or primary label) and properties.

    Areas use their level label, party orgs their ``kind``, units their ``kind``'s group.
    """
    props = props or {}
    labs = [labels] if isinstance(labels, str) else list(labels)
    if L.Area.value in labs:
        for lab in labs:
            if lab != L.Area.value and lab.lower() in _ALIASES:
                return resolve_kind(lab)
        if props.get("level"):
            return resolve_kind(props["level"])
        return L.Area.value
    if L.PartyOrg.value in labs:
        return resolve_kind(props.get("kind")) if props.get("kind") else L.PartyOrg.value
    if L.Unit.value in labs:
        k = resolve_kind(props.get("kind")) if props.get("kind") else L.Unit.value
        return k if k in UNIT_GROUP_KEYS else L.Unit.value
    for lab in labs:
        if lab.lower() in _ALIASES:
            return resolve_kind(lab)
    return "node"


_FALLBACK = NodeStyle("node", "#B0BEC5", "#78909C", "dot", 10, family="other")


def node_style(kind: str | None) -> NodeStyle:
    return NODE_STYLES.get(resolve_kind(kind), _FALLBACK)


def edge_style(band: str | None) -> EdgeStyle:
    return EDGE_STYLES.get(str(band).lower(), DEFAULT_EDGE) if band else DEFAULT_EDGE


def band_for_score(score: float | None) -> str:
    """The linkage band of a score with the packaged thresholds (``orgnet/linkage.toml``): strong, medium, weak, none."""
    from orgnet.analysis.linkage import band, packaged_config

    return "none" if score is None else band(float(score), packaged_config())


def _enum_for_key(key: str) -> m.ZhEnum | None:
    for enum in (m.Label, m.OrgKind):
        try:
            return enum(key)
        except ValueError:
            continue
    return None


def kind_name(kind: str | None, lang: str = "zh", *, plural: bool = False) -> str:
    """Display name of a node kind ("grid_branch" → 网格党支部 / Grid party branch)."""
    key = resolve_kind(kind)
    member = _enum_for_key(key)
    if member is not None:
        name = label_name(member, lang)
        return plural_en(name) if plural and _norm_lang(lang) == "en" else name
    if key == "node" or key not in UNIT_GROUP_KEYS:
        return t("kind.node_plural" if plural else "kind.node", lang)
    return t(f"kind.{key}_plural" if plural else f"kind.{key}", lang)
