// Inline SVG sparklines: one polyline per series, scaled to its own maximum, named for screen readers.

const SVG = 'http://www.w3.org/2000/svg';

/**
 * A small chart of a series (oldest first). `label` names it ("calls of calc"), `unit` formats the values the
 * accessible name reports (the latest and the highest).
 */
export function spark(values, label, {unit = v => String(v), tone = '', width = 96, height = 22} = {}) {
  const points = (values || []).map(v => (v === null || v === undefined || Number.isNaN(v) ? 0 : v));
  const max = Math.max(0, ...points);
  const last = points.length ? points[points.length - 1] : 0;
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('class', `spark ${tone}`);
  svg.setAttribute('width', width);
  svg.setAttribute('height', height);
  svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
  svg.setAttribute('role', 'img');
  const name = `${label}, last 15 minutes: now ${unit(last)}, highest ${unit(max)}`;
  svg.setAttribute('aria-label', name);
  const title = document.createElementNS(SVG, 'title');
  title.textContent = name;
  svg.append(title);
  if (points.length > 1) {
    const step = width / (points.length - 1);
    const y = v => (max === 0 ? height - 1 : height - 1 - (v / max) * (height - 2));
    const line = document.createElementNS(SVG, 'polyline');
    line.setAttribute('points', points.map((v, i) => `${(i * step).toFixed(1)},${y(v).toFixed(1)}`).join(' '));
    svg.append(line);
  }
  return svg;
}
