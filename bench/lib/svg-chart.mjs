// A horizontal bar chart as a standalone SVG string, no dependencies: one row per client, the median as
// the bar, min–max as a whisker, the target as a dashed line. The card paints its own background (a
// light one, or a dark one when the viewer prefers dark), so it reads the same on GitHub's light and
// dark themes. Accessible: role="img" with <title> and a <desc> that lists every value.
//
//   renderBarChart({ id, title, subtitle, axisLabel, unit, digits, rows, target, footnote, barLabel })
//   rows: [{ label, kind: 'lavafleet'|'shoukaku'|'lavalink-client'|'floor', median, min, max, note }]
//         (median null: no bar, `note` says why); target: { value, label } or null

const WIDTH = 760;
const PAD = 20;
const LABEL_W = 176;
const VALUE_W = 170;
const ROW_H = 34;
const BAR_H = 18;
const FONT = `system-ui, -apple-system, 'Segoe UI', Helvetica, Arial, sans-serif`;

const STYLE = `
  .bg { fill: #ffffff; stroke: #d0d7de; }
  .title { fill: #1f2328; font: 600 15px ${FONT}; }
  .text { fill: #1f2328; font: 12px ${FONT}; }
  .muted { fill: #59636e; font: 11px ${FONT}; }
  .grid { stroke: #e6e9ed; }
  .axis { stroke: #8c959f; }
  .whisker { stroke: #1f2328; stroke-width: 1.5; }
  .target { stroke: #cf222e; stroke-width: 1.5; stroke-dasharray: 5 4; }
  .target-text { fill: #cf222e; font: 600 11px ${FONT}; }
  .lavafleet { fill: #e8590c; } .shoukaku { fill: #1c7ed6; }
  .lavalink-client { fill: #8250df; } .floor { fill: #8c959f; } .swatch { fill: #59636e; }
  @media (prefers-color-scheme: dark) {
    .bg { fill: #0d1117; stroke: #30363d; }
    .title, .text { fill: #e6edf3; }
    .muted { fill: #9198a1; }
    .grid { stroke: #21262d; }
    .axis { stroke: #6e7681; }
    .whisker { stroke: #e6edf3; }
    .target { stroke: #ff7b72; }
    .target-text { fill: #ff7b72; }
    .lavafleet { fill: #fd7e14; } .shoukaku { fill: #4dabf7; }
    .lavalink-client { fill: #a371f7; } .floor { fill: #9198a1; } .swatch { fill: #9198a1; }
  }`;

const escape = (text) =>
  String(text).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);

const finite = (v) => typeof v === 'number' && Number.isFinite(v);

/** Formats a value with `digits` decimals and thousands separators. */
export function formatValue(value, digits) {
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** The smallest 1, 2, 2.5 or 5 × 10^k at or above `value`, and a tick step that divides it. */
export function niceScale(value) {
  if (!(value > 0)) return { max: 1, step: 0.25 };
  const power = 10 ** Math.floor(Math.log10(value));
  for (const [m, ticks] of [
    [1, 5],
    [2, 4],
    [2.5, 5],
    [5, 5],
    [10, 5],
  ]) {
    if (value <= m * power * (1 + 1e-9)) return { max: m * power, step: (m * power) / ticks };
  }
  return { max: 10 * power, step: 2 * power };
}

// The axis covers medians, the target and whiskers, but a whisker beyond twice the largest median is
// cut (drawn with an arrow; the text on the right gives its real end) so one outlier cannot squash
// every bar.
function domain(rows, target) {
  const medians = rows.map((r) => r.median).filter(finite);
  const top = Math.max(0, ...medians);
  const whiskers = rows.map((r) => (finite(r.max) ? Math.min(r.max, 2 * top) : 0));
  return niceScale(Math.max(top, ...whiskers, finite(target?.value) ? target.value * 1.08 : 0));
}

function valueText(row, digits, unit) {
  if (!finite(row.median)) return row.note ?? 'no data';
  const spread =
    finite(row.min) && finite(row.max) && row.max > row.min
      ? ` (${formatValue(row.min, digits)}–${formatValue(row.max, digits)})`
      : '';
  return `${formatValue(row.median, digits)}${unit ? ` ${unit}` : ''}${spread}`;
}

function rowSvg(row, y, x, scaleMax, { digits, unit }) {
  const cy = y + ROW_H / 2;
  const out = [
    `<text class="text" x="${PAD + LABEL_W - 10}" y="${cy + 4}" text-anchor="end">${escape(row.label)}</text>`,
  ];
  if (finite(row.median)) {
    const w = Math.max(1, x(row.median) - x(0));
    out.push(
      `<rect class="${row.kind}" x="${x(0)}" y="${cy - BAR_H / 2}" width="${w.toFixed(1)}" height="${BAR_H}" rx="2"/>`,
    );
    if (finite(row.min) && finite(row.max) && row.max > row.min) {
      const clipped = row.max > scaleMax;
      const x1 = x(Math.max(0, row.min));
      const x2 = x(Math.min(row.max, scaleMax));
      out.push(`<line class="whisker" x1="${x1}" y1="${cy}" x2="${x2}" y2="${cy}"/>`);
      out.push(`<line class="whisker" x1="${x1}" y1="${cy - 5}" x2="${x1}" y2="${cy + 5}"/>`);
      out.push(
        clipped
          ? `<path class="whisker" fill="none" d="M${x2 - 6} ${cy - 4} L${x2} ${cy} L${x2 - 6} ${cy + 4}"/>`
          : `<line class="whisker" x1="${x2}" y1="${cy - 5}" x2="${x2}" y2="${cy + 5}"/>`,
      );
    }
  }
  const tx = WIDTH - PAD - VALUE_W + 10;
  if (finite(row.median) && row.note) {
    // Two lines: the value, and the note (moved, resumed, requests…) under it.
    out.push(`<text class="text" x="${tx}" y="${cy - 2}">${escape(valueText(row, digits, unit))}</text>`);
    out.push(`<text class="muted" x="${tx}" y="${cy + 11}">${escape(row.note)}</text>`);
  } else {
    const style = finite(row.median) ? 'text' : 'muted';
    out.push(`<text class="${style}" x="${tx}" y="${cy + 4}">${escape(valueText(row, digits, unit))}</text>`);
  }
  return out.join('');
}

function axisSvg(top, bottom, x, { max, step }) {
  const out = [];
  // As many decimals as the step needs (0.25 → 2, 0.2 → 1, 500 → 0).
  let tickDigits = 0;
  while (tickDigits < 4 && Math.abs(step * 10 ** tickDigits - Math.round(step * 10 ** tickDigits)) > 1e-9)
    tickDigits += 1;
  for (let v = 0; v <= max + step / 2; v += step) {
    const tx = x(v).toFixed(1);
    out.push(`<line class="grid" x1="${tx}" y1="${top}" x2="${tx}" y2="${bottom}"/>`);
    out.push(
      `<text class="muted" x="${tx}" y="${bottom + 15}" text-anchor="middle">${formatValue(v, tickDigits)}</text>`,
    );
  }
  out.push(`<line class="axis" x1="${x(0)}" y1="${top}" x2="${x(0)}" y2="${bottom}"/>`);
  out.push(`<line class="axis" x1="${x(0)}" y1="${bottom}" x2="${x(max)}" y2="${bottom}"/>`);
  return out.join('');
}

// The key under the plot: what a bar is, the whisker (when some row has one), the target line.
function legendSvg(y, { barLabel, hasWhiskers, hasTarget }) {
  const items = [
    `<rect class="swatch" x="0" y="-9" width="14" height="10" rx="2"/><text class="muted" x="20" y="0">${escape(barLabel)}</text>`,
  ];
  let at = 36 + barLabel.length * 6.5;
  if (hasWhiskers) {
    const [a, b] = [at, at + 24];
    items.push(
      `<line class="whisker" x1="${a}" y1="-4" x2="${b}" y2="-4"/><line class="whisker" x1="${a}" y1="-9" x2="${a}" y2="1"/><line class="whisker" x1="${b}" y1="-9" x2="${b}" y2="1"/><text class="muted" x="${b + 6}" y="0">min–max</text>`,
    );
    at = b + 76;
  }
  if (hasTarget)
    items.push(
      `<line class="target" x1="${at}" y1="-12" x2="${at}" y2="4"/><text class="muted" x="${at + 8}" y="0">target</text>`,
    );
  return `<g transform="translate(${PAD + LABEL_W} ${y})">${items.join('')}</g>`;
}

/** The chart as an SVG document (a string). */
export function renderBarChart(chart) {
  const { title, subtitle, axisLabel, unit = '', digits = 2, rows, target = null, footnote } = chart;
  const barLabel = chart.barLabel ?? 'median';
  const plotLeft = PAD + LABEL_W;
  const plotRight = WIDTH - PAD - VALUE_W;
  const scale = domain(rows, target);
  const x = (v) => Number((plotLeft + ((plotRight - plotLeft) * v) / scale.max).toFixed(1));
  const top = subtitle ? 70 : 52;
  const bottom = top + rows.length * ROW_H + 4;
  const height = bottom + (footnote ? 88 : 72);
  const idBase = chart.id ?? 'chart';
  const body = [axisSvg(top - 4, bottom, x, scale)];
  rows.forEach((row, i) => body.push(rowSvg(row, top + i * ROW_H, x, scale.max, { digits, unit })));
  if (target && finite(target.value)) {
    const tx = x(target.value);
    body.push(`<line class="target" x1="${tx}" y1="${top - 8}" x2="${tx}" y2="${bottom}"/>`);
    body.push(
      `<text class="target-text" x="${tx}" y="${top - 12}" text-anchor="middle">${escape(target.label)}</text>`,
    );
  }
  body.push(
    `<text class="text" x="${(plotLeft + plotRight) / 2}" y="${bottom + 34}" text-anchor="middle">${escape(axisLabel)}</text>`,
  );
  const hasWhiskers = rows.some((r) => finite(r.median) && finite(r.min) && finite(r.max) && r.max > r.min);
  body.push(legendSvg(bottom + 58, { barLabel, hasWhiskers, hasTarget: Boolean(target) }));
  if (footnote) body.push(`<text class="muted" x="${PAD}" y="${bottom + 78}">${escape(footnote)}</text>`);
  const desc = `${subtitle ? `${subtitle}. ` : ''}${rows.map((r) => `${r.label}: ${valueText(r, digits, unit)}${finite(r.median) && r.note ? `, ${r.note}` : ''}`).join('; ')}.${target ? ` Target: ${target.label}.` : ''}`;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" role="img" aria-labelledby="${idBase}-title ${idBase}-desc">`,
    `<title id="${idBase}-title">${escape(title)}</title>`,
    `<desc id="${idBase}-desc">${escape(desc)}</desc>`,
    `<style>${STYLE}</style>`,
    `<rect class="bg" x="0.5" y="0.5" width="${WIDTH - 1}" height="${height - 1}" rx="6"/>`,
    `<text class="title" x="${PAD}" y="28">${escape(title)}</text>`,
    subtitle ? `<text class="muted" x="${PAD}" y="46">${escape(subtitle)}</text>` : '',
    ...body,
    '</svg>',
    '',
  ].join('\n');
}
