// The web UI of `sluice run --http`: polls api/pipeline and api/history every second and draws
// the plan graph, charts and tables. No dependencies; every value from the server reaches the page
// as text (textContent, setAttribute), never as markup.
'use strict';

(function () {
  const POLL_MS = 1000;
  const FETCH_TIMEOUT_MS = 5000;
  const SVG_NS = 'http://www.w3.org/2000/svg';
  const MAX_DEAD_LETTERS_SHOWN = 50;
  const COLORS = { in: '#1f6feb', out: '#1a7f37', dead: '#cf222e', lag: '#9a6700', bar: '#8250df' };

  // ---- DOM helpers ----------------------------------------------------------------------------
  function append(node, children) {
    for (const child of children) {
      if (child === null || child === undefined || child === false) continue;
      node.appendChild(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }
  function setAttrs(node, attrs) {
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k === 'text') node.textContent = String(v);
      else node.setAttribute(k, String(v));
    }
    return node;
  }
  function h(tag, attrs, ...children) {
    return append(setAttrs(document.createElement(tag), attrs), children);
  }
  function s(tag, attrs, ...children) {
    return append(setAttrs(document.createElementNS(SVG_NS, tag), attrs), children);
  }
  function clear(node) {
    while (node.firstChild) node.removeChild(node.firstChild);
    return node;
  }
  function $(id) { return document.getElementById(id); }
  function setText(id, text) {
    const node = $(id);
    const value = String(text);
    if (node && node.textContent !== value) node.textContent = value;
  }

  // ---- formatting -----------------------------------------------------------------------------
  const DASH = '—';
  function isNum(v) { return typeof v === 'number' && isFinite(v); }
  function fmtInt(v) {
    return isNum(v) ? Math.round(v).toLocaleString('en-US') : DASH;
  }
  function plainInt(v) { return isNum(v) ? String(Math.round(v)) : '0'; }
  function fmtRate(v) {
    if (!isNum(v)) return DASH;
    if (v === 0) return '0';
    if (Math.abs(v) < 10) return v.toFixed(1);
    return Math.round(v).toLocaleString('en-US');
  }
  function fmtCompact(v) {
    if (!isNum(v)) return DASH;
    const a = Math.abs(v);
    if (a >= 1e9) return (v / 1e9).toFixed(a >= 1e10 ? 0 : 1) + 'G';
    if (a >= 1e6) return (v / 1e6).toFixed(a >= 1e7 ? 0 : 1) + 'M';
    if (a >= 1e4) return (v / 1e3).toFixed(a >= 1e5 ? 0 : 1) + 'k';
    if (a >= 100 || Number.isInteger(v)) return String(Math.round(v));
    return v.toFixed(a >= 10 ? 1 : 2);
  }
  function fmtBytes(v) {
    if (!isNum(v)) return DASH;
    const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
    let i = 0;
    while (v >= 1024 && i < units.length - 1) { v /= 1024; ++i; }
    return (i === 0 ? String(v) : v.toFixed(v >= 100 ? 0 : 1)) + ' ' + units[i];
  }
  function fmtDuration(seconds) {
    if (!isNum(seconds) || seconds < 0) return DASH;
    const t = Math.floor(seconds);
    const d = Math.floor(t / 86400), hr = Math.floor((t % 86400) / 3600);
    const m = Math.floor((t % 3600) / 60), sec = t % 60;
    if (d > 0) return `${d} d ${hr} h`;
    if (hr > 0) return `${hr} h ${String(m).padStart(2, '0')} min`;
    if (m > 0) return `${m} min ${String(sec).padStart(2, '0')} s`;
    return `${sec} s`;
  }
  function fmtSeconds(v) {
    if (!isNum(v)) return DASH;
    if (v < 1) return `${(v * 1000).toFixed(v < 0.01 ? 1 : 0)} ms`;
    return `${v.toFixed(2)} s`;
  }
  function pad2(n) { return String(n).padStart(2, '0'); }
  function fmtClock(ms) {
    if (!isNum(ms) || ms <= 0) return DASH;
    const d = new Date(ms);
    return `${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())}`;
  }
  // Event times (watermarks, record timestamps) in UTC, as sluice writes TIMESTAMPs.
  function fmtEventTime(ms) {
    if (!isNum(ms)) return DASH;
    const iso = new Date(ms).toISOString();
    return iso.slice(0, 10) + ' ' + iso.slice(11, 23);
  }
  function fmtAgo(ms, now) {
    if (!isNum(ms) || ms <= 0) return 'never';
    return fmtDuration(Math.max(0, (now - ms) / 1000)) + ' ago';
  }
  // Raw bytes as readable text: control characters other than newline and tab become \xNN.
  function visible(text) {
    return String(text).replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g,
      (c) => '\\x' + c.charCodeAt(0).toString(16).padStart(2, '0'));
  }
  function sum(values) { return values.reduce((a, b) => a + (isNum(b) ? b : 0), 0); }

  // ---- the plan graph -------------------------------------------------------------------------
  // Nodes: sources, operators, sinks; edges: operator parent -> operator, sink operator -> sink
  // table, source -> dead-letter table. Laid out in layers from left to right.
  function sourceDeadLetters(src) {
    if (src.dead_letters && typeof src.dead_letters === 'object') {
      const total = sum(Object.values(src.dead_letters));
      if (total > 0) return total;
    }
    return isNum(src.dead_lettered) ? src.dead_lettered : 0;
  }

  function buildGraph(p) {
    const nodes = new Map();
    const order = [];
    function add(node) {
      if (nodes.has(node.id)) return;
      nodes.set(node.id, node);
      order.push(node);
    }
    for (const src of p.sources || []) {
      add({ id: src.id, type: 'source', data: src, title: src.table, sub: src.describe || src.topic || '' });
    }
    const sourceByTable = new Map((p.sources || []).map((src) => [src.table, src.id]));
    for (const op of p.operators || []) {
      add({ id: op.id, type: 'operator', data: op, title: op.kind || 'operator', sub: op.describe || '' });
    }
    for (const sink of p.sinks || []) {
      add({
        id: sink.id, type: sink.dead_letter_table ? 'deadletter' : 'sink', data: sink,
        title: sink.table, sub: sink.describe || '',
      });
    }
    const edges = [];
    const edgeKeys = new Set();
    function edge(from, to, kind) {
      const key = from + '\u0000' + to;
      if (!nodes.has(from) || !nodes.has(to) || edgeKeys.has(key)) return;
      edgeKeys.add(key);
      edges.push({ key, from, to, kind });
    }
    for (const op of p.operators || []) {
      let parent = op.parent;
      if (!nodes.has(parent) && sourceByTable.has(parent)) parent = sourceByTable.get(parent);
      if (parent) edge(parent, op.id, 'rows');
      if (op.sink) {
        const sinkId = 'sink:' + op.sink;
        edge(op.id, sinkId, 'rows');
      }
    }
    const deadLetterSinks = (p.sinks || []).filter((sk) => sk.dead_letter_table);
    for (const dl of deadLetterSinks) {
      let from = (p.sources || []).filter((src) => sourceDeadLetters(src) > 0);
      if (from.length === 0) from = p.sources || [];
      for (const src of from) edge(src.id, dl.id, 'dead');
    }
    return { nodes, order, edges };
  }

  // Flow counted on an edge: rows into the child operator, rows out of the writer into a sink
  // table, a source's dead letters into a dead-letter table.
  function edgeTotal(e, nodes) {
    const from = nodes.get(e.from), to = nodes.get(e.to);
    if (!from || !to) return null;
    if (e.kind === 'dead') return sourceDeadLetters(from.data);
    if (to.type === 'operator') return to.data.rows_in;
    if (from.type === 'operator') {
      const op = from.data;
      return op.kind === 'Sink' || !isNum(op.rows_out) || op.rows_out === 0 ? op.rows_in : op.rows_out;
    }
    return null;
  }

  function nodeCount(node) {
    const d = node.data;
    if (node.type === 'source') return d.read;
    if (node.type === 'operator') return d.rows_out;
    return d.rows_written;
  }
  function nodeCountLabel(node) {
    if (node.type === 'source') return ' read';
    if (node.type === 'operator') return ' rows out';
    return ' written';
  }

  const NODE_W = 210, NODE_H = 62, COL_GAP = 90, ROW_GAP = 22, PAD = 16;

  function layout(graph) {
    const { nodes, order, edges } = graph;
    const parents = new Map(order.map((n) => [n.id, []]));
    for (const e of edges) parents.get(e.to).push(e.from);
    // Layer: sources 0; an operator one right of its parent; sink tables all in the last column.
    const layer = new Map();
    function layerOf(id, depth) {
      if (layer.has(id)) return layer.get(id);
      const n = nodes.get(id);
      let l = 0;
      if (n.type === 'operator' && depth < 1000) {
        for (const parent of parents.get(id)) {
          if (nodes.get(parent).type !== 'sink') l = Math.max(l, layerOf(parent, depth + 1) + 1);
        }
      }
      layer.set(id, l);
      return l;
    }
    let last = 0;
    for (const n of order) if (!isTable(n)) last = Math.max(last, layerOf(n.id, 0));
    // Operators that write a table line up in the column before the tables, their parents
    // keeping their places (an edge may span columns).
    const writers = order.filter((n) => n.type === 'operator' && n.data.sink);
    for (const n of writers) {
      const parentLayer = Math.max(0, ...parents.get(n.id).map((p) => layer.get(p)));
      layer.set(n.id, Math.max(parentLayer + 1, last));
    }
    for (const n of order) if (isTable(n)) layer.set(n.id, last + 1);
    const columns = [];
    for (const n of order) {
      const l = layer.get(n.id);
      (columns[l] = columns[l] || []).push(n);
    }
    // Rows: each node near the middle of its parents, in a column without overlaps.
    const y = new Map();
    const index = new Map(order.map((n, i) => [n.id, i]));
    const step = NODE_H + ROW_GAP;
    for (let l = 0; l < columns.length; ++l) {
      const column = columns[l] || [];
      const want = new Map();
      for (const n of column) {
        const placed = n.type === 'deadletter' ? [] : parents.get(n.id).filter((p) => y.has(p));
        want.set(n.id, placed.length ? sum(placed.map((p) => y.get(p))) / placed.length : null);
      }
      column.sort((a, b) => {
        // Dead-letter tables go last, next to the lane their edges take along the bottom.
        const da = a.type === 'deadletter', db = b.type === 'deadletter';
        if (da !== db) return da ? 1 : -1;
        const wa = want.get(a.id), wb = want.get(b.id);
        if (wa !== null && wb !== null && wa !== wb) return wa - wb;
        return index.get(a.id) - index.get(b.id);
      });
      let next = 0;
      for (const n of column) {
        const w = want.get(n.id);
        const at = Math.max(next, w === null ? next : w);
        y.set(n.id, at);
        next = at + step;
      }
    }
    const pos = new Map();
    let height = 0, width = 0;
    for (const n of order) {
      const x = PAD + layer.get(n.id) * (NODE_W + COL_GAP);
      const top = PAD + y.get(n.id);
      pos.set(n.id, { x, y: top });
      width = Math.max(width, x + NODE_W + PAD);
      height = Math.max(height, top + NODE_H + PAD);
    }
    // One lane per dead-letter edge below every node.
    const lanes = new Map();
    for (const e of edges) if (e.kind === 'dead') lanes.set(e.key, height + lanes.size * 16);
    if (lanes.size) height += lanes.size * 16 + 10;
    return { pos, width, height, lanes };
  }

  function isTable(n) { return n.type === 'sink' || n.type === 'deadletter'; }

  function cut(text, max) {
    text = String(text || '');
    return text.length > max ? text.slice(0, max - 1) + '…' : text;
  }

  const plan = { key: null, nodes: new Map(), edges: new Map() };

  function drawPlan(graph) {
    const svgEl = $('plan');
    const key = JSON.stringify([graph.order.map((n) => [n.id, n.type]), graph.edges.map((e) => e.key)]);
    if (key === plan.key) return;
    plan.key = key;
    plan.nodes.clear();
    plan.edges.clear();
    clear(svgEl);
    const { pos, width, height, lanes } = layout(graph);
    // Shrinks to fit its section down to 60 % of its size, then scrolls.
    setAttrs(svgEl, { viewBox: `0 0 ${width} ${height}` });
    svgEl.style.maxWidth = `${width}px`;
    svgEl.style.minWidth = `${Math.round(width * 0.6)}px`;
    svgEl.appendChild(s('defs', {},
      s('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: 10, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' },
        s('path', { d: 'M 0 0 L 10 5 L 0 10 z', class: 'arrow' })),
      s('clipPath', { id: 'node-clip' }, s('rect', { width: NODE_W - 6, height: NODE_H }))));
    const edgeLayer = s('g', { class: 'edges' });
    const labelLayer = s('g', { class: 'edge-labels' });
    const nodeLayer = s('g', { class: 'nodes' });
    svgEl.appendChild(edgeLayer);
    svgEl.appendChild(nodeLayer);
    svgEl.appendChild(labelLayer);

    for (const e of graph.edges) {
      const a = pos.get(e.from), b = pos.get(e.to);
      let d, mx, my;
      if (lanes.has(e.key)) {
        // From the source's bottom down to its lane, along it, and up into the table.
        const lane = lanes.get(e.key);
        const x1 = a.x + NODE_W / 2, y1 = a.y + NODE_H, x2 = b.x, y2 = b.y + NODE_H / 2;
        d = `M ${x1} ${y1} L ${x1} ${lane - 8} Q ${x1} ${lane} ${x1 + 8} ${lane} L ${x2 - 40} ${lane} ` +
            `C ${x2 - 15} ${lane}, ${x2 - 25} ${y2}, ${x2} ${y2}`;
        mx = (x1 + x2 - 40) / 2;
        my = lane;
      } else {
        const x1 = a.x + NODE_W, y1 = a.y + NODE_H / 2, x2 = b.x, y2 = b.y + NODE_H / 2;
        const dx = Math.max(30, Math.min(90, (x2 - x1) / 2));
        d = `M ${x1} ${y1} C ${x1 + dx} ${y1}, ${x2 - dx} ${y2}, ${x2} ${y2}`;
        // The label sits in the gap after the parent (the middle of a long edge may be a node).
        mx = x1 + COL_GAP / 2;
        my = x2 - x1 > NODE_W + COL_GAP ? y1 : (y1 + y2) / 2;
      }
      edgeLayer.appendChild(s('path', {
        class: 'edge ' + e.kind, d, 'marker-end': 'url(#arrow)', 'data-from': e.from, 'data-to': e.to,
      }));
      const bg = s('rect', { class: 'edge-rate-bg', x: mx - 30, y: my - 9, width: 60, height: 18, rx: 4 });
      const text = s('text', { class: 'edge-rate', x: mx, y: my + 4, 'text-anchor': 'middle', 'data-rate': '' });
      const g = s('g', { class: 'edge-label', 'data-from': e.from, 'data-to': e.to }, bg, text);
      labelLayer.appendChild(g);
      plan.edges.set(e.key, { text, bg, x: mx });
    }

    for (const n of graph.order) {
      const { x, y } = pos.get(n.id);
      const title = s('title');
      const count = s('tspan', { class: 'node-count' });
      const extra = s('tspan', { class: 'node-extra' });
      const g = s('g', { class: 'node ' + n.type, 'data-node-id': n.id, transform: `translate(${x},${y})` },
        title,
        s('rect', { class: 'node-box', width: NODE_W, height: NODE_H, rx: 6 }),
        s('rect', { class: 'node-stripe', width: 5, height: NODE_H, rx: 2 }),
        s('g', { 'clip-path': 'url(#node-clip)' },
        s('text', { class: 'node-title', x: 14, y: 18 },
          n.type === 'operator' ? null : s('tspan', { class: 'node-type', text: n.type === 'source' ? 'source ' : n.type === 'sink' ? 'sink ' : 'dead letters ' }),
          cut(n.title, 26)),
        s('text', { class: 'node-sub', x: 14, y: 35 }, cut(n.sub, 31)),
        s('text', { class: 'node-line', x: 14, y: 53 }, count, s('tspan', { class: 'node-unit', text: nodeCountLabel(n) }), extra)));
      nodeLayer.appendChild(g);
      plan.nodes.set(n.id, { title, count, extra, group: g });
    }
  }

  function nodeDetails(n) {
    const d = n.data;
    const lines = [`${n.id}`, n.sub];
    if (n.type === 'source') {
      lines.push(`read ${fmtInt(d.read)}, decoded ${fmtInt(d.decoded)}, dead-lettered ${fmtInt(sourceDeadLetters(d))}, skipped ${fmtInt(d.skipped)}`);
    } else if (n.type === 'operator') {
      lines.push(`rows in ${fmtInt(d.rows_in)}, rows out ${fmtInt(d.rows_out)}`);
      if (d.rows_dropped) lines.push(`dropped ${fmtInt(d.rows_dropped)} (${d.dropped_as || 'dropped'})`);
      if (d.late_rows) lines.push(`late rows ${fmtInt(d.late_rows)}`);
      if (d.rows_raised) lines.push(`rows raised ${fmtInt(d.rows_raised)}`);
      if (d.duplicates_removed) lines.push(`duplicates removed ${fmtInt(d.duplicates_removed)}`);
      if (d.state_rows || d.state_bytes) lines.push(`state ${fmtInt(d.state_rows)} rows, ${fmtBytes(d.state_bytes)}`);
      if (d.groups_spilled) lines.push(`groups spilled ${fmtInt(d.groups_spilled)}`);
      if (d.sink) lines.push(`writes ${d.sink}`);
    } else {
      lines.push(`written ${fmtInt(d.rows_written)}, commits ${fmtInt(d.commits)}`);
      if (d.rows_spilled || d.rows_in_spill) lines.push(`spilled ${fmtInt(d.rows_spilled)}, replayed ${fmtInt(d.rows_replayed)}, in spill ${fmtInt(d.rows_in_spill)}`);
    }
    return lines.filter(Boolean).join('\n');
  }

  function nodeExtra(n) {
    const d = n.data;
    if (n.type === 'operator') {
      if (d.rows_dropped) return ` · ${fmtCompact(d.rows_dropped)} ${d.dropped_as || 'dropped'}`;
      if (d.state_rows) return ` · ${fmtCompact(d.state_rows)} in state`;
      if (d.late_rows) return ` · ${fmtCompact(d.late_rows)} late`;
    } else if (n.type === 'source') {
      const dl = sourceDeadLetters(d);
      if (dl) return ` · ${fmtCompact(dl)} dead`;
    } else if (d.rows_in_spill) {
      return ` · ${fmtCompact(d.rows_in_spill)} in spill`;
    }
    return '';
  }

  // Rates from two successive snapshots: (total now - total before) / elapsed seconds.
  const rates = { prevTotals: new Map(), prevAt: null, edge: new Map() };

  function updatePlan(graph, p) {
    drawPlan(graph);
    for (const n of graph.order) {
      const ref = plan.nodes.get(n.id);
      if (!ref) continue;
      const count = plainInt(nodeCount(n));
      if (ref.count.textContent !== count) ref.count.textContent = count;
      const extra = nodeExtra(n);
      if (ref.extra.textContent !== extra) ref.extra.textContent = extra;
      const details = nodeDetails(n);
      if (ref.title.textContent !== details) ref.title.textContent = details;
      ref.group.classList.toggle('finished', n.type === 'source' && !!n.data.finished);
    }
    const at = isNum(p.updated_unix_ms) && p.updated_unix_ms > 0 ? p.updated_unix_ms : Date.now();
    const seconds = rates.prevAt === null ? 0 : (at - rates.prevAt) / 1000;
    const totals = new Map();
    for (const e of graph.edges) {
      const total = edgeTotal(e, graph.nodes);
      totals.set(e.key, total);
      if (seconds > 0) {
        const before = rates.prevTotals.get(e.key);
        if (isNum(total) && isNum(before)) {
          // A total that dropped was reset (a restart): count from zero.
          const delta = total >= before ? total - before : total;
          rates.edge.set(e.key, delta / seconds);
        } else {
          rates.edge.delete(e.key);
        }
      }
    }
    if (seconds > 0 || rates.prevAt === null) {
      rates.prevTotals = totals;
      rates.prevAt = at;
    }
    for (const e of graph.edges) {
      const ref = plan.edges.get(e.key);
      if (!ref) continue;
      const r = rates.edge.get(e.key);
      const label = isNum(r) ? fmtRate(r) + '/s' : '…';
      if (ref.text.textContent !== label) {
        ref.text.textContent = label;
        const w = Math.max(34, label.length * 7 + 12);
        setAttrs(ref.bg, { x: ref.x - w / 2, width: w });
      }
      ref.text.setAttribute('data-rate', isNum(r) ? String(r) : '');
      ref.text.classList.toggle('active', isNum(r) && r > 0);
    }
  }

  function updateOperatorsTable(p) {
    const rows = (p.operators || []).map((op) => h('tr', { 'data-operator-id': op.id },
      h('td', { class: 'id' }, op.id), h('td', {}, op.kind || ''), h('td', { class: 'describe' }, op.describe || ''),
      h('td', {}, fmtInt(op.rows_in)), h('td', {}, fmtInt(op.rows_out)),
      h('td', {}, op.rows_dropped ? `${fmtInt(op.rows_dropped)} ${op.dropped_as || ''}` : '0'),
      h('td', {}, fmtInt(op.late_rows)), h('td', {}, fmtInt(op.rows_raised)),
      h('td', {}, fmtInt(op.duplicates_removed)), h('td', {}, fmtInt(op.state_rows)),
      h('td', {}, fmtBytes(op.state_bytes)), h('td', {}, fmtInt(op.groups_spilled))));
    replaceBody($('operators'), rows);
  }

  function replaceBody(table, rows) {
    const body = table.tBodies[0];
    clear(body);
    append(body, rows);
  }

  // ---- charts ---------------------------------------------------------------------------------
  function niceMax(v) {
    if (!isNum(v) || v <= 0) return 1;
    const exp = Math.pow(10, Math.floor(Math.log10(v)));
    for (const m of [1, 2, 2.5, 5, 10]) if (m * exp >= v) return m * exp;
    return 10 * exp;
  }

  function chartWidth(svgEl) {
    const box = svgEl.parentNode;
    if (!box) return 480;
    const style = getComputedStyle(box);
    const w = box.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    return Math.max(280, Math.floor(w) || 480);
  }

  // A line chart of series [{name, color, points: [[unix_ms, value|null]...]}] over [t0, t1].
  function lineChart(svgEl, series, t0, t1, opts) {
    const W = chartWidth(svgEl), H = opts.height || 190;
    const L = 56, R = 12, T = 26, B = 22;
    clear(svgEl);
    setAttrs(svgEl, { width: W, height: H, viewBox: `0 0 ${W} ${H}` });
    let max = 0;
    for (const sr of series) for (const [t, v] of sr.points) if (t >= t0 && isNum(v)) max = Math.max(max, v);
    const yMax = niceMax(max);
    const x = (t) => L + ((t - t0) / Math.max(1, t1 - t0)) * (W - L - R);
    const y = (v) => T + (1 - v / yMax) * (H - T - B);
    const grid = s('g', { class: 'grid' });
    for (let i = 0; i <= 4; ++i) {
      const v = (yMax * i) / 4;
      grid.appendChild(s('line', { x1: L, x2: W - R, y1: y(v), y2: y(v) }));
      grid.appendChild(s('text', { class: 'axis', x: L - 6, y: y(v) + 4, 'text-anchor': 'end' }, fmtCompact(v)));
    }
    timeAxis(grid, t0, t1, x, H - B);
    svgEl.appendChild(grid);
    const lines = s('g', { class: 'series' });
    let legendX = L;
    for (const sr of series) {
      let d = '';
      let pen = false;
      let points = 0;
      for (const [t, v] of sr.points) {
        if (t < t0 || !isNum(v)) { pen = false; continue; }
        d += `${pen ? 'L' : 'M'} ${x(t).toFixed(1)} ${y(v).toFixed(1)} `;
        pen = true;
        ++points;
      }
      if (d) lines.appendChild(s('path', { class: 'line', d, stroke: sr.color, 'data-series': sr.name, 'data-points': points }));
      const latest = [...sr.points].reverse().find(([, v]) => isNum(v));
      const label = `${sr.name} ${latest ? opts.format(latest[1]) : DASH}`;
      svgEl.appendChild(s('rect', { x: legendX, y: 8, width: 10, height: 10, fill: sr.color, rx: 2 }));
      svgEl.appendChild(s('text', { class: 'legend', x: legendX + 14, y: 17 }, label));
      legendX += 24 + label.length * 6.6;
    }
    svgEl.appendChild(lines);
    if (series.every((sr) => sr.points.filter(([t, v]) => t >= t0 && isNum(v)).length === 0)) {
      svgEl.appendChild(s('text', { class: 'empty', x: W / 2, y: H / 2, 'text-anchor': 'middle' }, opts.empty || 'no data yet'));
    }
  }

  function timeAxis(g, t0, t1, x, yAxis) {
    const span = (t1 - t0) / 1000;
    const step = [5, 10, 15, 30, 60, 120, 300, 600].find((st) => span / st <= 7) || 600;
    const first = Math.ceil(t0 / 1000 / step) * step;
    for (let t = first; t * 1000 <= t1; t += step) {
      const d = new Date(t * 1000);
      const label = step < 60 ? fmtClock(t * 1000) : `${pad2(d.getHours())}:${pad2(d.getMinutes())}`;
      g.appendChild(s('line', { class: 'tick', x1: x(t * 1000), x2: x(t * 1000), y1: yAxis, y2: yAxis + 4 }));
      g.appendChild(s('text', { class: 'axis', x: x(t * 1000), y: yAxis + 16, 'text-anchor': 'middle' }, label));
    }
    g.appendChild(s('line', { class: 'baseline', x1: x(t0), x2: x(t1), y1: yAxis, y2: yAxis }));
  }

  // Per-second rates from successive totals of the history (a drop is a reset: count from 0).
  function historyRates(samples, field) {
    const out = [];
    for (let i = 1; i < samples.length; ++i) {
      const a = samples[i - 1], b = samples[i];
      const dt = (b.unix_ms - a.unix_ms) / 1000;
      if (!(dt > 0) || !isNum(b[field])) continue;
      const before = isNum(a[field]) ? a[field] : 0;
      const delta = b[field] >= before ? b[field] - before : b[field];
      out.push([b.unix_ms, delta / dt]);
    }
    return out;
  }

  function chartWindow() {
    const w = Number($('window').value);
    return (isNum(w) && w > 0 ? w : 300) * 1000;
  }

  function drawCharts(p, history) {
    const samples = history && Array.isArray(history.samples) ? history.samples : [];
    const t1 = samples.length ? Math.max(samples[samples.length - 1].unix_ms, p ? p.updated_unix_ms || 0 : 0) : (p && p.updated_unix_ms) || Date.now();
    // The selected window, or less while the history is shorter (at least a minute).
    const span = samples.length ? t1 - samples[0].unix_ms : 0;
    const t0 = t1 - Math.min(chartWindow(), Math.max(60000, span));
    lineChart($('throughput-chart'), [
      { name: 'records in/s', color: COLORS.in, points: historyRates(samples, 'records_in') },
      { name: 'rows out/s', color: COLORS.out, points: historyRates(samples, 'rows_out') },
      { name: 'dead letters/s', color: COLORS.dead, points: historyRates(samples, 'dead_letters') },
    ], t0, t1, { format: fmtRate });
    lineChart($('lag-chart'), [
      { name: 'lag (records)', color: COLORS.lag, points: samples.map((sm) => [sm.unix_ms, isNum(sm.lag) ? sm.lag : null]) },
    ], t0, t1, { format: fmtInt, empty: 'lag unknown' });
    if (p) drawCheckpoints(p, t0, t1);
  }

  function drawCheckpoints(p, t0, t1) {
    const svgEl = $('checkpoint-chart');
    const recent = (p.checkpoints && p.checkpoints.recent) || [];
    const W = chartWidth(svgEl), H = 150;
    const L = 56, R = 12, T = 10, B = 22;
    clear(svgEl);
    setAttrs(svgEl, { width: W, height: H, viewBox: `0 0 ${W} ${H}` });
    const shown = recent.filter((c) => isNum(c.started_unix_ms) && c.started_unix_ms >= t0);
    const yMax = niceMax(Math.max(0, ...shown.map((c) => c.duration_seconds || 0)));
    const x = (t) => L + ((t - t0) / Math.max(1, t1 - t0)) * (W - L - R);
    const y = (v) => T + (1 - v / yMax) * (H - T - B);
    const grid = s('g', { class: 'grid' });
    for (let i = 0; i <= 2; ++i) {
      const v = (yMax * i) / 2;
      grid.appendChild(s('line', { x1: L, x2: W - R, y1: y(v), y2: y(v) }));
      grid.appendChild(s('text', { class: 'axis', x: L - 6, y: y(v) + 4, 'text-anchor': 'end' }, fmtSeconds(v)));
    }
    timeAxis(grid, t0, t1, x, H - B);
    svgEl.appendChild(grid);
    // A bar per checkpoint, as wide as its duration on the time axis (at least 2 px).
    const bars = s('g', { class: 'bars' });
    for (const c of shown) {
      const d = c.duration_seconds || 0;
      const w = Math.max(2, x(c.started_unix_ms + d * 1000) - x(c.started_unix_ms));
      bars.appendChild(s('rect', { class: 'checkpoint', x: x(c.started_unix_ms), y: y(d), width: w, height: Math.max(1, y(0) - y(d)), fill: COLORS.bar },
        s('title', {}, `epoch ${c.epoch}: started ${fmtClock(c.started_unix_ms)}, took ${fmtSeconds(d)}`)));
    }
    svgEl.appendChild(bars);
    if (!shown.length) svgEl.appendChild(s('text', { class: 'empty', x: W / 2, y: H / 2, 'text-anchor': 'middle' }, 'no checkpoint in this window'));
  }

  // ---- header and tables ----------------------------------------------------------------------
  function updateHeader(p, history) {
    setText('pipeline-name', p.pipeline || '(unnamed pipeline)');
    const state = $('pipeline-state');
    if (state.textContent !== p.state) state.textContent = p.state || 'unknown';
    state.setAttribute('data-state', p.state || '');
    document.title = `${p.pipeline || 'pipeline'} · ${p.state || ''} — sluice`;
    const now = isNum(p.updated_unix_ms) && p.updated_unix_ms > 0 ? p.updated_unix_ms : Date.now();
    setText('uptime', isNum(p.started_unix_ms) && p.started_unix_ms > 0 ? fmtDuration((now - p.started_unix_ms) / 1000) : DASH);
    setText('restarts', fmtInt(p.restarts));
    setText('cpu', isNum(p.cpu_seconds) ? `${p.cpu_seconds.toFixed(1)} s` : DASH);
    setText('rss', fmtBytes(p.rss_bytes));
    const sources = p.sources || [];
    setText('records-in-total', plainInt(sum(sources.map((src) => src.read))));
    let inRate = p.rates ? p.rates.records_in_per_second : null;
    let outRate = p.rates ? p.rates.rows_out_per_second : null;
    const samples = history && history.samples ? history.samples : [];
    if (!isNum(inRate)) { const r = historyRates(samples, 'records_in').pop(); inRate = r ? r[1] : null; }
    if (!isNum(outRate)) { const r = historyRates(samples, 'rows_out').pop(); outRate = r ? r[1] : null; }
    setText('rate-in', fmtRate(inRate));
    setText('rate-out', fmtRate(outRate));
    setText('dead-letters-total', fmtInt(sum(sources.map(sourceDeadLetters))));
    const lags = sources.map((src) => src.lag).filter(isNum);
    setText('lag-total', lags.length ? fmtInt(sum(lags)) : DASH);
    const err = $('last-error');
    if (p.last_error) {
      setText('last-error', p.last_error);
      err.hidden = false;
    } else {
      err.hidden = true;
    }
  }

  function fact(name, value, cls) {
    return h('div', cls ? { class: cls } : {}, h('dt', {}, name), h('dd', {}, value));
  }

  function updateSources(p) {
    const box = $('sources');
    const blocks = (p.sources || []).map((src) => {
      const dl = src.dead_letters || {};
      const kinds = Object.entries(dl).filter(([, v]) => v > 0).map(([k, v]) => `${fmtInt(v)} ${k}`).join(', ');
      const head = h('div', { class: 'source-head' },
        h('h3', {}, src.table), h('span', { class: 'muted' }, src.describe || ''),
        src.finished ? h('span', { class: 'tag' }, 'finished') : null);
      const facts = h('dl', { class: 'facts small' },
        fact('read', fmtInt(src.read)), fact('decoded', fmtInt(src.decoded)),
        fact('dead-lettered', fmtInt(sourceDeadLetters(src)) + (kinds ? ` (${kinds})` : ''), sourceDeadLetters(src) ? 'warn' : null),
        fact('skipped', fmtInt(src.skipped)), fact('already delivered', fmtInt(src.already_delivered)),
        fact('watermark', fmtEventTime(src.watermark_unix_ms)),
        fact('lag', fmtInt(src.lag) + (isNum(src.lag_seconds) && src.lag_seconds > 0 ? ` (${src.lag_seconds.toFixed(1)} s)` : ''),
          src.lag > 0 ? 'warn' : null));
      const parts = src.partitions || [];
      const showRead = parts.some((pt) => isNum(pt.records_read));
      const showStop = parts.some((pt) => isNum(pt.stop_at));
      const table = h('table', { class: 'numbers partitions', 'data-source': src.id },
        h('thead', {}, h('tr', {}, h('th', {}, 'partition'), h('th', {}, 'position'), h('th', {}, 'end'),
          showStop ? h('th', {}, 'stops at') : null, h('th', {}, 'lag'), h('th', {}, 'lag seconds'),
          showRead ? h('th', {}, 'records read') : null, h('th', {}, 'last record'), h('th', {}, 'watermark'))),
        h('tbody', {}, ...parts.map((pt) => h('tr', {},
          h('td', {}, String(pt.partition)), h('td', {}, fmtInt(pt.position)), h('td', {}, fmtInt(pt.end)),
          showStop ? h('td', {}, fmtInt(pt.stop_at)) : null,
          h('td', { class: pt.lag > 0 ? 'warn' : '' }, fmtInt(pt.lag)),
          h('td', {}, isNum(pt.lag_seconds) ? pt.lag_seconds.toFixed(1) : DASH),
          showRead ? h('td', {}, fmtInt(pt.records_read)) : null,
          h('td', {}, fmtEventTime(pt.last_record_unix_ms)), h('td', {}, fmtEventTime(pt.watermark_unix_ms))))));
      return h('div', { class: 'source', 'data-source': src.id }, head, facts,
        parts.length ? table : h('p', { class: 'muted' }, 'no partitions assigned yet'));
    });
    if (!blocks.length) blocks.push(h('p', { class: 'muted' }, 'no sources'));
    clear(box);
    append(box, blocks);
  }

  function updateCheckpoints(p) {
    const c = p.checkpoints || {};
    setText('checkpoints-completed', fmtInt(c.completed));
    setText('checkpoints-failed', fmtInt(c.failed));
    $('checkpoints-failed').classList.toggle('bad', c.failed > 0);
    const now = isNum(p.updated_unix_ms) && p.updated_unix_ms > 0 ? p.updated_unix_ms : Date.now();
    setText('checkpoints-last', isNum(c.last_success_unix_ms) && c.last_success_unix_ms > 0
      ? `${fmtClock(c.last_success_unix_ms)} (${fmtAgo(c.last_success_unix_ms, now)})` : 'none yet');
    const dur = c.duration_seconds || {};
    setText('checkpoints-mean', dur.count > 0 ? fmtSeconds(dur.sum / dur.count) : DASH);
    setText('checkpoints-interval', isNum(p.commit_interval_ms) && p.commit_interval_ms > 0 ? fmtSeconds(p.commit_interval_ms / 1000) : DASH);
  }

  function updateBalance(p) {
    const b = p.balance || {};
    setText('balance-read', fmtInt(b.read));
    setText('balance-accounted', fmtInt(b.accounted));
    setText('balance-unaccounted', fmtInt(b.unaccounted));
    $('balance-unaccounted').classList.toggle('bad', isNum(b.unaccounted) && b.unaccounted !== 0);
    $('balance-unaccounted').classList.toggle('good', b.unaccounted === 0);
    const list = $('balance-lines');
    clear(list);
    append(list, (b.lines || []).map((line) => h('li', {}, line)));
  }

  function updateSinks(p) {
    const rows = (p.sinks || []).map((sk) => {
      const lat = sk.commit_latency_seconds || {};
      const avg = lat.count > 0 ? lat.sum / lat.count : null;
      return h('tr', { 'data-sink-id': sk.id, class: sk.rows_in_spill > 0 ? 'spilling' : '' },
        h('td', {}, sk.table, sk.dead_letter_table ? h('span', { class: 'tag' }, 'dead letters') : null),
        h('td', { class: 'describe' }, sk.describe || ''),
        h('td', { class: 'nowrap' }, sk.exactly_once ? 'exactly-once' : 'at-least-once'),
        h('td', {}, fmtInt(sk.rows_written)), h('td', {}, fmtInt(sk.commits)),
        h('td', { title: 'mean time from the start of a checkpoint to the commit' }, avg === null ? DASH : fmtSeconds(avg)),
        h('td', {}, fmtInt(sk.rows_spilled)), h('td', {}, fmtInt(sk.rows_replayed)),
        h('td', { class: sk.rows_in_spill > 0 ? 'warn' : '' }, fmtInt(sk.rows_in_spill),
          isNum(sk.bytes_in_spill) && sk.bytes_in_spill > 0 ? ` (${fmtBytes(sk.bytes_in_spill)})` : null),
        h('td', { class: 'path' }, sk.spill_dir || DASH));
    });
    replaceBody($('sinks'), rows);
  }

  let deadLettersKey = null;
  function updateDeadLetters(p) {
    const letters = (p.dead_letters || []).slice(-MAX_DEAD_LETTERS_SHOWN).reverse();  // newest first
    const key = JSON.stringify(letters);
    if (key === deadLettersKey) return;
    deadLettersKey = key;
    const rows = letters.map((d) => {
      const where = [d.topic || '', isNum(d.partition) ? `partition ${d.partition}` : '', isNum(d.offset) ? `offset ${d.offset}` : '']
        .filter(Boolean).join(' / ');
      const value = h('code', { class: 'raw' }, visible(d.value === null || d.value === undefined ? '' : d.value));
      return h('tr', { class: 'dead-letter', 'data-kind': d.kind || '' },
        h('td', { class: 'time' }, fmtClock(d.time_unix_ms)), h('td', {}, d.source || ''),
        h('td', {}, d.kind || ''), h('td', { class: 'where' }, where),
        h('td', { class: 'reason' }, d.reason || ''),
        h('td', { class: 'value' }, value, d.value_cut ? h('span', { class: 'muted' }, ' … (cut)') : null));
    });
    replaceBody($('dead-letters'), rows);
    $('dead-letters-empty').hidden = rows.length > 0;
  }

  // ---- polling --------------------------------------------------------------------------------
  async function getJson(url) {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), FETCH_TIMEOUT_MS);
    try {
      const response = await fetch(url, { cache: 'no-store', signal: controller.signal });
      if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
      return await response.json();
    } finally {
      clearTimeout(timer);
    }
  }

  const last = { pipeline: null, history: null };

  function render(p, history) {
    const steps = [
      () => updateHeader(p, history),
      () => { updatePlan(buildGraph(p), p); updateOperatorsTable(p); },
      () => drawCharts(p, history),
      () => updateSources(p),
      () => updateCheckpoints(p),
      () => updateBalance(p),
      () => updateSinks(p),
      () => updateDeadLetters(p),
    ];
    // One section failing on unexpected data must not blank the others.
    for (const step of steps) {
      try { step(); } catch (e) { console.error('sluice UI:', e); }
    }
  }

  async function poll() {
    const connection = $('connection');
    try {
      const [p, history] = await Promise.all([
        getJson('api/pipeline'),
        getJson('api/history').catch(() => last.history),
      ]);
      last.pipeline = p;
      last.history = history;
      render(p, history);
      connection.textContent = `updated ${fmtClock(Date.now())}`;
      connection.classList.remove('lost');
    } catch (e) {
      connection.textContent = `cannot reach the pipeline (${e.message || e}); retrying`;
      connection.classList.add('lost');
    } finally {
      setTimeout(poll, POLL_MS);
    }
  }

  $('window').addEventListener('change', () => { if (last.pipeline) drawCharts(last.pipeline, last.history); });
  let resizeTimer = null;
  window.addEventListener('resize', () => {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(() => { if (last.pipeline) drawCharts(last.pipeline, last.history); }, 150);
  });
  poll();
})();
