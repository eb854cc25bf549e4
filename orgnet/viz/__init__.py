"""Network maps: one style per kind, offline pyvis/vis-network HTML, legend, meeting mode.

Independent of the database: every function takes plain rows (list of dicts or a
DataFrame). See ``orgnet.viz.maps`` for the input schemas.
"""

from orgnet.viz.maps import (
    build_network,
    legend_entries,
    legend_html,
    linkage_map_html,
    linkage_nodes_edges,
    network_html,
    org_tree_html,
    prepare,
    standalone_html,
    write_html,
)
from orgnet.viz.offline import external_refs
from orgnet.viz.style import (
    BANDS,
    FONT_STACK,
    band_for_score,
    edge_style,
    kind_name,
    node_kind,
    node_style,
    resolve_kind,
)

__all__ = [
    "BANDS", "FONT_STACK", "band_for_score", "build_network", "edge_style", "external_refs",
    "kind_name", "legend_entries", "legend_html", "linkage_map_html", "linkage_nodes_edges",
    "network_html", "node_kind", "node_style", "org_tree_html", "prepare", "resolve_kind",
    "standalone_html", "write_html",
]
