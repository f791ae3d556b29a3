// A small SVG line chart of the last few minutes: one polyline per series, redrawn on push.
// At one point a second and a few series this is far cheaper than any charting library.

const SVG = 'http://www.w3.org/2000/svg';
const W = 600;
const H = 160;
const PAD = { left: 48, right: 8, top: 8, bottom: 20 };

function svg(tag, attrs = {}) {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  return node;
}

/** A round number at or above `max` for the y axis (1, 2, 5 × 10^n). */
function niceMax(max) {
  if (max <= 0) return 1;
  const p = 10 ** Math.floor(Math.log10(max));
  return [1, 2, 5, 10].map((m) => m * p).find((v) => v >= max);
}

export class LineChart {
  /**
   * @param figure  a <figure> to draw in (its <figcaption> is kept)
   * @param series  [{key, label, color}]
   * @param points  how many points to keep (one a second: 300 is five minutes)
   * @param unit    appended to values in the legend ('/s' for rates)
   */
  constructor(figure, { title, series, points = 300, unit = '' }) {
    Object.assign(this, { series, points, unit });
    this.data = [];
    this.svg = svg('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': title, class: 'chart' });
    this.svg.dataset.updates = '0';
    this.grid = svg('g', { class: 'grid' });
    this.lines = series.map((s) => svg('polyline', { fill: 'none', stroke: s.color, 'stroke-width': 2 }));
    this.svg.append(this.grid, ...this.lines);
    this.legend = document.createElement('ul');
    this.legend.className = 'legend';
    this.values = series.map((s) => {
      const li = document.createElement('li');
      const swatch = document.createElement('span');
      swatch.className = 'swatch';
      swatch.style.background = s.color;
      const value = document.createElement('strong');
      li.append(swatch, `${s.label} `, value);
      this.legend.append(li);
      return value;
    });
    figure.append(this.svg, this.legend);
    this.draw();
  }

  /** Adds one point ({key: number}) and redraws. */
  push(values) {
    this.data.push(values);
    if (this.data.length > this.points) this.data.shift();
    this.series.forEach((s, i) => {
      this.values[i].textContent = `${format(values[s.key])}${this.unit}`;
    });
    this.svg.dataset.updates = String(Number(this.svg.dataset.updates) + 1);
    this.draw();
  }

  draw() {
    const max = niceMax(Math.max(0, ...this.data.flatMap((d) => this.series.map((s) => d[s.key] ?? 0))));
    const plotW = W - PAD.left - PAD.right;
    const plotH = H - PAD.top - PAD.bottom;
    const x = (i) => PAD.left + (plotW * (this.points - this.data.length + i)) / (this.points - 1);
    const y = (v) => PAD.top + plotH - (plotH * v) / max;
    this.grid.replaceChildren();
    for (const f of [0, 0.5, 1]) {
      const v = max * f;
      this.grid.append(svg('line', { x1: PAD.left, x2: W - PAD.right, y1: y(v), y2: y(v) }));
      const label = svg('text', { x: PAD.left - 6, y: y(v) + 4, 'text-anchor': 'end' });
      label.textContent = format(v);
      this.grid.append(label);
    }
    const minutes = Math.round(this.points / 60);
    const left = svg('text', { x: PAD.left, y: H - 4 });
    left.textContent = `${minutes} min ago`;
    const right = svg('text', { x: W - PAD.right, y: H - 4, 'text-anchor': 'end' });
    right.textContent = 'now';
    this.grid.append(left, right);
    this.series.forEach((s, i) => {
      this.lines[i].setAttribute('points', this.data.map((d, j) => `${x(j).toFixed(1)},${y(d[s.key] ?? 0).toFixed(1)}`)
        .join(' '));
    });
  }
}

function format(v) {
  if (v === undefined || v === null) return '';
  if (v >= 1e6) return `${(v / 1e6).toFixed(1)}M`;
  if (v >= 1e4) return `${(v / 1e3).toFixed(0)}k`;
  return Number.isInteger(v) ? String(v) : v.toFixed(1);
}
