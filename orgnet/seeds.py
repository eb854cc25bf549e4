"""The figures and requirements of the seed documents, read once from ``orgnet/seed_figures.toml``.

They are calibration notes of the synthetic presets, never a yardstick for a district (its own
targets are :mod:`orgnet.targets`). Each figure carries its document (named by place, year and
title, never by its file number alone), its verbatim quote, its definition, its kind (a reported
``figure`` or a ``requirement``, 要求) and whether orgnet computes it with the same definition
(``compare == "same"``) or it is a reference only (another definition or denominator).

>>> fig = seed_figures()["private_enterprise_org"]
>>> fig.source.label, fig.value, fig.kpi, fig.compare
('成都市 2017', 0.831, 'private_enterprise_org_coverage', 'reference')
>>> seed_figures()["community_party_org"].kind
'requirement'
"""

from __future__ import annotations

import functools
import re
import tomllib
from dataclasses import dataclass
from importlib import resources

from orgnet.errors import ConfigError

SEED_FILE = "seed_figures.toml"
UNITS = ("rate", "count")
COMPARES = ("same", "reference")
KINDS = ("figure", "requirement")
_REQUIRED = ("doc", "quote", "value", "unit", "kind", "definition_zh", "definition_en", "compare")
_DOC_REQUIRED = ("title", "place")


@dataclass(frozen=True)
class SeedDocument:
    """A seed document: where it is from and what it is called."""

    number: str
    title: str
    place: str
    year: int | None = None
    publisher: str | None = None

    @property
    def label(self) -> str:
        """Place and year, e.g. ``成都市 2017`` (the place alone when the document gives no year)."""
        return f"{self.place} {self.year}" if self.year else self.place

    @property
    def full(self) -> str:
        """Place, year and title: ``成都市 2017《着力构建…》``."""
        return f"{self.label}《{self.title}》"


@dataclass(frozen=True)
class SeedFigure:
    """One figure or requirement of a seed document."""

    id: str
    doc: str
    source: SeedDocument
    quote: str
    value: float
    unit: str
    kind: str
    definition_zh: str
    definition_en: str
    compare: str
    kpi: str | None = None
    note_zh: str | None = None
    note_en: str | None = None
    preset: str | None = None

    def definition(self, lang: str) -> str:
        return self.definition_zh if lang == "zh" else self.definition_en

    def note(self, lang: str) -> str | None:
        return self.note_zh if lang == "zh" else self.note_en


def _document(number: str, raw: dict) -> SeedDocument:
    where = f"orgnet/{SEED_FILE} [documents.{number}]"
    missing = [k for k in _DOC_REQUIRED if k not in raw]
    if missing:
        raise ConfigError(f"{where}: missing {', '.join(missing)}")
    year = raw.get("year")
    if year is not None and not isinstance(year, int):
        raise ConfigError(f"{where}: year {year!r} is not a whole number")
    return SeedDocument(number=number, title=str(raw["title"]), place=str(raw["place"]), year=year,
                        publisher=raw.get("publisher"))


def _figure(fid: str, raw: dict, documents: dict[str, SeedDocument]) -> SeedFigure:
    where = f"orgnet/{SEED_FILE} [figures.{fid}]"
    missing = [k for k in _REQUIRED if k not in raw]
    if missing:
        raise ConfigError(f"{where}: missing {', '.join(missing)}")
    if raw["unit"] not in UNITS or raw["compare"] not in COMPARES or raw["kind"] not in KINDS:
        raise ConfigError(f"{where}: unit must be one of {UNITS}, compare one of {COMPARES}, kind one of {KINDS}")
    if str(raw["doc"]) not in documents:
        raise ConfigError(f"{where}: doc {raw['doc']!r} has no [documents.{raw['doc']}] table")
    try:
        value = float(raw["value"])
    except (TypeError, ValueError) as e:
        raise ConfigError(f"{where}: value {raw['value']!r} is not a number") from e
    return SeedFigure(id=fid, doc=str(raw["doc"]), source=documents[str(raw["doc"])], quote=str(raw["quote"]),
                      value=value, unit=raw["unit"], kind=raw["kind"], definition_zh=str(raw["definition_zh"]),
                      definition_en=str(raw["definition_en"]), compare=raw["compare"], kpi=raw.get("kpi"),
                      note_zh=raw.get("note_zh"), note_en=raw.get("note_en"), preset=raw.get("preset"))


@functools.cache
def _read() -> dict:
    text = resources.files("orgnet").joinpath(SEED_FILE).read_text(encoding="utf-8")
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"orgnet/{SEED_FILE}: {e}") from e


@functools.cache
def seed_documents() -> dict[str, SeedDocument]:
    """Every seed document with a figure, by number."""
    return {n: _document(n, raw) for n, raw in _read().get("documents", {}).items()}


@functools.cache
def seed_figures() -> dict[str, SeedFigure]:
    """Every seed figure by id, in file order."""
    docs = seed_documents()
    return {fid: _figure(fid, raw, docs) for fid, raw in _read().get("figures", {}).items()}


def figure_for_kpi(kpi: str) -> SeedFigure | None:
    """The seed figure that concerns a KPI, if any."""
    return next((f for f in seed_figures().values() if f.kpi == kpi), None)


#: how a cited document the table does not name is shown (a seed without a title of its own)
UNNAMED_DOCUMENT = "参考材料（{number}，原文无标题）"

_CITED = re.compile(r"^(?P<numbers>\d{3}(?:\s*[,，、]\s*\d{3})*)(?!\d)\s*(?P<rest>.*)$", re.S)


def document_name(number: str) -> str:
    """A seed document as a reader can look it up: ``成都市 2017《…》`` (never its file number alone)."""
    doc = seed_documents().get(number)
    return doc.full if doc else UNNAMED_DOCUMENT.format(number=number)


def cite(source: str) -> str:
    """A rule's ``source`` line with its seed numbers as document names: ``000, 003 共驻共建`` →
    ``成都市 2017《…》、咸阳市秦都区《…》：共驻共建``; parts (``;``) without a number stay as written.

    >>> cite("002 §四.1 一社区一支部")
    '贵州省 2008《贵州省街道社区党的组织先进性建设工程实施办法》：§四.1 一社区一支部'
    >>> cite("党章 第七条")
    '党章 第七条'
    """
    parts = []
    for part in (p.strip() for p in (source or "").split(";")):
        m = _CITED.match(part)
        if not m:
            parts.append(part)
            continue
        names = "、".join(document_name(n) for n in re.findall(r"\d{3}", m["numbers"]))
        parts.append(f"{names}：{m['rest']}" if m["rest"] else names)
    return "；".join(p for p in parts if p)


def _shown(f: SeedFigure) -> str:
    return f"{f.value * 100:g}%" if f.unit == "rate" else f"{f.value:,.0f}"


def markdown_table() -> str:
    """The README's table of the seed figures (tests/test_seed_figures.py checks it is up to date):
    preset, document (place, year and title), figure or 要求, value, the verbatim quote and whether an
    orgnet KPI uses the same definition (else it is a reference only, never compared)."""
    lines = ["| preset | document | kind | figure | quote | orgnet KPI |", "|---|---|---|---|---|---|"]
    for f in sorted(seed_figures().values(), key=lambda f: (f.preset or "", f.doc)):
        kind = "要求 requirement" if f.kind == "requirement" else "数据 figure"
        same = f"`{f.kpi}`, same definition" if f.compare == "same" and f.kpi else "reference only"
        lines.append(f"| {f.preset or '—'} | {f.source.full} | {kind} | {_shown(f)} | {f.quote} | {same} |")
    return "\n".join(lines) + "\n"


__all__ = ["SeedDocument", "SeedFigure", "cite", "document_name", "seed_documents", "seed_figures", "figure_for_kpi", "markdown_table",
           "SEED_FILE", "KINDS"]
