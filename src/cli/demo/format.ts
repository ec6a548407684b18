/** Small text helpers shared by the live view and the summary. */

/** `850 ms`, `4.2 s`, `1 min 05 s`. */
export function formatMs(ms: number): string {
  if (ms < 1_000) return `${Math.max(0, Math.round(ms))} ms`;
  if (ms < 60_000) return `${(ms / 1_000).toFixed(1)} s`;
  const seconds = Math.round(ms / 1_000);
  return `${Math.floor(seconds / 60)} min ${String(seconds % 60).padStart(2, '0')} s`;
}

/** `12.3s`: a compact clock for timelines and the progress line. */
export function formatClock(ms: number): string {
  return `${(Math.max(0, ms) / 1_000).toFixed(1)}s`;
}

/** `1 player`, `2 players`. */
export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

const COLORS = { red: 31, green: 32, yellow: 33, cyan: 36, dim: 2, bold: 1 } as const;

/** A colour (or style) of {@link paint}. */
export type Color = keyof typeof COLORS;

/** Wraps `text` in an ANSI colour when `enabled`. */
export function paint(text: string, color: Color, enabled: boolean): string {
  return enabled ? `\x1b[${COLORS[color]}m${text}\x1b[0m` : text;
}

/** Pads to `width` by visible characters (ANSI escapes do not count). */
export function padEnd(text: string, width: number): string {
  return text + ' '.repeat(Math.max(0, width - visibleLength(text)));
}

/** Pads on the left to `width` by visible characters. */
export function padStart(text: string, width: number): string {
  return ' '.repeat(Math.max(0, width - visibleLength(text))) + text;
}

function visibleLength(text: string): number {
  // eslint-disable-next-line no-control-regex -- stripping our own ANSI colour codes
  return text.replace(/\x1b\[[0-9;]*m/g, '').length;
}

/** Cuts `text` to `width` visible characters, keeping ANSI escapes (and resetting colour if cut). */
export function truncate(text: string, width: number): string {
  let visible = 0;
  let out = '';
  let colored = false;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '\x1b') {
      const end = text.indexOf('m', i);
      if (end !== -1) {
        out += text.slice(i, end + 1);
        colored = true;
        i = end;
        continue;
      }
    }
    if (visible === width) return colored ? `${out}\x1b[0m` : out;
    out += text[i];
    visible += 1;
  }
  return out;
}
