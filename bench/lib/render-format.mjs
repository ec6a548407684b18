// Formatting shared by the RESULTS.md sections (render.mjs, render-state.mjs).

export const NAMES = {
  floor: 'floor (bare `ws` + `JSON.parse`)',
  empty: 'empty `node` process',
  'lavafleet-node': 'lavafleet `Node`',
  lavafleet: 'lavafleet `Pool`',
  shoukaku: 'Shoukaku',
  'lavalink-client': 'lavalink-client',
};
export const PEERS = ['lavafleet', 'shoukaku', 'lavalink-client'];

export const num = (value, digits = 2) =>
  value === null || value === undefined || !Number.isFinite(value)
    ? '—'
    : value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
export const range = (s, digits = 2) =>
  s?.min === null || s?.min === undefined ? '—' : `${num(s.min, digits)}–${num(s.max, digits)}`;
export const ratio = (value, best) =>
  Number.isFinite(value) && Number.isFinite(best) && best > 0 ? `${num(value / best, 2)}×` : '—';
export const verdict = (ok) => (ok === null ? '—' : ok ? '**pass**' : '**FAIL**');
export const failed = (result) => result === undefined || result === null || result.error !== undefined;

export function table(header, rows) {
  const lines = [`| ${header.join(' | ')} |`, `| ${header.map(() => '---').join(' | ')} |`];
  for (const row of rows) lines.push(`| ${row.join(' | ')} |`);
  return lines.join('\n');
}

export function summarize(values) {
  const finite = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (finite.length === 0) return { median: null, min: null, max: null, samples: 0 };
  const mid = finite.length >> 1;
  const median = finite.length % 2 ? finite[mid] : (finite[mid - 1] + finite[mid]) / 2;
  return { median, min: finite[0], max: finite[finite.length - 1], samples: finite.length };
}

export const bestOf = (values) => {
  const finite = values.filter((v) => Number.isFinite(v));
  return finite.length ? Math.min(...finite) : null;
};
