/**
 * Audio filter validation: the valid range of every field, a normaliser for raw objects and server
 * echoes, and `speedOf` for position interpolation (protocol reference §6). The builder is in
 * `filters.ts`, which re-exports the public part of this file.
 *
 * Lavalink does not range-check filters, so lavafleet does: a typo fails here, with the option name,
 * instead of sounding wrong. A PATCH with `filters` replaces every filter, so output holds only the
 * active ones and a disabled filter is simply absent.
 */
import { invalidOption } from '../errors.js';
import { BUILT_IN_FILTERS, type EqualizerBand, type Filters } from '../protocol/filters.js';
import { requireObject } from '../util/validate.js';

/** A built-in filter name. */
export type FilterName = (typeof BUILT_IN_FILTERS)[number];

/** The built-in filters whose value is an object (nullable on the wire). */
export type ObjectFilterName = Exclude<FilterName, 'volume' | 'equalizer'>;

/** Highest filter `volume` (1 = 100 %); above 1 the audio may clip. */
export const MAX_FILTER_VOLUME = 5;

/**
 * Highest timescale `speed`, `pitch` and `rate`. Lavalink sets none, but beyond 10x the result is
 * noise, and the cap catches percentages (`150`) passed where a factor (`1.5`) is meant.
 */
export const MAX_TIMESCALE = 10;

/** Number of equalizer bands (indexes 0..14, 25 Hz .. 16 kHz). */
export const EQUALIZER_BANDS = 15;

/** Options of {@link normalizeFilters}. */
export interface NormalizeFiltersOptions {
  /**
   * `'strict'` for user input: ranges are checked and unknown keys rejected. `'lenient'` for what a
   * server sent back: only types are checked (plus equalizer band indexes) and unknown keys are kept.
   * @defaultValue 'strict'
   */
  mode?: 'strict' | 'lenient';
}

interface Range {
  min: number;
  max: number;
  minExclusive?: boolean;
}

const FREE: Range = { min: -Infinity, max: Infinity };
const UNIT: Range = { min: 0, max: 1 };
const NON_NEGATIVE: Range = { min: 0, max: Infinity };
const POSITIVE: Range = { min: 0, max: Infinity, minExclusive: true };
const DEPTH: Range = { min: 0, max: 1, minExclusive: true };
const TIMESCALE: Range = { min: 0, max: MAX_TIMESCALE, minExclusive: true };
const VOLUME: Range = { min: 0, max: MAX_FILTER_VOLUME };
const GAIN: Range = { min: -0.25, max: 1 };

/** Valid range of every field of every object filter; the keys double as the list of known fields. */
const FIELD_RANGES: {
  readonly [K in ObjectFilterName]: { readonly [F in keyof NonNullable<Filters[K]>]-?: Range };
} = {
  karaoke: { level: UNIT, monoLevel: UNIT, filterBand: NON_NEGATIVE, filterWidth: NON_NEGATIVE },
  timescale: { speed: TIMESCALE, pitch: TIMESCALE, rate: TIMESCALE },
  tremolo: { frequency: POSITIVE, depth: DEPTH },
  vibrato: { frequency: { min: 0, max: 14, minExclusive: true }, depth: DEPTH },
  // Negative would only reverse the direction; >= 0 keeps one meaning per value.
  rotation: { rotationHz: NON_NEGATIVE },
  distortion: {
    sinOffset: FREE,
    sinScale: FREE,
    cosOffset: FREE,
    cosScale: FREE,
    tanOffset: FREE,
    tanScale: FREE,
    offset: FREE,
    scale: FREE,
  },
  channelMix: { leftToLeft: UNIT, leftToRight: UNIT, rightToLeft: UNIT, rightToRight: UNIT },
  // Smoothing <= 1 disables the filter on the server; allowed so a caller can keep the object.
  lowPass: { smoothing: NON_NEGATIVE },
};

/** The object filters, in wire order. @internal */
export const OBJECT_FILTERS: readonly ObjectFilterName[] = BUILT_IN_FILTERS.filter(
  (name): name is ObjectFilterName => Object.hasOwn(FIELD_RANGES, name),
);

/**
 * Validates a filters object (a user's, or a server echo with `mode: 'lenient'`) and returns a fresh
 * canonical copy: `null` and empty filters dropped, equalizer bands sorted, merged (last wins) and
 * zero gains dropped. Throws a TypeError/RangeError naming e.g. `filters.timescale.speed`.
 */
export function normalizeFilters(input: Filters, options: NormalizeFiltersOptions = {}): Filters {
  const strict = (options.mode ?? 'strict') === 'strict';
  const raw = requireObject('filters', input);
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (value === undefined || (value === null && isObjectFilter(key))) continue;
    if (key === 'volume') out.volume = checkNumber('filters.volume', value, VOLUME, strict);
    else if (key === 'equalizer') setIfAny(out, key, bandsOf(normalizeEqualizer(value, strict)));
    else if (key === 'pluginFilters') setIfAny(out, key, normalizePlugins(value));
    else if (isObjectFilter(key)) out[key] = normalizeObjectFilter(key, value, strict);
    else if (!strict) out[key] = cloneJson(`filters.${key}`, value);
    else throw invalidOption('type', `filters.${key}`, `a known filter (${KNOWN.join(', ')})`, value);
  }
  return out;
}

/** Effective playback speed (timescale `speed` × `rate`, 1 without timescale), for interpolating position. */
export function speedOf(filters: Filters | null | undefined): number {
  const timescale = filters?.timescale;
  return factor(timescale?.speed) * factor(timescale?.rate);
}

const KNOWN: readonly string[] = [...BUILT_IN_FILTERS, 'pluginFilters'];
const MAX_JSON_DEPTH = 32;

/** Whether a name is a built-in object filter. @internal */
export function isObjectFilter(name: string): name is ObjectFilterName {
  return Object.hasOwn(FIELD_RANGES, name);
}

/** Validates one object filter into a fresh copy. @internal */
export function normalizeObjectFilter(
  name: ObjectFilterName,
  value: unknown,
  strict: boolean,
): Record<string, unknown> {
  const option = `filters.${name}`;
  const ranges: Readonly<Record<string, Range>> = FIELD_RANGES[name];
  const out: Record<string, unknown> = {};
  for (const [field, fieldValue] of Object.entries(requireObject(option, value))) {
    if (fieldValue === undefined) continue;
    const range = Object.hasOwn(ranges, field) ? ranges[field] : undefined;
    if (range !== undefined) out[field] = checkNumber(`${option}.${field}`, fieldValue, range, strict);
    else if (!strict) out[field] = cloneJson(`${option}.${field}`, fieldValue);
    else {
      const known = Object.keys(ranges).join(', ');
      throw invalidOption('type', `${option}.${field}`, `a known ${name} field (${known})`, fieldValue);
    }
  }
  return out;
}

/** Validates equalizer bands into a band → gain map (later duplicates win). @internal */
export function normalizeEqualizer(value: unknown, strict: boolean): Map<number, number> {
  if (!Array.isArray(value))
    throw invalidOption('type', 'filters.equalizer', 'an array of { band, gain }', value);
  const gains = new Map<number, number>();
  value.forEach((entry: unknown, i) => {
    const option = `filters.equalizer[${i}]`;
    const { band, gain, ...rest } = requireObject(option, entry);
    const extra = Object.keys(rest)[0];
    if (strict && extra !== undefined)
      throw invalidOption('type', `${option}.${extra}`, 'only band and gain', rest[extra]);
    // The band index is checked even for server data: an index outside 0..14 crashes Lavalink.
    gains.set(checkBand(`${option}.band`, band), checkNumber(`${option}.gain`, gain, GAIN, strict));
  });
  return gains;
}

/** Wire bands from a band → gain map: sorted, zero gains dropped. @internal */
export function bandsOf(gains: ReadonlyMap<number, number>): EqualizerBand[] {
  return [...gains]
    .filter(([, gain]) => gain !== 0)
    .sort(([a], [b]) => a - b)
    .map(([band, gain]) => ({ band, gain }));
}

function normalizePlugins(value: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, filter] of Object.entries(requireObject('filters.pluginFilters', value))) {
    if (filter !== undefined) define(out, name, cloneJson(`filters.pluginFilters.${name}`, filter));
  }
  return out;
}

function setIfAny(out: Record<string, unknown>, key: string, value: object): void {
  if (Object.keys(value).length > 0) out[key] = value;
}

/** Checks an equalizer band index (0..14). @internal */
export function checkBand(option: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw invalidOption('type', option, 'an integer band index', value);
  }
  if (value < 0 || value >= EQUALIZER_BANDS) {
    throw invalidOption('range', option, `a band index from 0 to ${EQUALIZER_BANDS - 1}`, value);
  }
  return value;
}

function checkNumber(option: string, value: unknown, range: Range, strict: boolean): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw invalidOption('type', option, 'a finite number', value);
  }
  const aboveMin = range.minExclusive === true ? value > range.min : value >= range.min;
  if (strict && !(aboveMin && value <= range.max)) {
    const low = `${range.minExclusive === true ? 'greater than' : 'at least'} ${range.min}`;
    const high = range.max === Infinity ? '' : ` and at most ${range.max}`;
    throw invalidOption('range', option, `a number ${low}${high}`, value);
  }
  return value;
}

/** Checks a filter volume (0..5). @internal */
export function checkVolume(value: unknown): number {
  return checkNumber('filters.volume', value, VOLUME, true);
}

/** Checks an equalizer gain (-0.25..1). @internal */
export function checkGain(option: string, value: unknown): number {
  return checkNumber(option, value, GAIN, true);
}

function factor(value: number | undefined): number {
  return value !== undefined && Number.isFinite(value) && value > 0 ? value : 1;
}

/** A deep copy of a JSON value; anything JSON cannot carry (functions, NaN, class instances) throws. @internal */
export function cloneJson(option: string, value: unknown, depth = 0): unknown {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (depth < MAX_JSON_DEPTH && Array.isArray(value)) {
    return value.map((item: unknown, i) => cloneJson(`${option}[${i}]`, item, depth + 1));
  }
  if (depth < MAX_JSON_DEPTH && isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      if (item !== undefined) define(out, key, cloneJson(`${option}.${key}`, item, depth + 1));
    }
    return out;
  }
  throw invalidOption('type', option, 'a JSON value (plain objects, arrays, strings, finite numbers)', value);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Sets an own property even for `__proto__`, which plain assignment would treat as the prototype. */
function define(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}
