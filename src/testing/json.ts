/**
 * JSON output of the emulator. Stream lengths are Java's `Long.MAX_VALUE`, which no JS number can
 * hold: tracks carry `Number.MAX_SAFE_INTEGER` as a stand-in (as the track codec does) and the
 * serialised text gets the exact literal back, so clients see what a real Lavalink sends.
 */

const SAFE_LENGTH = `"length":${Number.MAX_SAFE_INTEGER}`;
const JAVA_LENGTH = '"length":9223372036854775807';

/** `JSON.stringify` with stream lengths written as `9223372036854775807`. */
export function stringify(value: unknown): string {
  const text = JSON.stringify(value);
  return text.includes(SAFE_LENGTH) ? text.replaceAll(SAFE_LENGTH, JAVA_LENGTH) : text;
}
