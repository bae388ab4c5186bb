// The report's HTML page: one self-contained file. uPlot (MIT) and its stylesheet are inlined, the charts' data
// is a JSON script element (escaped so no name can close it), and a small script draws each chart with its
// marks: a vertical line per mark in its kind's colour, a point where a decision sets a series (an HPA's new
// size, a node group's new size), a legend with each kind's count, and the labels of the marks nearest the
// cursor. The body's data-charts-drawn and data-errors attributes let a headless browser check the page.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { MARK_KINDS, type Mark, type MarkKind } from './marks.js';

export interface Chart {
  title: string;
  unit: string;
  x: number[];
  series: { label: string; values: (number | null)[] }[];
  /** The kinds of marks drawn on this chart (none for a sweep's charts). */
  marks: MarkKind[];
}

export interface PageData {
  charts: Chart[];
  marks: Mark[];
  /** A sweep's cell ids (the x axis), or null for a run (x is virtual time). */
  cells: string[] | null;
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** JSON safe inside a <script> element. */
export function scriptJson(v: unknown): string {
  return JSON.stringify(v)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/** Draws the charts of the page's data; runs in the browser (ES5, no modules). */
const CLIENT = `
window.onerror = function (m) { document.body.dataset.errors += String(m) + ';'; };
(function () {
  var d = JSON.parse(document.getElementById('data').textContent);
  var kinds = JSON.parse(document.getElementById('kinds').textContent);
  var colorOf = {}; kinds.forEach(function (k) { colorOf[k.kind] = k.color; });
  var colors = ['#1f77b4','#ff7f0e','#2ca02c','#d62728','#9467bd','#8c564b','#e377c2','#7f7f7f','#bcbd22','#17becf'];
  var drawn = 0;
  d.charts.forEach(function (c) {
    if (c.x.length === 0) return;
    var box = document.createElement('div'); box.className = 'chart';
    var h = document.createElement('h2'); h.textContent = c.unit ? c.title + ' (' + c.unit + ')' : c.title; box.appendChild(h);
    document.getElementById('charts').appendChild(box);
    var marks = d.marks.filter(function (m) { return c.marks.indexOf(m.kind) >= 0; });
    var seriesIndex = {}; c.series.forEach(function (s, i) { seriesIndex[s.label] = i + 1; });
    var hover = document.createElement('div'); hover.className = 'hover';
    var plugin = { hooks: {
      draw: [function (u) {
        var ctx = u.ctx; ctx.save(); ctx.lineWidth = 1; ctx.globalAlpha = 0.45;
        marks.forEach(function (m) {
          var x = u.valToPos(m.t, 'x', true);
          if (x < u.bbox.left || x > u.bbox.left + u.bbox.width) return;
          ctx.strokeStyle = colorOf[m.kind];
          ctx.beginPath(); ctx.moveTo(x, u.bbox.top); ctx.lineTo(x, u.bbox.top + u.bbox.height); ctx.stroke();
        });
        ctx.globalAlpha = 1;
        marks.forEach(function (m) {
          var i = m.series === undefined ? undefined : seriesIndex[m.series];
          if (i === undefined || m.y === undefined) return;
          var x = u.valToPos(m.t, 'x', true), y = u.valToPos(m.y, 'y', true);
          if (x < u.bbox.left || x > u.bbox.left + u.bbox.width) return;
          ctx.fillStyle = colorOf[m.kind]; ctx.strokeStyle = '#fff';
          ctx.beginPath(); ctx.moveTo(x, y - 6); ctx.lineTo(x - 5, y + 3); ctx.lineTo(x + 5, y + 3); ctx.closePath();
          ctx.fill(); ctx.stroke();
        });
        ctx.restore();
      }],
      setCursor: [function (u) {
        if (u.cursor.left === undefined || u.cursor.left < 0) { hover.textContent = ''; return; }
        var near = marks.filter(function (m) { return Math.abs(u.valToPos(m.t, 'x') - u.cursor.left) <= 4; });
        hover.textContent = near.slice(0, 6).map(function (m) { return 't=' + m.t + ' s: ' + m.label; }).join('; ') +
          (near.length > 6 ? '; ...' : '');
      }]
    } };
    var cells = d.cells;
    var xAxis = cells
      ? { label: 'cell', values: function (u, vals) { return vals.map(function (v) { return Number.isInteger(v) && cells[v] !== undefined ? cells[v] : ''; }); } }
      : { label: 'virtual time, s' };
    var series = [{ label: cells ? 'cell' : 'time_s' }].concat(c.series.map(function (s, i) {
      var line = { label: s.label, stroke: colors[(cells ? (i === 0 ? 0 : 3) : i) % colors.length], spanGaps: true };
      if (cells) { line.points = { show: true, size: i === 0 ? 9 : 6 }; line.paths = function () { return null; }; }
      return line;
    }));
    var opts = { width: Math.min(1100, window.innerWidth - 60), height: 240, scales: { x: { time: false } }, plugins: [plugin],
      axes: [xAxis, { label: c.unit }], series: series };
    new uPlot(opts, [c.x].concat(c.series.map(function (s) { return s.values; })), box);
    var legend = document.createElement('div'); legend.className = 'marks';
    kinds.forEach(function (k) {
      var n = marks.filter(function (m) { return m.kind === k.kind; }).length;
      if (n === 0) return;
      var item = document.createElement('span');
      var swatch = document.createElement('i'); swatch.style.background = k.color; item.appendChild(swatch);
      item.appendChild(document.createTextNode(k.text + ' (' + n + ')'));
      legend.appendChild(item);
    });
    if (legend.childNodes.length) { box.appendChild(legend); box.appendChild(hover); }
    drawn++;
  });
  document.body.dataset.chartsDrawn = String(drawn);
})();
`;

/** The HTML page: a title, HTML before and after the charts, and the charts' data (escaped) with uPlot inlined. */
export function page(title: string, before: string, data: PageData, after: string): string {
  const require = createRequire(import.meta.url);
  const uplotJs = readFileSync(require.resolve('uplot/dist/uPlot.iife.min.js'), 'utf8');
  const uplotCss = readFileSync(require.resolve('uplot/dist/uPlot.min.css'), 'utf8');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>${uplotCss}
body{font-family:system-ui,sans-serif;margin:1.5em;color:#222}h1{font-size:1.3em}h2{font-size:1.05em;margin:1.2em 0 .3em}
table{border-collapse:collapse;font-size:.85em}td,th{border:1px solid #ddd;padding:.2em .5em;text-align:left}
td.num{text-align:right}.chart{margin-bottom:1em}.best{background:#e6f4e6}.sig{font-weight:bold}
.marks{font-size:.8em;color:#444}.marks span{margin-right:1.2em}.marks i{display:inline-block;width:.8em;height:.8em;margin-right:.3em;vertical-align:-.05em}
.hover{font-size:.8em;color:#444;min-height:1.2em}</style></head>
<body data-charts-drawn="0" data-errors="">
<h1>${escapeHtml(title)}</h1>
${before}
<div id="charts"></div>
${after}
<script type="application/json" id="data">${scriptJson(data)}</script>
<script type="application/json" id="kinds">${scriptJson(MARK_KINDS)}</script>
<script>${uplotJs}</script>
<script>${CLIENT}</script>
</body></html>
`;
}
