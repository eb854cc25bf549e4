/* orgnet map page: draws window.ORGNET_DATA with vis-network; PNG export in the browser. */
(function () {
  "use strict";
  var D = window.ORGNET_DATA;
  var container = document.getElementById("mynetwork");
  var nodes = new vis.DataSet(D.nodes);
  var edges = new vis.DataSet(D.edges);
  var network = new vis.Network(container, { nodes: nodes, edges: edges }, D.options);
  window.orgnetNetwork = network;
  network.once("afterDrawing", function () {
    document.body.setAttribute("data-drawn", String(D.nodes.length));
  });
  /* label font sizes: the smallest of ordinary nodes, and of hubs (bold community labels) */
  var fonts = { unit: 0, hub: 0 };
  D.nodes.forEach(function (n) {
    var f = n.font && n.font.size, k = (n.font && n.font.multi === "html") ? "hub" : "unit";
    if (f && !n.on_summary && (!fonts[k] || f < fonts[k])) { fonts[k] = f; }
  });
  window.orgnetLabelPx = function () {
    var s = network.getScale();
    return { scale: s, unit: s * (fonts.unit || fonts.hub), hub: s * (fonts.hub || fonts.unit) };
  };

  /* The box (canvas units) around every node and its label. */
  function bounds() {
    var ids = nodes.getIds(), b = { l: Infinity, r: -Infinity, t: Infinity, b: -Infinity }, i, bb;
    for (i = 0; i < ids.length; i++) {
      bb = network.getBoundingBox(ids[i]);
      b.l = Math.min(b.l, bb.left); b.r = Math.max(b.r, bb.right);
      b.t = Math.min(b.t, bb.top); b.b = Math.max(b.b, bb.bottom);
    }
    return b;
  }

  /* Fit the whole map (room on the right for a side legend), but never so small that labels
     drop under meta.minLabelPx on screen: then keep that scale, centred on the focus node.
     In meeting mode the fit may zoom in (up to 1.6×): a small map is shown large. */
  function fit() {
    document.body.removeAttribute("data-clamped");
    network.fit({ animation: false });
    var lg = document.querySelector(".on-legend:not(.on-legend-strip)");
    var W = container.clientWidth, H = container.clientHeight;
    if (!W || !H) { return; }
    var room = lg ? lg.offsetWidth + 24 : 0;
    if (room > W * 0.45) { room = 0; }
    var s = network.getScale(), c = network.getViewPosition();
    /* room for the toolbar above the drawing (in meeting mode it sits in the title bar) */
    var head = D.meta.meeting ? 8 : 50;
    var k = Math.min((W - room - 20) / W, (H - head) / H);
    var ns = s * k, pos = { x: c.x + (room / 2) / (s * k), y: c.y - (D.meta.meeting ? 0 : 10) / (s * k) };
    var bx = D.meta.meeting && nodes.length ? bounds() : null;
    if (bx && bx.r > bx.l && bx.b > bx.t) {
      ns = Math.min((W - 20) / (bx.r - bx.l), (H - head) / (bx.b - bx.t), 1.6);
      pos = { x: (bx.l + bx.r) / 2, y: (bx.t + bx.b) / 2 };
    }
    var need = D.meta.minLabelPx && fonts.unit ? D.meta.minLabelPx / fonts.unit : 0;
    if (D.meta.minHubPx && fonts.hub) { need = Math.max(need, D.meta.minHubPx / fonts.hub); }
    if (ns < need) {
      ns = need;
      var whole = nodes.length ? bounds() : null;
      if (whole && (whole.r - whole.l) * need <= W - 10 && (whole.b - whole.t) * need <= H - 10) {
        /* only the margins kept it from fitting: the whole drawing, centred */
        pos = { x: (whole.l + whole.r) / 2, y: (whole.t + whole.b) / 2 };
      } else if (D.meta.focus && nodes.get(D.meta.focus)) { pos = network.getPositions([D.meta.focus])[D.meta.focus]; }
      else {  /* no focus (org tree, linkage): start at the top, where the roots and hubs are */
        var all = network.getPositions(), id, first = Infinity;
        for (id in all) { if (all[id].y < first) { first = all[id].y; } }
        if (first < Infinity) { pos = { x: c.x, y: first - 60 / ns + (H / 2) / ns }; }
      }
      document.body.setAttribute("data-clamped", "1");
    }
    network.moveTo({ position: pos, scale: ns, animation: false });
  }

  /* Meeting mode (meta.widen): a drawing narrower than the canvas is spread sideways until it
     takes about 92% of the width (nodes move apart; boxes and labels keep their size). */
  function widen() {
    var ids = nodes.getIds(), W = container.clientWidth, s = network.getScale();
    if (ids.length < 2 || !W || document.body.getAttribute("data-clamped")) { return false; }
    var bx = bounds(), l = bx.l, r = bx.r, pl = Infinity, pr = -Infinity, all = network.getPositions(), i;
    for (i = 0; i < ids.length; i++) { pl = Math.min(pl, all[ids[i]].x); pr = Math.max(pr, all[ids[i]].x); }
    var target = 0.92 * W / s, spread = pr - pl;
    if ((r - l) * s >= 0.88 * W || spread <= 0) { return false; }
    var f = Math.min(4, (target - ((r - l) - spread)) / spread), cx = (pl + pr) / 2;
    if (f <= 1.01) { return false; }
    nodes.update(ids.map(function (id) { return { id: id, x: cx + (all[id].x - cx) * f }; }));
    return true;
  }
  fit();
  if (D.meta.widen && widen()) { network.redraw(); fit(); }
  /* a map as tall as the window (a standalone file, the explorer) fits again when the window
     changes size */
  var resized = null, lastW = container.clientWidth, lastH = container.clientHeight;
  window.addEventListener("resize", function () {
    clearTimeout(resized);
    resized = setTimeout(function () {
      if (container.clientWidth === lastW && container.clientHeight === lastH) { return; }
      lastW = container.clientWidth; lastH = container.clientHeight;
      network.setSize("100%", "100%"); network.redraw(); fit();
    }, 120);
  });

  /* clicks go to the page around the map (the app's two-way component), if there is one */
  function post(event, id) {
    if (window.parent === window) { return; }
    window.parent.postMessage({ orgnetMap: true, event: event, id: id, t: Date.now() }, "*");
  }
  network.on("click", function (p) {
    if (!p.nodes.length) { return; }
    var n = nodes.get(p.nodes[0]);
    if (n && n.on_joint) { return; }  /* a bend of the lines beside a column: not a node */
    post(n && n.on_group ? "open" : "select", p.nodes[0]);
  });
  network.on("doubleClick", function (p) {
    if (!p.nodes.length) { return; }
    var n = nodes.get(p.nodes[0]);
    if (n && !n.on_summary && !n.on_joint) { post("expand", p.nodes[0]); }
  });

  function shapePath(ctx, shape, x, y, r) {
    var i, a, k;
    ctx.beginPath();
    if (shape === "square") { ctx.rect(x - r, y - r, 2 * r, 2 * r); }
    else if (shape === "diamond") { ctx.moveTo(x, y - r); ctx.lineTo(x + r, y); ctx.lineTo(x, y + r); ctx.lineTo(x - r, y); ctx.closePath(); }
    else if (shape === "triangle") { ctx.moveTo(x, y - r); ctx.lineTo(x + r, y + r * 0.8); ctx.lineTo(x - r, y + r * 0.8); ctx.closePath(); }
    else if (shape === "triangleDown") { ctx.moveTo(x - r, y - r * 0.8); ctx.lineTo(x + r, y - r * 0.8); ctx.lineTo(x, y + r); ctx.closePath(); }
    else if (shape === "hexagon") { for (i = 0; i < 6; i++) { a = Math.PI / 3 * i; ctx[i ? "lineTo" : "moveTo"](x + r * Math.cos(a), y + r * Math.sin(a)); } ctx.closePath(); }
    else if (shape === "star") { for (i = 0; i < 10; i++) { a = -Math.PI / 2 + Math.PI / 5 * i; k = i % 2 ? r * 0.45 : r; ctx[i ? "lineTo" : "moveTo"](x + k * Math.cos(a), y + k * Math.sin(a)); } ctx.closePath(); }
    else { ctx.arc(x, y, r, 0, 2 * Math.PI); }
  }

  /* The map as a PNG data URL: white background, title and date on top, legend below. */
  function composePng() {
    var src = container.querySelector("canvas");
    if (!src) { return null; }
    var ratio = src.width / Math.max(1, src.clientWidth);
    var W = src.width, pad = Math.round(16 * ratio), font = D.meta.font;
    var meet = D.meta.meeting ? 1.3 : 1.0;
    var titleH = D.meta.title ? Math.round(30 * ratio * meet) : 0;
    var subH = D.meta.subtitle ? Math.round(22 * ratio * meet) : 0;
    var headH = (titleH || subH) ? pad + titleH + subH + pad / 2 : 0;
    var fs = Math.round(14 * ratio * meet), sw = Math.round(22 * ratio * meet), rowH = Math.round(26 * ratio * meet);
    var probe = document.createElement("canvas").getContext("2d");
    probe.font = fs + "px " + font;
    var items = [], x = pad, rows = D.legend.length ? 1 : 0, i, e, w;
    var lt = D.meta.legendTitle + "：";
    probe.font = "bold " + fs + "px " + font;
    x += probe.measureText(lt).width + pad / 2;
    probe.font = fs + "px " + font;
    for (i = 0; i < D.legend.length; i++) {
      e = D.legend[i];
      w = (e.shape === "line" ? sw * 1.6 : sw) + 6 * ratio + probe.measureText(e.label).width + pad;
      if (x + w > W - pad && x > pad * 2) { rows++; x = pad; }
      items.push({ e: e, x: x, row: rows - 1 });
      x += w;
    }
    var legendH = rows ? rows * rowH + pad : 0;
    var out = document.createElement("canvas");
    var notes = D.meta.notes || [], noteH = notes.length ? notes.length * rowH + pad / 2 : 0;
    out.width = W; out.height = headH + src.height + noteH + legendH + (legendH ? pad / 2 : 0);
    var ctx = out.getContext("2d");
    ctx.fillStyle = "#ffffff"; ctx.fillRect(0, 0, out.width, out.height);
    ctx.textBaseline = "middle";
    if (titleH) {
      ctx.fillStyle = "#263238"; ctx.font = "bold " + Math.round(24 * ratio * meet) + "px " + font;
      ctx.fillText(D.meta.title, pad, pad + titleH / 2);
    }
    if (subH) {
      ctx.fillStyle = "#546E7A"; ctx.font = Math.round(15 * ratio * meet) + "px " + font;
      ctx.fillText(D.meta.subtitle, pad, pad + titleH + subH / 2);
    }
    if (headH) { ctx.fillStyle = "#B71C1C"; ctx.fillRect(0, headH - 3 * ratio, W, 3 * ratio); }
    ctx.drawImage(src, 0, headH);
    /* what the map leaves out (e.g. weak ties not drawn) travels with the picture */
    ctx.fillStyle = "#6D4C41"; ctx.font = fs + "px " + font;
    for (i = 0; i < notes.length; i++) { ctx.fillText(notes[i], pad, headH + src.height + pad / 2 + i * rowH + rowH / 2); }
    if (rows) {
      var top = headH + src.height + noteH + pad / 2;
      ctx.strokeStyle = "#CFD8DC"; ctx.lineWidth = ratio; ctx.beginPath(); ctx.moveTo(0, top); ctx.lineTo(W, top); ctx.stroke();
      ctx.fillStyle = "#263238"; ctx.font = "bold " + fs + "px " + font;
      ctx.fillText(lt, pad, top + pad / 2 + rowH / 2);
      ctx.font = fs + "px " + font;
      for (i = 0; i < items.length; i++) {
        var it = items[i], cy = top + pad / 2 + it.row * rowH + rowH / 2, r = sw / 2 - ratio;
        e = it.e;
        ctx.save();
        ctx.setLineDash(e.dashed ? [5 * ratio, 3 * ratio] : []);
        if (e.shape === "line") {
          ctx.strokeStyle = e.color; ctx.lineWidth = Math.max(1, Math.min(e.width, 8)) * ratio;
          ctx.beginPath(); ctx.moveTo(it.x, cy); ctx.lineTo(it.x + sw * 1.6, cy); ctx.stroke();
        } else {
          shapePath(ctx, e.shape, it.x + sw / 2, cy, r * 0.8);
          ctx.fillStyle = e.color; ctx.fill();
          ctx.strokeStyle = e.border; ctx.lineWidth = (e.type === "uncovered" ? 2.5 : 1.5) * ratio; ctx.stroke();
        }
        ctx.restore();
        ctx.fillStyle = "#263238";
        ctx.fillText(e.label, it.x + (e.shape === "line" ? sw * 1.6 : sw) + 6 * ratio, cy);
      }
    }
    return out.toDataURL("image/png");
  }
  window.orgnetPng = composePng;

  function download() {
    var url = composePng();
    if (!url) { return; }
    var a = document.createElement("a");
    a.href = url; a.download = D.meta.filename;
    document.body.appendChild(a); a.click(); document.body.removeChild(a);
  }
  var b = document.getElementById("on-png"); if (b) { b.addEventListener("click", download); }
  var f = document.getElementById("on-fit"); if (f) { f.addEventListener("click", fit); }
})();
