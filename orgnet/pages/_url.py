"""A page's filters in the URL: restored from it on a reload or a shared link, written back on
every change, so that a link shows the same rows (the app keeps ``graph``, ``date`` and
``meeting`` there itself)."""

from __future__ import annotations

from collections.abc import Collection, Mapping

import streamlit as st


def restore(key: str, param: str, allowed: Collection[str], *, many: bool = False) -> None:
    """Give the widget ``key`` the URL's ``param`` before it is drawn, once per session (a value
    the user has since chosen wins). Values not in ``allowed`` are dropped: a stale link shows
    everything rather than failing."""
    if key in st.session_state:
        return
    raw = st.query_params.get(param) or ""
    values = [v for v in raw.split(",") if v in allowed] if many else ([raw] if raw in allowed else [])
    if values:
        st.session_state[key] = values if many else values[0]


def keep(params: Mapping[str, str | list[str] | None]) -> None:
    """Write the page's current filters into the URL (an empty one is removed)."""
    for param, value in params.items():
        text = ",".join(value) if isinstance(value, list) else (value or "")
        if text and st.query_params.get(param) != text:
            st.query_params[param] = text
        elif not text and param in st.query_params:
            del st.query_params[param]


__all__ = ["keep", "restore"]
