"""One translation table for every UI label: Chinese by default, English on request.

>>> t("page.linkage")
'联建强度'
>>> t("page.linkage", "en")
'Linkage'
>>> t("map.more", "en", n=3, kind="units")
'+3 units'
>>> from orgnet.model import OrgKind
>>> label_name(OrgKind.grid_branch), label_name(OrgKind.grid_branch, "en")
('网格党支部', 'Grid party branch')

The table lives in ``orgnet/locale/messages.toml`` (``[section] key = {zh = ..., en = ...}``,
addressed as ``"section.key"``). Names of model enums (kinds, statuses, roles, labels,
relationship types) are not in the table: ``label_name`` takes them from
``orgnet.model`` (``.zh``) and from ``EN_NAMES`` below (English display names keyed
by enum member, so no enum value is spelled twice).
"""

from __future__ import annotations

import re
import tomllib
from functools import lru_cache
from importlib import resources
from typing import Any

from orgnet import model as m

LANGS: tuple[str, ...] = ("zh", "en")
DEFAULT_LANG = "zh"

#: Latin words a Chinese string may contain (file formats, product names, acronyms)
ALLOWED_LATIN: frozenset[str] = frozenset(
    {"PNG", "HTML", "CSV", "Excel", "xlsx", "zip", "Cypher", "ID", "KPI", "URL",
     "Neo4j", "FalkorDB"}
)

#: English display names where the identifier does not read well on its own; any member
#: not listed reads as its identifier in words. Pairs, not a dict keyed by member: members
#: are ``str`` subclasses, so ``AreaLevel.community == Side.community`` would collide.
EN_NAMES: tuple[tuple[m.ZhEnum, str], ...] = (
    (m.OrgKind.street_committee, "Street party working committee"),
    (m.OrgKind.community_committee, "Community party organization"),
    (m.OrgKind.grid_branch, "Grid party branch"),
    (m.OrgKind.compound_branch, "Compound party branch"),
    (m.OrgKind.building_group, "Building party group"),
    (m.OrgKind.unit_org, "Unit party organization"),
    (m.OrgKind.joint_branch, "Joint party branch"),
    (m.OrgKind.floating_org, "Floating-member organization"),
    (m.UnitKind.state_enterprise, "State enterprise"),
    (m.UnitKind.social_org, "Social organization"),
    (m.UnitKind.owners_committee, "Owners' committee"),
    (m.UnitKind.residents_committee, "Residents' committee"),
    (m.UnitKind.police, "Police station"),
    (m.MemberStatus.formal, "Formal member"),
    (m.MemberStatus.probationary, "Probationary member"),
    (m.MemberCategory.in_service, "In-service"),
    (m.Role.part_time_member, "Part-time committee member"),
    (m.Role.instructor, "Party-building instructor"),
    (m.Side.community, "Community side"),
    (m.Side.unit, "Unit side"),
    (m.ServiceType.wish, "Micro-wish"),
    (m.ServiceType.post, "Volunteer post"),
    (m.Label.PartyOrg, "Party organization"),
    (m.Label.Agreement, "Co-building agreement"),
    (m.Label.Member, "Party member"),
    (m.Label.Meeting, "Joint meeting"),
    (m.Label.Evaluation, "Co-building evaluation"),
    (m.EvaluationGrade.excellent, "Excellent"),
    (m.EvaluationGrade.good, "Good"),
    (m.EvaluationGrade.fair, "Fair"),
    (m.EvaluationGrade.poor, "Poor"),
    (m.Rel.SUBORDINATE_TO, "reports to"),
    (m.Rel.COVERS, "covers"),
    (m.Rel.BASED_IN, "based in"),
    (m.Rel.MEMBER_OF, "member of"),
    (m.Rel.REPORTED_TO, "reported to"),
    (m.Rel.PARTY_TO, "party to"),
)

#: (enum class, identifier) → English name
_EN: dict[tuple[type, str], str] = {(type(k), k.value): v for k, v in EN_NAMES}


def _norm_lang(lang: str | None) -> str:
    lang = (lang or DEFAULT_LANG).lower()
    return "en" if lang.startswith("en") else "zh"


@lru_cache(maxsize=1)
def table() -> dict[str, dict[str, str]]:
    """The whole table: ``{"section.key": {"zh": ..., "en": ...}}``."""
    text = resources.files("orgnet").joinpath("locale/messages.toml").read_text("utf-8")
    raw = tomllib.loads(text)
    flat: dict[str, dict[str, str]] = {}

    def walk(prefix: str, node: dict[str, Any]) -> None:
        for k, v in node.items():
            key = f"{prefix}.{k}" if prefix else k
            if isinstance(v, dict) and set(v) <= set(LANGS) and all(isinstance(x, str) for x in v.values()):
                flat[key] = dict(v)
            elif isinstance(v, dict):
                walk(key, v)
            else:
                raise ValueError(f"orgnet/locale/messages.toml: {key} must be {{zh = ..., en = ...}}")

    walk("", raw)
    return flat


def keys() -> list[str]:
    return sorted(table())


def has(key: str) -> bool:
    return key in table()


def t(key: str, lang: str = DEFAULT_LANG, **fmt: Any) -> str:
    """The UI text for ``key`` in ``lang`` ("zh" or "en"), with ``{placeholders}`` filled.

    An unknown key raises KeyError (a typo should fail in tests, not show a raw key).
    """
    try:
        entry = table()[key]
    except KeyError:
        raise KeyError(f"no UI text {key!r} in orgnet/locale/messages.toml") from None
    text = entry[_norm_lang(lang)]
    return text.format(**fmt) if fmt else text


def _words(identifier: str) -> str:
    # "PartyOrg" → "Party org", "in_service" → "In service", "PART_OF" → "part of"
    if identifier.isupper():
        return identifier.replace("_", " ").lower()
    s = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", identifier).replace("_", " ")
    return s[:1].upper() + s[1:].lower()


def label_name(member: m.ZhEnum, lang: str = DEFAULT_LANG) -> str:
    """Display name of a model enum member (kind, status, label, relationship …)."""
    if _norm_lang(lang) == "zh":
        return member.zh
    return _EN.get((type(member), member.value)) or _words(member.value)


def plural_en(name: str) -> str:
    """Lower-case English plural of a display name ("Grid party branch" → "grid party branches")."""
    words = name.split(" ")
    last = words[-1]
    low = last.lower()
    if low.endswith("y") and len(low) > 1 and low[-2] not in "aeiou":
        last = last[:-1] + "ies"
    elif low.endswith(("s", "sh", "ch", "x")):
        last = last + "es"
    elif low == "police":
        pass
    else:
        last = last + "s"
    words[-1] = last
    out = " ".join(words)
    return out[:1].lower() + out[1:] if not out[:2].isupper() else out
