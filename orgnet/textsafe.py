"""Show user-supplied text (names from ledgers) as text, never as markup.

Streamlit renders Markdown in titles, captions, breadcrumbs and ``st.markdown``; a
community named ``…![b](http://host/beacon.png)`` would load an image from that host,
``[点这里](http://…)`` would become a link, ``**x**`` bold, ``$x$`` LaTeX and
``:red[x]`` coloured text. :func:`escape_markdown` backslash-escapes every ASCII
punctuation character CommonMark and Streamlit treat as markup, escapes ``<`` / ``>`` /
``&`` as entities (no raw HTML), and folds line breaks into spaces (no headings or lists
started mid-name).

>>> escape_markdown("望平社区![b](http://h/p.png)")
'望平社区\\\\!\\\\[b\\\\]\\\\(http\\\\://h/p\\\\.png\\\\)'
>>> escape_markdown("# 一\\n* 二")
'\\\\# 一 \\\\* 二'
"""

from __future__ import annotations

import re
from typing import Any

__all__ = ["escape_markdown", "MARKDOWN_SPECIALS"]

#: characters that may start or form Markdown / Streamlit markup (all escaped with ``\``)
MARKDOWN_SPECIALS = "\\`*_{}[]()#+-.!|~$:=\"'^"
_SPECIAL = re.compile("([" + re.escape(MARKDOWN_SPECIALS) + "])")
_BREAKS = re.compile(r"[\r\n\u2028\u2029\x0b\x0c]+")


def escape_markdown(text: Any) -> str:
    """``text`` (any value; None → "") made safe to embed in Markdown: shown literally."""
    if text is None:
        return ""
    s = _BREAKS.sub(" ", str(text))
    s = s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _SPECIAL.sub(r"\\\1", s)
