"""What a meeting-room map looks like on screen, read in the map document (``MEASURE_JS``).

Run with ``frame.evaluate(MEASURE_JS)`` in the map's frame once it is drawn. Returns the label
sizes on screen (font size × zoom; ordinary and hub labels), the share of the canvas width the
drawing takes, the labels that are cut (an ellipsis), the nodes whose box (node and label) leaves
the canvas or touches the legend, and, for tree maps, the edges that run through another node's
label.
"""

MEASURE_JS = r"""() => {
  const net = window.orgnetNetwork, px = window.orgnetLabelPx();
  const el = document.querySelector('#mynetwork'), cv = el.getBoundingClientRect();
  const lg = document.querySelector('.on-legend');
  const lr = lg ? lg.getBoundingClientRect() : null;
  const ids = net.body.data.nodes.getIds();
  const boxes = {};
  let left = Infinity, right = -Infinity;
  const outside = [], underLegend = [], cut = [];
  for (const id of ids) {
    const b = net.getBoundingBox(id);
    const a = net.canvasToDOM({x: b.left, y: b.top}), z = net.canvasToDOM({x: b.right, y: b.bottom});
    const box = {l: cv.x + a.x, t: cv.y + a.y, r: cv.x + z.x, b: cv.y + z.y};
    boxes[id] = box;
    left = Math.min(left, box.l); right = Math.max(right, box.r);
    if (box.l < cv.left - 0.5 || box.r > cv.right + 0.5 || box.t < cv.top - 0.5 || box.b > cv.bottom + 0.5) {
      outside.push(id);
    }
    if (lr && box.l < lr.right && box.r > lr.left && box.t < lr.bottom && box.b > lr.top) { underLegend.push(id); }
    const label = String(net.body.data.nodes.get(id).label || '');
    if (label.includes('…') || label.includes('...')) { cut.push(label); }
  }
  // tree edges: sampled along vis's own curve; a crossing is an edge point inside a label box of
  // a node that is not one of its ends (the label part: below the node's shape)
  const through = [];
  const labelBox = (id) => {
    const n = net.body.nodes[id];
    const lb = n.labelModule && n.labelModule.size;
    if (!lb || !lb.width) { return null; }
    return {l: lb.left, t: lb.top, r: lb.left + lb.width, b: lb.top + lb.height};
  };
  const lbs = {};
  for (const id of ids) { lbs[id] = labelBox(id); }
  for (const eid of net.body.data.edges.getIds()) {
    const e = net.body.edges[eid];
    if (!e || !e.edgeType) { continue; }
    for (let k = 1; k < 40; k++) {
      const p = e.edgeType.getPoint(k / 40);
      let hit = null;
      for (const id of ids) {
        if (id === e.fromId || id === e.toId) { continue; }
        const q = lbs[id];
        if (q && p.x > q.l + 1 && p.x < q.r - 1 && p.y > q.t + 1 && p.y < q.b - 1) { hit = id; break; }
      }
      if (hit !== null) { through.push([e.fromId, e.toId, hit]); break; }
    }
  }
  const visibleW = Math.min(right, cv.right) - Math.max(left, cv.left);
  return {unit: px.unit, hub: px.hub, scale: px.scale, canvas: {x: cv.x, y: cv.y, w: cv.width, h: cv.height},
          legend: lr ? {x: lr.x, y: lr.y, w: lr.width, h: lr.height} : null,
          fill: visibleW / cv.width, nodes: ids.length, outside, underLegend, cut, through,
          clamped: document.body.getAttribute('data-clamped') === '1', boxes};
}"""
