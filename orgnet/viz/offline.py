"""Offline assets: vis-network's JavaScript and CSS, inlined into every map page.

pyvis ships vis-network 9.1.2 in its package (``pyvis/templates/lib/vis-9.1.2``); even in
``cdn_resources="in_line"`` mode its template still links bootstrap from a CDN, so orgnet
renders its own page and inlines only these two files. Nothing is fetched at run time.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from orgnet.errors import ConfigError

VIS_VERSION = "9.1.2"

# src=/href=/url() pointing outside the page (what a browser would fetch)
EXTERNAL_REF = re.compile(
    r"""(?:\b(?:src|href|action|poster|data)\s*=\s*["']?\s*(?:https?:)?//)"""
    r"""|(?:url\(\s*["']?\s*(?:https?:)?//)"""
    r"""|(?:@import\s+(?:url\()?\s*["']?\s*(?:https?:)?//)""",
    re.IGNORECASE,
)


def vis_dir() -> Path:
    import pyvis

    d = Path(pyvis.__file__).parent / "templates" / "lib" / f"vis-{VIS_VERSION}"
    if not (d / "vis-network.min.js").is_file():
        raise ConfigError(f"vis-network {VIS_VERSION} not found in {d}: reinstall pyvis "
                          "(`pip install 'pyvis>=0.3.2'`)")
    return d


@lru_cache(maxsize=1)
def vis_js() -> str:
    js = (vis_dir() / "vis-network.min.js").read_text("utf-8")
    # never let the inlined script end the <script> element early
    return js.replace("</script", "<\\/script").replace("<!--", "<\\!--")


@lru_cache(maxsize=1)
def vis_css() -> str:
    css = (vis_dir() / "vis-network.css").read_text("utf-8")
    return css.replace("</style", "<\\/style")


def external_refs(html_text: str) -> list[str]:
    """Every place in ``html_text`` that would make a browser fetch from another host."""
    return [m.group(0) for m in EXTERNAL_REF.finditer(html_text)]
