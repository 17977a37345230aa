// The web view of `kgq serve`: a query box with the shell's completion and a history,
// the answer as a table and as a graph (cytoscape), an evidence panel, a search field and
// downloads (the SVG is drawn by web/svg.js). It talks only to the server it came from
// (see the README's Web view section).
//
// Every string from the graph or the server reaches the page through textContent, an
// attribute set by the DOM, or cytoscape's data (drawn on a canvas): never as HTML.
'use strict';

const $ = (id) => document.getElementById(id);
const state = {
  schema: null,
  kinds: new Map(), // kind name -> {shape, color}
  sources: new Map(), // source id -> title
  statement: '', // the statement whose answer is shown
  answer: null, // the last /api/run reply
  edges: new Map(), // cytoscape edge id -> {edge, relations}
  cy: null,
};
const HISTORY_KEY = 'kgq.history';
const HISTORY_MAX = 100;

// Graphviz shapes (style.rs) as the nearest cytoscape shapes.
const SHAPES = {
  box: 'rectangle', rect: 'rectangle', rectangle: 'rectangle', square: 'rectangle', note: 'rectangle',
  tab: 'round-rectangle', folder: 'round-rectangle', box3d: 'rectangle', component: 'cut-rectangle',
  ellipse: 'ellipse', oval: 'ellipse', circle: 'ellipse', doublecircle: 'ellipse', egg: 'ellipse', Mcircle: 'ellipse',
  triangle: 'triangle', invtriangle: 'vee', diamond: 'diamond', Mdiamond: 'diamond', Msquare: 'rectangle',
  trapezium: 'round-tag', invtrapezium: 'round-tag', parallelogram: 'rhomboid', house: 'tag', invhouse: 'tag',
  pentagon: 'pentagon', hexagon: 'hexagon', septagon: 'heptagon', octagon: 'octagon', doubleoctagon: 'octagon',
  tripleoctagon: 'octagon', star: 'star', cylinder: 'barrel',
};

// ---- talking to the server ----

async function post(path, body) {
  const response = await fetch(path, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body),
  });
  const type = response.headers.get('Content-Type') || '';
  const data = type.startsWith('application/json') ? await response.json() : await response.text();
  return { ok: response.ok, data };
}

function el(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = String(text);
  if (className) node.className = className;
  return node;
}

// ---- running statements ----

async function run(statement, { remember = true } = {}) {
  statement = statement.trim();
  if (!statement) return;
  $('query').value = statement;
  hideCompletions();
  const { ok, data } = await post('/api/run', { statement });
  if (!ok) {
    // A failed statement leaves no answer on the page: an earlier one under the error would
    // read as this one's, and the downloads would save it.
    state.statement = null;
    state.answer = null;
    $('table').replaceChildren();
    showNotes([]);
    if (state.cy) state.cy.elements().remove();
    return showError(statement, data);
  }
  $('error').hidden = true;
  moved();
  state.statement = statement;
  state.answer = data;
  if (remember) remember_(statement);
  const url = new URL(location.href);
  url.search = new URLSearchParams({ q: statement }).toString();
  history.replaceState(null, '', url);
  $('permalink').href = url.pathname + url.search;
  showNotes([...(data.rows.notes || []), ...data.view.notes]);
  showTable(data.rows);
  draw(data);
}

function showError(statement, data) {
  const error = data.error || { message: String(data), help: '' };
  const box = $('error');
  box.hidden = false;
  box.textContent = error.rendered || [error.message, error.help && 'help: ' + error.help].filter(Boolean).join('\n');
  moved();
  if (error.span_utf16 && statement === $('query').value.trim()) {
    const lead = $('query').value.length - $('query').value.trimStart().length;
    const [start, end] = error.span_utf16;
    $('query').focus();
    $('query').setSelectionRange(lead + start, lead + Math.max(end, start + 1));
  }
}

function showNotes(notes) {
  const list = $('notes');
  list.replaceChildren(...notes.map((n) => el('li', n)));
  moved();
}

// Notes and errors above the drawing move it down the page; cytoscape keeps where its
// canvas is (to place clicks) until told.
function moved() {
  if (state.cy) state.cy.resize();
}

// ---- the table ----

function cellText(value) {
  if (value === null || value === undefined) return '';
  if (Array.isArray(value)) return value.map(cellText).join(', ');
  if (typeof value !== 'object') return String(value);
  if ('nodes' in value && 'hops' in value) return value.nodes.map((n) => n.name).join(' → ');
  if ('rel' in value && 'from' in value) return `${value.from} -[${value.rel}]-> ${value.to}`;
  if ('name' in value && 'id' in value) return `${value.name} (${value.id})`;
  if ('source' in value && 'line' in value) return `${value.source}:${value.line}`;
  return Object.entries(value).map(([k, v]) => `${k} = ${cellText(v)}`).join(', ');
}

function showTable(rows) {
  const table = $('table');
  const head = el('tr');
  for (const c of rows.columns) head.append(el('th', c));
  const body = rows.rows.map((row) => {
    const tr = el('tr');
    for (const c of rows.columns) {
      const value = row[c];
      const td = el('td', cellText(value));
      if (value && typeof value === 'object' && 'id' in value && 'kind' in value && !('hops' in value)) {
        td.className = 'entity';
        td.addEventListener('click', () => showCard(value.id));
      }
      tr.append(td);
    }
    return tr;
  });
  table.replaceChildren(head, ...body);
}

// ---- the graph ----

function nodeData(node) {
  const style = state.kinds.get(node.kind) || { shape: 'box', color: '#ffffff' };
  return {
    id: 'n:' + node.id, entity: node.id, name: node.name, kind: node.kind,
    shape: SHAPES[style.shape] || 'rectangle', color: style.color, focus: node.focus ? 1 : 0,
  };
}

// The graph's elements for one answer; edges keep their relation records for the panel.
function elements(graph, details) {
  const nodes = graph.nodes.map((n) => ({ group: 'nodes', data: nodeData(n) }));
  const edges = graph.edges.map((e, i) => {
    const id = `e:${e.from}|${e.rel}|${e.status}|${e.to}`;
    state.edges.set(id, { edge: e, relations: details[i] || [] });
    return {
      group: 'edges',
      data: { id, source: 'n:' + e.from, target: 'n:' + e.to, label: e.label, status: e.status, directed: e.directed ? 1 : 0 },
    };
  });
  return [...nodes, ...edges];
}

function draw(reply) {
  state.edges.clear();
  const cy = state.cy;
  cy.elements().remove();
  if (!reply.graph) {
    showLegend();
    return;
  }
  cy.add(elements(reply.graph, reply.view.details));
  layout(reply.view);
  showLegend();
}

// Paths read left to right: each entity in the column of its distance from the start,
// the end in the last column. Everything else: breadth-first from the start, or cose.
function layout(view) {
  const cy = state.cy;
  const start = view.start && cy.getElementById('n:' + view.start);
  if (view.layout === 'left-to-right' && start && start.nonempty()) {
    const rank = new Map();
    cy.elements().bfs({ roots: start, directed: false, visit: (v, e, u, i, depth) => { rank.set(v.id(), depth); } });
    const end = view.end && cy.getElementById('n:' + view.end);
    const last = Math.max(0, ...rank.values());
    if (end && end.nonempty()) rank.set(end.id(), Math.max(last, rank.get(end.id()) || 0));
    const columns = new Map();
    cy.nodes().forEach((n) => {
      const r = rank.has(n.id()) ? rank.get(n.id()) : last + 1;
      if (!columns.has(r)) columns.set(r, []);
      columns.get(r).push(n);
    });
    const positions = {};
    for (const [r, nodes] of columns) {
      nodes.forEach((n, i) => { positions[n.id()] = { x: r * 260, y: (i - (nodes.length - 1) / 2) * 110 }; });
    }
    cy.layout({ name: 'preset', positions, fit: true, padding: 40 }).run();
  } else if (start && start.nonempty()) {
    cy.layout({ name: 'breadthfirst', roots: start, directed: false, spacingFactor: 1.2, fit: true, padding: 40 }).run();
  } else {
    cy.layout({ name: 'cose', animate: false, randomize: false, fit: true, padding: 40 }).run();
  }
}

function showLegend() {
  const kinds = [...new Set(state.cy.nodes().map((n) => n.data('kind')))].sort();
  const items = kinds.map((k) => {
    const style = state.kinds.get(k) || { color: '#ffffff' };
    const li = el('li');
    const swatch = el('span', null, 'swatch');
    swatch.style.background = style.color;
    li.append(swatch, document.createTextNode(k));
    return li;
  });
  $('legend').replaceChildren(...items);
}

function initGraph() {
  state.cy = cytoscape({
    container: $('graph'),
    wheelSensitivity: 0.3,
    style: [
      { selector: 'node', style: {
        label: 'data(name)', shape: 'data(shape)', 'background-color': 'data(color)', 'border-width': 1,
        'border-color': '#374151', 'text-wrap': 'wrap', 'text-max-width': 140, 'text-valign': 'center',
        'font-size': 11, width: 150, height: 54, padding: 4 } },
      { selector: 'node[focus = 1]', style: { 'border-width': 3, 'font-weight': 'bold' } },
      { selector: 'edge', style: {
        label: 'data(label)', 'curve-style': 'bezier', width: 1.5, 'line-color': '#6b7280', 'font-size': 10,
        'text-rotation': 'autorotate', 'text-background-color': '#ffffff', 'text-background-opacity': 0.8,
        'target-arrow-color': '#6b7280' } },
      { selector: 'edge[directed = 1]', style: { 'target-arrow-shape': 'triangle' } },
      { selector: 'edge[status = "alleged"], edge[status = "disputed"]', style: { 'line-style': 'dashed' } },
      { selector: ':selected', style: { 'line-color': '#2563eb', 'target-arrow-color': '#2563eb', 'border-color': '#2563eb' } },
    ],
  });
  state.cy.on('tap', 'edge', (event) => showEvidence(event.target.id()));
  state.cy.on('tap', 'node', (event) => showCard(event.target.data('entity')));
  state.cy.on('dbltap', 'node', (event) => expand(event.target.data('entity')));
}

// Double-click: the entity's neighbours join the view, around it.
async function expand(id) {
  const { ok, data } = await post('/api/neighbours', { id });
  if (!ok) return showError('', data);
  if (!data.graph) return showNotes(data.view.notes);
  const cy = state.cy;
  const centre = cy.getElementById('n:' + id).position();
  const fresh = elements(data.graph, data.view.details).filter((e) => cy.getElementById(e.data.id).empty());
  const added = cy.add(fresh);
  const nodes = added.nodes();
  nodes.forEach((n, i) => {
    const angle = (2 * Math.PI * i) / Math.max(nodes.length, 1);
    n.position({ x: centre.x + 220 * Math.cos(angle), y: centre.y + 160 * Math.sin(angle) });
  });
  showLegend();
}

// ---- the panel ----

function panel(title, ...children) {
  $('panel-title').textContent = title;
  $('panel-body').replaceChildren(...children);
}

function facts(pairs) {
  const dl = el('dl');
  for (const [k, v] of pairs) {
    const empty = v === null || v === undefined || v === '' || (typeof v === 'object' && !Object.keys(v).length);
    if (!empty) dl.append(el('dt', k), el('dd', cellText(v)));
  }
  return dl;
}

function locator(ev) {
  const div = el('div', null, 'locator');
  div.append(el('span', `${ev.source}:${ev.line}`, 'where'), document.createTextNode(' '));
  div.append(el('span', ev.title || state.sources.get(ev.source) || '', 'title'));
  div.append(el('blockquote', ev.quote));
  if (state.schema.context) {
    const button = el('button', 'show in context');
    button.addEventListener('click', async () => {
      const { ok, data } = await post('/api/context', { source: ev.source, line: ev.line });
      const pre = el('pre', null, 'context');
      if (!ok) pre.textContent = data.error.message + '\nhelp: ' + data.error.help;
      else for (const l of data.lines) pre.append(el('span', `${l.line}  ${l.text}\n`, l.cited ? 'cited' : ''));
      button.replaceWith(pre);
    });
    div.append(button);
  }
  return div;
}

function when(r) {
  if (r.date) return r.date;
  if (r.since || r.until) return `${r.since || '…'} – ${r.until || '…'}`;
  return null;
}

function showEvidence(id) {
  const found = state.edges.get(id);
  if (!found) return;
  const { edge, relations } = found;
  const parts = [];
  for (const r of relations) {
    parts.push(el('h3', `${nameOf(r.from)} -[${r.rel}]-> ${nameOf(r.to)}`));
    parts.push(facts([['relation', r.rel], ['when', when(r)], ['status', r.status], ['attributes', r.attrs], ['note', r.note]]));
    for (const ev of r.evidence || []) parts.push(locator(ev));
  }
  panel(`${nameOf(edge.from)} ${edge.label} ${nameOf(edge.to)}`, ...parts);
}

function nameOf(id) {
  const node = state.cy.getElementById('n:' + id);
  return node.nonempty() ? node.data('name') : id;
}

async function showCard(id) {
  const { ok, data } = await post('/api/entity', { id });
  if (!ok) return showError('', data);
  const e = data.rows.entity;
  const parts = [facts([['id', e.id], ['kind', e.kind], ['aliases', e.aliases], ['country', e.country], ['attributes', e.attrs], ['note', e.note]])];
  for (const ev of e.evidence || []) parts.push(locator(ev));
  parts.push(el('h3', 'relations'));
  const list = el('ul');
  for (const row of data.rows.rows) list.append(el('li', cellText(row.relation)));
  parts.push(list);
  panel(e.name, ...parts);
}

// ---- completion, history, search ----

let completion = { items: [], chosen: 0, start: 0 };

async function complete() {
  const box = $('query');
  const head = box.value.slice(0, box.selectionStart);
  const { ok, data } = await post('/api/complete', { text: head });
  if (!ok || !data.candidates.length) return hideCompletions();
  completion = { items: data.candidates, chosen: 0, start: data.start_utf16 };
  const list = $('completions');
  list.replaceChildren(...data.candidates.map((c, i) => {
    const li = el('li', c.display, i === 0 ? 'chosen' : '');
    li.addEventListener('mousedown', (event) => { event.preventDefault(); accept(i); });
    return li;
  }));
  list.hidden = false;
}

function hideCompletions() { $('completions').hidden = true; }

function accept(i) {
  const box = $('query');
  const c = completion.items[i];
  const end = box.selectionStart;
  box.value = box.value.slice(0, completion.start) + c.replacement + box.value.slice(end);
  const at = completion.start + c.replacement.length;
  box.setSelectionRange(at, at);
  hideCompletions();
  box.focus();
}

function choose(step) {
  const items = $('completions').children;
  if (!items.length) return;
  items[completion.chosen].className = '';
  completion.chosen = (completion.chosen + step + items.length) % items.length;
  items[completion.chosen].className = 'chosen';
  items[completion.chosen].scrollIntoView({ block: 'nearest' });
}

function onKey(event) {
  const open = !$('completions').hidden;
  if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
    event.preventDefault();
    run($('query').value);
  } else if ((event.key === 'Tab' && !event.shiftKey) || (event.key === ' ' && event.ctrlKey)) {
    event.preventDefault();
    if (open) accept(completion.chosen); else complete();
  } else if (open && event.key === 'Enter') {
    event.preventDefault();
    accept(completion.chosen);
  } else if (open && (event.key === 'ArrowDown' || event.key === 'ArrowUp')) {
    event.preventDefault();
    choose(event.key === 'ArrowDown' ? 1 : -1);
  } else if (event.key === 'Escape') {
    hideCompletions();
  }
}

function loadHistory() {
  try {
    const list = JSON.parse(localStorage.getItem(HISTORY_KEY) || '[]');
    return Array.isArray(list) ? list.filter((s) => typeof s === 'string') : [];
  } catch (_) {
    return [];
  }
}

function remember_(statement) {
  const list = [statement, ...loadHistory().filter((s) => s !== statement)].slice(0, HISTORY_MAX);
  localStorage.setItem(HISTORY_KEY, JSON.stringify(list));
  showHistory();
}

function showHistory() {
  const select = $('history');
  const options = loadHistory().map((s) => {
    const option = el('option', s.length > 80 ? s.slice(0, 79) + '…' : s);
    option.value = s;
    return option;
  });
  select.replaceChildren(el('option', 'History'), ...options);
  select.firstChild.value = '';
}

let searchTimer = null;
function search() {
  clearTimeout(searchTimer);
  searchTimer = setTimeout(async () => {
    const typed = $('search').value.replaceAll('"', '');
    const list = $('search-results');
    if (!typed.trim()) { list.hidden = true; return; }
    const { ok, data } = await post('/api/complete', { text: 'show "' + typed });
    if (!ok) return;
    list.replaceChildren(...data.candidates.slice(0, 30).map((c) => {
      const li = el('li', c.display);
      li.addEventListener('mousedown', (event) => {
        event.preventDefault();
        list.hidden = true;
        run('show ' + c.replacement);
      });
      return li;
    }));
    list.hidden = !data.candidates.length;
  }, 150);
}

// ---- downloads ----

function save(name, type, text) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = el('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

async function download(format, name, type) {
  if (!state.statement) return;
  const { ok, data } = await post('/api/export', { statement: state.statement, format });
  if (!ok) return showError(state.statement, data);
  save(name, type, typeof data === 'string' ? data : JSON.stringify(data, null, 2));
}

// ---- start ----

// What the browser tests (tests/browser/) and a curious reader at the console may look at.
window.kgq = Object.freeze({
  cy: () => state.cy,
  relations: (edgeId) => (state.edges.get(edgeId) || { relations: [] }).relations,
  showCard: (id) => showCard(id),
});

async function start() {
  const response = await fetch('/api/schema');
  state.schema = await response.json();
  for (const k of state.schema.kinds) state.kinds.set(k.name, k);
  for (const s of state.schema.sources) state.sources.set(s.id, s.title);
  $('counts').textContent = `${state.schema.entities} entities, ${state.schema.relation_count} relations`;
  initGraph();
  showHistory();
  $('query').addEventListener('keydown', onKey);
  $('query').addEventListener('input', () => { if (!$('completions').hidden) complete(); });
  $('query').addEventListener('blur', hideCompletions);
  $('run').addEventListener('click', () => run($('query').value));
  $('history').addEventListener('change', (event) => {
    if (event.target.value) $('query').value = event.target.value;
    event.target.selectedIndex = 0;
  });
  $('fit').addEventListener('click', () => state.cy.fit(undefined, 40));
  $('search').addEventListener('input', search);
  $('search').addEventListener('blur', () => { $('search-results').hidden = true; });
  $('dl-dot').addEventListener('click', () => download('dot', 'kgq-answer.dot', 'text/vnd.graphviz'));
  $('dl-json').addEventListener('click', () => download('json', 'kgq-answer.json', 'application/json'));
  $('dl-csv').addEventListener('click', () => download('csv', 'kgq-answer.csv', 'text/csv'));
  $('dl-svg').addEventListener('click', () => { if (state.cy.nodes().nonempty()) save('kgq-view.svg', 'image/svg+xml', viewSvg(state.cy)); });
  const asked = new URLSearchParams(location.search).get('q');
  if (asked) await run(asked, { remember: false });
  document.body.dataset.ready = 'yes';
}

start();
