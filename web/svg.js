// The web view's drawing as a standalone SVG file (web/app.js's SVG download): nodes and
// edges where cytoscape has them now, in the kinds' colours, names wrapped. Built with the
// DOM and written by XMLSerializer, so every name is escaped.
'use strict';

// Characters XML 1.0 cannot hold (controls but tab, line feed and carriage return), which
// the serialiser would write raw and leave the file unreadable, shown as \xNN as kgq's
// other XML outputs show them.
function xmlText(text) {
  return String(text).replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F\uFFFE\uFFFF]/g,
    (c) => '\\x' + c.charCodeAt(0).toString(16).padStart(2, '0'));
}

// The view as drawn (positions, expansions included) as SVG, built with the DOM so every
// name is escaped by the serialiser. Shapes are simplified to ellipses and rectangles.
function viewSvg(cy) {
  const NS = 'http://www.w3.org/2000/svg';
  const box = cy.elements().boundingBox();
  const svg = document.createElementNS(NS, 'svg');
  const pad = 20;
  svg.setAttribute('xmlns', NS);
  svg.setAttribute('viewBox', `${box.x1 - pad} ${box.y1 - pad} ${box.w + 2 * pad} ${box.h + 2 * pad}`);
  svg.setAttribute('font-family', 'sans-serif');
  const make = (tag, attrs, text) => {
    const node = document.createElementNS(NS, tag);
    for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
    if (text !== undefined) node.textContent = xmlText(text);
    svg.append(node);
    return node;
  };
  const marker = make('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: 10, refY: 5, markerWidth: 8, markerHeight: 8, orient: 'auto' });
  marker.append(document.createElementNS(NS, 'path'));
  marker.firstChild.setAttribute('d', 'M 0 0 L 10 5 L 0 10 z');
  marker.firstChild.setAttribute('fill', '#6b7280');
  cy.edges().forEach((e) => {
    const [s, t] = [e.sourceEndpoint(), e.targetEndpoint()];
    const dashed = ['alleged', 'disputed'].includes(e.data('status')) ? { 'stroke-dasharray': '6 4' } : {};
    const arrow = e.data('directed') ? { 'marker-end': 'url(#arrow)' } : {};
    make('line', { x1: s.x, y1: s.y, x2: t.x, y2: t.y, stroke: '#6b7280', 'stroke-width': 1.5, ...dashed, ...arrow });
    make('text', { x: (s.x + t.x) / 2, y: (s.y + t.y) / 2 - 4, 'font-size': 10, 'text-anchor': 'middle' }, e.data('label'));
  });
  cy.nodes().forEach((n) => {
    const { x, y } = n.position();
    const [w, h] = [n.width(), n.height()];
    const stroke = { stroke: '#374151', 'stroke-width': n.data('focus') ? 3 : 1, fill: n.data('color') };
    if (n.data('shape') === 'ellipse') make('ellipse', { cx: x, cy: y, rx: w / 2, ry: h / 2, ...stroke });
    else make('rect', { x: x - w / 2, y: y - h / 2, width: w, height: h, rx: 4, ...stroke });
    const lines = wrap(n.data('name'), 22);
    const text = make('text', { x, y: y + 4 - (lines.length - 1) * 6.5, 'font-size': 11, 'text-anchor': 'middle' });
    lines.forEach((line, i) => {
      const span = document.createElementNS(NS, 'tspan');
      span.setAttribute('x', String(x));
      if (i) span.setAttribute('dy', '13');
      span.textContent = xmlText(line);
      text.append(span);
    });
  });
  return '<?xml version="1.0" encoding="UTF-8"?>\n' + new XMLSerializer().serializeToString(svg) + '\n';
}

// Words in lines of about `width` characters, as the drawing wraps names.
function wrap(text, width) {
  const lines = [];
  for (const word of String(text).split(/\s+/)) {
    const last = lines.length - 1;
    if (last >= 0 && lines[last].length + 1 + word.length <= width) lines[last] += ' ' + word;
    else lines.push(word);
  }
  return lines;
}
