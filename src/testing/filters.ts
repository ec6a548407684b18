/**
 * Filters in a player update (protocol reference §6): validated the way Lavalink's JSON model and
 * config checks do, and echoed back with every inner field filled with its default (as since 4.1).
 */
import { BUILT_IN_FILTERS } from '../protocol/filters.js';
import type { EqualizerBand, Filters } from '../protocol/filters.js';
import { GENERIC_BAD_REQUEST, RestFailure } from './rest-failure.js';

const OBJECT_FILTER_DEFAULTS: Readonly<Record<string, Readonly<Record<string, number>>>> = {
  karaoke: { level: 1, monoLevel: 1, filterBand: 220, filterWidth: 100 },
  timescale: { speed: 1, pitch: 1, rate: 1 },
  tremolo: { frequency: 2, depth: 0.5 },
  vibrato: { frequency: 2, depth: 0.5 },
  rotation: { rotationHz: 0 },
  distortion: {
    sinOffset: 0,
    sinScale: 1,
    cosOffset: 0,
    cosScale: 1,
    tanOffset: 0,
    tanScale: 1,
    offset: 0,
    scale: 1,
  },
  channelMix: { leftToLeft: 1, leftToRight: 0, rightToLeft: 0, rightToRight: 1 },
  lowPass: { smoothing: 20 },
};

const EQUALIZER_BANDS = 15;

/** Validates the `filters` of a player update; throws a {@link RestFailure} on a bad value. */
export function parseFilters(raw: unknown, disabled: ReadonlySet<string>): Filters {
  if (!isObject(raw)) throw new RestFailure(400, GENERIC_BAD_REQUEST);
  const used = BUILT_IN_FILTERS.filter((name) => raw[name] !== undefined && raw[name] !== null);
  const plugin = raw.pluginFilters;
  if (plugin !== undefined && !isObject(plugin)) throw new RestFailure(400, GENERIC_BAD_REQUEST);
  const names = [...used, ...Object.keys(plugin ?? {})];
  const refused = names.filter((name) => disabled.has(name));
  if (refused.length > 0) {
    throw new RestFailure(400, `Following filters are disabled in the config: ${refused.join(', ')}`);
  }
  const filters: Filters = {};
  if ('volume' in raw) {
    if (typeof raw.volume !== 'number') throw new RestFailure(400, GENERIC_BAD_REQUEST);
    filters.volume = raw.volume;
  }
  if ('equalizer' in raw) filters.equalizer = parseEqualizer(raw.equalizer);
  for (const [name, defaults] of Object.entries(OBJECT_FILTER_DEFAULTS)) {
    const value = raw[name];
    if (value === undefined || value === null) continue;
    (filters as Record<string, unknown>)[name] = withDefaults(value, defaults);
  }
  if (plugin !== undefined && Object.keys(plugin).length > 0) filters.pluginFilters = { ...plugin };
  return filters;
}

/** How fast the position advances under these filters (timescale speed × rate). */
export function playbackRate(filters: Filters): number {
  return (filters.timescale?.speed ?? 1) * (filters.timescale?.rate ?? 1);
}

function parseEqualizer(value: unknown): EqualizerBand[] {
  if (!Array.isArray(value)) throw new RestFailure(400, GENERIC_BAD_REQUEST);
  const bands = value.map((entry: unknown): EqualizerBand => {
    if (!isObject(entry) || !Number.isInteger(entry.band)) throw new RestFailure(400, GENERIC_BAD_REQUEST);
    if (entry.gain !== undefined && typeof entry.gain !== 'number')
      throw new RestFailure(400, GENERIC_BAD_REQUEST);
    // Lavalink's model defaults an omitted gain to 1.0, not 0.
    return { band: entry.band as number, gain: entry.gain ?? 1 };
  });
  const outside = bands.find((entry) => entry.band < 0 || entry.band >= EQUALIZER_BANDS);
  if (outside) {
    throw new RestFailure(500, `Index ${outside.band} out of bounds for length ${EQUALIZER_BANDS}`);
  }
  return bands;
}

function withDefaults(value: unknown, defaults: Readonly<Record<string, number>>): Record<string, number> {
  if (!isObject(value)) throw new RestFailure(400, GENERIC_BAD_REQUEST);
  const filled: Record<string, number> = { ...defaults };
  for (const key of Object.keys(defaults)) {
    const field = value[key];
    if (field === undefined) continue;
    if (typeof field !== 'number') throw new RestFailure(400, GENERIC_BAD_REQUEST);
    filled[key] = field;
  }
  return filled;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
