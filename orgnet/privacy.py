"""Personal data, decided in one place: protected by default.

An extra column (one the model does not know, kept in a row's ``_extra``) is *personal*
when its header names an identity number, a phone, an address, a bank card or an e-mail
(Chinese or English), or when its non-empty values look like them: at least
:data:`SENSITIVE_SHARE` (20%) identity numbers (18-digit with a valid ISO 7064 MOD 11-2 check
digit, or the old 15-digit form), mobile or landline numbers or bank card numbers (passing
the Luhn check), or more than half of them those, e-mail addresses or street addresses
(a road, lane or village with a house number; building, unit and room numbers). The reader withholds
personal columns (they never reach the graph, the app, exports or logs) unless an
administrator allows them by header with ``ORGNET_ALLOW_PERSONAL_COLUMNS`` (see
:func:`orgnet.settings.allowed_personal_columns`).

Pure functions, no Streamlit, no I/O.

>>> personal_columns(["身份证号", "备注", "col7"],
...                  [{"col7": "13812345678"}, {"col7": "13987654321", "备注": "好"}])
{'身份证号': ('id_number', 'header'), 'col7': ('phone', 'values')}
>>> mask_name("王小明")
'王*明'
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

__all__ = ["KINDS", "classify_header", "classify_value", "classify_values", "personal_columns",
           "reason_text", "id_check_digit", "is_prc_id", "luhn_ok", "mask_name", "scrub_text",
           "WITHHELD_VALUE", "SENSITIVE", "SENSITIVE_SHARE"]

#: what a withheld value is replaced with where a message would have shown it
WITHHELD_VALUE = "（已隐藏 withheld）"

#: kind → (中文, English) as reports name it
KINDS: dict[str, tuple[str, str]] = {
    "id_number": ("身份证件号码", "identity number"),
    "phone": ("电话号码", "phone number"),
    "address": ("住址", "address"),
    "bank_card": ("银行卡号", "bank card number"),
    "email": ("电子邮箱", "e-mail address"),
}

# -- headers ----------------------------------------------------------------

#: Chinese header fragments (a header containing one is personal), by kind
_ZH_HEADERS: dict[str, tuple[str, ...]] = {
    "id_number": ("身份证", "证件号", "公民身份号码", "身份号码", "护照号"),
    "phone": ("手机", "电话", "联系方式", "联系号码", "座机", "传真"),
    "address": ("住址", "地址", "户籍", "户口", "居住", "居所", "住所", "住处", "寓所", "现居",
                "家住", "通讯地", "通信地", "门牌", "房号", "楼号", "住宅"),
    "bank_card": ("银行卡", "银行账号", "银行帐号", "卡号", "开户行账号"),
    "email": ("邮箱", "电子邮件", "电邮"),
}

#: English header words (after splitting on non-letters and camelCase), by kind; a tuple is a
#: sequence of words that must appear in a row ("id", "number")
_EN_HEADERS: dict[str, tuple[tuple[str, ...], ...]] = {
    "id_number": (("idcard",), ("idnumber",), ("idno",), ("id", "card"), ("id", "number"),
                  ("id", "no"), ("id", "num"), ("identity",), ("ssn",), ("passport",),
                  ("sfz",), ("sfzh",)),
    "phone": (("phone",), ("mobile",), ("tel",), ("telephone",), ("cellphone",), ("cell",),
              ("fax",), ("phonenumber",), ("mobilephone",), ("sjh",)),
    "address": (("address",), ("addr",), ("residence",), ("residential",), ("domicile",),
                ("home",), ("dwelling",), ("lives", "at"), ("street", "address"), ("zhuzhi",),
                ("dizhi",)),
    "bank_card": (("bank", "card"), ("bankcard",), ("bank", "account"), ("iban",),
                  ("card", "number"), ("card", "no")),
    "email": (("email",), ("mail",), ("e", "mail")),
}


def _words(header: str) -> list[str]:
    text = re.sub(r"([a-z])([A-Z])", r"\1 \2", header)
    return [w for w in re.split(r"[^a-z0-9]+", text.lower()) if w]


def _has_run(words: list[str], run: tuple[str, ...]) -> bool:
    n = len(run)
    return any(tuple(words[i:i + n]) == run for i in range(len(words) - n + 1))


def classify_header(header: Any) -> str | None:
    """The kind of personal data a header names, or None.

    >>> [classify_header(h) for h in ("身份证号", "联系电话", "家庭住址", "ID card", "id_number",
    ...                               "mobileNo", "Home Address", "E-mail", "备注", "title", "hotel")]
    ['id_number', 'phone', 'address', 'id_number', 'id_number', 'phone', 'address', 'email', None, None, None]
    """
    text = unicodedata.normalize("NFKC", str(header or "")).strip()
    squeezed = re.sub(r"\s+", "", text)
    for kind, fragments in _ZH_HEADERS.items():
        if any(f in squeezed for f in fragments):
            return kind
    words = _words(text)
    for kind, runs in _EN_HEADERS.items():
        if any(_has_run(words, run) for run in runs):
            return kind
    return None


# -- values -----------------------------------------------------------------

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_ID_RE = re.compile(r"[1-9]\d{5}(18|19|20)\d{2}(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])\d{3}[\dX]")
_MOBILE_RE = re.compile(r"(?:\+?86)?1[3-9]\d{9}")
#: a landline with its area code (a bare 7-8 digit number may be anything: a date, a room)
_LANDLINE_RE = re.compile(r"(?:\+?86)?0[1-9]\d{1,2}[2-9]\d{6,7}(?:(?:转|ext\.?|x)\d{1,6})?")
_EMAIL_RE = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
_CARD_RE = re.compile(r"\d{16,19}")
#: the province codes a PRC identity number starts with (GB/T 2260; 71 台湾, 81 香港, 82 澳门)
_PROVINCES = frozenset("11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 52 53 "
                       "54 61 62 63 64 65 71 81 82".split())
#: the old (1984–2004) 15-digit identity number: area, YYMMDD birth date, sequence, no check digit
_OLD_ID_RE = re.compile(r"[1-8]\d{5}\d{2}(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])\d{3}")
#: a street address: a road, lane or village with its house number, or building / unit / room
#: numbers (``望平街1号``, ``香香巷2号3单元``, ``5栋2单元``, ``3号楼502室``); an organisation's
#: name (``成华区望平街道党工委``) has no number and is not one
_ADDRESS_RE = re.compile(r"(?:路|街|巷|弄|胡同|道|里|村|组|小区|花园|苑)\d+(?:[-－]\d+)*(?:号|弄|栋|幢|院)"
                         r"|\d+(?:栋|幢|号楼|座)\d+(?:单元|室|号|楼|层)?"
                         r"|\d+单元\d+(?:室|号)?"
                         r"|\d{3,4}(?:室|房)")


def id_check_digit(first17: str) -> str:
    """The ISO 7064 MOD 11-2 check character of a PRC identity number's first 17 digits.

    >>> id_check_digit("11010519491231002")
    'X'
    >>> id_check_digit("44052418800101001")
    '4'
    """
    if len(first17) != 17 or not first17.isdigit():
        raise ValueError(f"expected 17 digits, got {first17!r}")
    return _ID_CHECK[sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS)) % 11]


def is_prc_id(value: str) -> bool:
    """A PRC identity number: 18 characters with a plausible birth date and a valid check
    digit, or the old 15 digits (a province code, a plausible YYMMDD birth date).

    >>> is_prc_id("11010519491231002X"), is_prc_id("110105194912310021"), is_prc_id("12345")
    (True, False, False)
    >>> is_prc_id("110105491231002"), is_prc_id("990105491231002"), is_prc_id("110105491331002")
    (True, False, False)
    """
    text = value.strip().upper()
    if len(text) == 15:
        return bool(_OLD_ID_RE.fullmatch(text)) and text[:2] in _PROVINCES
    return (bool(_ID_RE.fullmatch(text)) and text[:2] in _PROVINCES
            and id_check_digit(text[:17]) == text[17])


def luhn_ok(digits: str) -> bool:
    """The Luhn checksum of a card number holds.

    >>> luhn_ok("6222020200000000006"), luhn_ok("6222020200000000007")
    (True, False)
    """
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def _compact(value: str) -> str:
    """Digits with their usual separators (spaces, dashes, brackets) removed."""
    return re.sub(r"[\s\-()（）]", "", value)


def classify_value(value: Any) -> str | None:
    """The kind of personal data one cell looks like, or None.

    >>> [classify_value(v) for v in ("11010519491231002X", "138 1234 5678", "+86 139-8765-4321",
    ...                              "010-62345678", "(0755)8888 6666", "a.b@example.cn",
    ...                              "6222020200000000006", "1001", "2023-05-01", "张三", "",
    ...                              "2023.05.01", "23-3-1203", "8888-6666", "110105491231002")]
    ['id_number', 'phone', 'phone', 'phone', 'phone', 'email', 'bank_card', None, None, None, None, None, None, None, 'id_number']
    >>> [classify_value(v) for v in ("成都市成华区望平街1号", "香香巷2号3单元", "5栋2单元501室",
    ...                              "成华区望平街道党工委", "第3号文件", "2023年")]
    ['address', 'address', 'address', None, None, None]
    """
    text = unicodedata.normalize("NFKC", str(value or "")).strip()
    if not text or len(text) > 254:
        return None
    if _EMAIL_RE.fullmatch(text):
        return "email"
    compact = _compact(text)
    if is_prc_id(compact):
        return "id_number"
    if _MOBILE_RE.fullmatch(compact):
        return "phone"
    if _CARD_RE.fullmatch(compact) and luhn_ok(compact):
        return "bank_card"
    if _LANDLINE_RE.fullmatch(compact):
        return "phone"
    if _ADDRESS_RE.search(re.sub(r"\s+", "", text)):
        return "address"
    return None


#: at most this many non-empty values of a column are looked at (spread over the column)
SAMPLE = 20_000
#: the kinds a column is withheld for when only :data:`SENSITIVE_SHARE` of its values are them
SENSITIVE = ("id_number", "phone", "bank_card")
#: a column is withheld when at least this share of its non-empty values are :data:`SENSITIVE`
SENSITIVE_SHARE = 0.2


def classify_values(values: Iterable[Any]) -> str | None:
    """The kind of personal data a column holds, else None: when at least
    :data:`SENSITIVE_SHARE` of its non-empty values are identity, phone or card numbers
    (the most frequent of them), or when over half are personal data of any kind.

    >>> classify_values(["13812345678", "13987654321", "", None, "无"])
    'phone'
    >>> classify_values(["13812345678", "无", "不详"])
    'phone'
    >>> classify_values(["13812345678", "无", "不详", "好", "是"]), classify_values(["a@b.cn", "无", "否"])
    ('phone', None)
    >>> classify_values(["13812345678", "无", "不详", "好", "是", "否"]) is None
    True
    """
    cells = [v for v in values if v is not None and str(v).strip()]
    if not cells:
        return None
    if len(cells) > SAMPLE:
        step = len(cells) / SAMPLE
        cells = [cells[int(i * step)] for i in range(SAMPLE)]
    kinds = Counter(k for v in cells if (k := classify_value(v)) is not None)
    sensitive = Counter({k: n for k, n in kinds.items() if k in SENSITIVE})
    if sum(sensitive.values()) >= SENSITIVE_SHARE * len(cells):
        return sensitive.most_common(1)[0][0]
    if sum(kinds.values()) * 2 > len(cells):
        return kinds.most_common(1)[0][0]
    return None


def personal_columns(headers: Sequence[str],
                     rows: Iterable[Mapping[str, Any]]) -> dict[str, tuple[str, str]]:
    """Which of ``headers`` are personal: ``{header: (kind, "header" | "values")}``.

    A header that names personal data decides at once; the others are judged by their
    values in ``rows`` (mappings from header to cell, e.g. rows' ``_extra``).

    >>> personal_columns(["住址", "x"], [{"x": "a@b.cn"}, {"x": "c@d.com"}])
    {'住址': ('address', 'header'), 'x': ('email', 'values')}
    """
    out: dict[str, tuple[str, str]] = {}
    rest = []
    for h in headers:
        kind = classify_header(h)
        if kind is not None:
            out[h] = (kind, "header")
        else:
            rest.append(h)
    if rest:
        rows = rows if isinstance(rows, list) else list(rows)
        for h in rest:
            kind = classify_values(r.get(h) for r in rows)
            if kind is not None:
                out[h] = (kind, "values")
    return out


def reason_text(kind: str, by: str) -> str:
    """Why a column is personal, Chinese first.

    >>> reason_text("phone", "values"), reason_text("email", "values")
    ('至少 20% 的值像电话号码 / at least 20% of the values look like a phone number', '多数值像电子邮箱 / most values look like an e-mail address')
    """
    zh, en = KINDS[kind]
    article = "an" if en[0] in "aeiou" else "a"
    if by == "header":
        return f"列名表明是{zh} / the header names {article} {en}"
    if kind in SENSITIVE:
        pct = f"{SENSITIVE_SHARE:.0%}"
        return f"至少 {pct} 的值像{zh} / at least {pct} of the values look like {article} {en}"
    return f"多数值像{zh} / most values look like {article} {en}"


# -- masking ----------------------------------------------------------------


def _is_cjk(ch: str) -> bool:
    return "\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff" or ch == "·"


def mask_name(name: Any) -> str:
    """A person's name as a viewer may see it: the first and last character kept.

    Chinese names: ``王小明`` → ``王*明``, ``王明`` → ``王*``, ``欧阳小明`` → ``欧**明``, a single
    character unchanged. Other names: each word keeps its first letter (``John Smith`` →
    ``J*** S****``). Empty stays empty.

    >>> [mask_name(n) for n in ("王小明", "王明", "欧阳小明", "王", "", None, "John Smith", "A")]
    ['王*明', '王*', '欧**明', '王', '', '', 'J*** S****', 'A']
    >>> mask_name("  阿卜杜·热合曼 ")
    '阿*****曼'
    """
    text = str(name or "").strip()
    if len(text) <= 1:
        return text
    if any(_is_cjk(ch) for ch in text):
        if len(text) == 2:
            return text[0] + "*"
        return text[0] + "*" * (len(text) - 2) + text[-1]
    return " ".join(w[0] + "*" * (len(w) - 1) for w in text.split())


def _mask_match(m: re.Match[str]) -> str:
    s = m.group(0)
    if classify_value(s) is None:
        return s
    if "@" in s:
        return s[0] + "***@" + s.split("@", 1)[1]
    keep = 3 if len(s) > 8 else 1
    return s[:keep] + "*" * (len(s) - keep - 2) + s[-2:]


def scrub_text(text: str) -> str:
    """Free text with anything that looks like an identity, phone or card number or an
    e-mail address masked (for messages that quote a whole line).

    >>> scrub_text("M1,王小明,11010519491231002X,13812345678,a.b@example.cn,2023-05-01")
    'M1,王小明,110*************2X,138******78,a***@example.cn,2023-05-01'
    """
    return re.sub(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}|\+?\d[\dX]{6,}",
                  _mask_match, text)
