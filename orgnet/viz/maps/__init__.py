"""Network maps as self-contained, offline HTML (pyvis / vis-network).

Inputs are plain rows (list of dicts or a pandas DataFrame); no database code here.

Node row::

    id        str | int   required, unique
    label     str         shown under the node (default: id); long labels are wrapped
    kind      str         style kind (see orgnet.viz.style: "Community", "grid_branch",
                          "Unit", "private_enterprise", "Member", …)
    title     dict | str  tooltip: {"类型": "...", "党员": 12} → one "key：value" line each
    parent    str         id this node is aggregated under when the map is too big
                          (a unit's community; a tree node's parent — required for trees)
    group     str         ordering group (e.g. the street of a community in a linkage map)
    uncovered bool        territory no organization covers → drawn red
    hub       bool        bipartite layout: force this node to be (or not be) a hub;
                          default hubs = areas and street/community committees
    weight    float       importance when over ``max_nodes`` (default: strongest tie score)

Edge row::

    source, target  ids   required (edges to unknown nodes are dropped)
    band      str         "strong" | "medium" | "weak" | "none" → width + colour (a linkage
                          map never draws a "potential" pair: it is no tie)
    score     float       linkage score 0–100 (band derived from it when band is missing)
    label     str         optional text on the edge
    title     dict | str  tooltip

Every string goes into the page through ``json.dumps`` (with ``<``, ``>``, ``&`` escaped)
or ``html.escape``; tooltips are plain text (vis-network sets them with ``innerText``).
The HTML inlines vis-network and requests nothing from anywhe

The package, one module per step: ``normalise`` (rows into records), ``cap`` (the node cap),
``labels`` (wrapping, sizes), ``layout`` (force, radial, bipartite), ``tree`` (the tidy tree),
``vis`` (vis-network nodes, edges, options), ``legend``, ``page`` (``prepare`` and the HTML),
``wrappers`` (the org tree and the linkage map).
"""

from orgnet.viz.maps.legend import legend_entries, legend_html
from orgnet.viz.maps.page import (DESK_LABEL_PX, MEETING_CANVAS, MEETING_HUB_PX, MEETING_LABEL_PX, build_network,
                                  drawing_extent, fits_canvas, network_html, prepare, standalone_html, write_html)
from orgnet.viz.maps.wrappers import linkage_map_html, linkage_nodes_edges, org_tree_html

__all__ = [
    "network_html", "org_tree_html", "linkage_map_html", "standalone_html",
    "build_network", "legend_entries", "legend_html", "prepare",
    "linkage_nodes_edges", "write_html", "DESK_LABEL_PX", "MEETING_LABEL_PX", "MEETING_HUB_PX",
    "MEETING_CANVAS", "drawing_extent", "fits_canvas",
]
