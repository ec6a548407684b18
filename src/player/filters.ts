/**
 * Audio filters (protocol reference §6): `FilterBuilder`, a fluent builder of the wire `Filters`
 * object that validates each value as it is set. Validation, `normalizeFilters` and `speedOf` live in
 * `filter-validation.ts` and are re-exported here; presets are in `filter-presets.ts`.
 */
import { invalidOption } from '../errors.js';
import type {
  ChannelMixFilter,
  DistortionFilter,
  EqualizerBand,
  Filters,
  KaraokeFilter,
  LowPassFilter,
  RotationFilter,
  TimescaleFilter,
  TremoloFilter,
  VibratoFilter,
} from '../protocol/filters.js';
import {
  bandsOf,
  checkBand,
  checkGain,
  checkVolume,
  cloneJson,
  isObjectFilter,
  normalizeEqualizer,
  normalizeFilters,
  normalizeObjectFilter,
  OBJECT_FILTERS,
  type ObjectFilterName,
} from './filter-validation.js';

export {
  EQUALIZER_BANDS,
  MAX_FILTER_VOLUME,
  MAX_TIMESCALE,
  normalizeFilters,
  speedOf,
  type FilterName,
  type NormalizeFiltersOptions,
  type ObjectFilterName,
} from './filter-validation.js';

/**
 * Builds the `filters` of a player update, validating each value as it is set.
 *
 * @example
 * ```ts
 * const filters = new FilterBuilder()
 *   .timescale({ speed: 1.1 })
 *   .setBand(0, 0.25)
 *   .plugin('echo', { delay: 0.5, decay: 0.3 })
 *   .toJSON();
 * // { equalizer: [{ band: 0, gain: 0.25 }], timescale: { speed: 1.1 }, pluginFilters: { echo: { ... } } }
 * ```
 */
export class FilterBuilder {
  #volume: number | undefined;
  readonly #bands = new Map<number, number>();
  readonly #objects = new Map<ObjectFilterName, Record<string, unknown>>();
  readonly #plugins = new Map<string, unknown>();

  /** Starts from `initial` (validated strictly), or from no filters. */
  constructor(initial?: Filters) {
    if (initial !== undefined) this.apply(initial);
  }

  /** Whether no filter is active. */
  get isEmpty(): boolean {
    return this.#volume === undefined && this.#bands.size + this.#objects.size + this.#plugins.size === 0;
  }

  /** Filter volume, 0..5 (1 = 100 %). */
  volume(volume: number): this {
    this.#volume = checkVolume(volume);
    return this;
  }

  /** Replaces the whole equalizer; unlisted bands are flat. */
  equalizer(bands: readonly EqualizerBand[]): this {
    const gains = normalizeEqualizer(bands, true);
    this.#bands.clear();
    for (const [band, gain] of gains) this.#bands.set(band, gain);
    return this;
  }

  /** Sets one equalizer band (0..14) to a gain from -0.25 (muted) to 1; 0 makes it flat. */
  setBand(band: number, gain: number): this {
    const index = checkBand('filters.equalizer.band', band);
    const value = checkGain('filters.equalizer.gain', gain);
    if (value === 0) this.#bands.delete(index);
    else this.#bands.set(index, value);
    return this;
  }

  /** Karaoke (removes centre-panned vocals): `level`, `monoLevel` 0..1; `null` disables. */
  karaoke(options: KaraokeFilter | null): this {
    return this.#set('karaoke', options);
  }

  /** Timescale: `speed`, `pitch`, `rate` each above 0 and at most 10; `null` disables. */
  timescale(options: TimescaleFilter | null): this {
    return this.#set('timescale', options);
  }

  /** Tremolo (volume wobble): `frequency` > 0, `depth` in (0, 1]; `null` disables. */
  tremolo(options: TremoloFilter | null): this {
    return this.#set('tremolo', options);
  }

  /** Vibrato (pitch wobble): `frequency` in (0, 14], `depth` in (0, 1]; `null` disables. */
  vibrato(options: VibratoFilter | null): this {
    return this.#set('vibrato', options);
  }

  /** Rotation (stereo panning, "8D"): `rotationHz` >= 0; `null` disables. */
  rotation(options: RotationFilter | null): this {
    return this.#set('rotation', options);
  }

  /** Distortion: any finite offsets and scales; `null` disables. */
  distortion(options: DistortionFilter | null): this {
    return this.#set('distortion', options);
  }

  /** Channel mix: each factor 0..1 (all 0.5 = mono); `null` disables. */
  channelMix(options: ChannelMixFilter | null): this {
    return this.#set('channelMix', options);
  }

  /** Low pass: `smoothing` >= 0, active only above 1; `null` disables. */
  lowPass(options: LowPassFilter | null): this {
    return this.#set('lowPass', options);
  }

  /** Sets a plugin filter (a name listed in `/v4/info` `filters`) to any JSON value. */
  plugin(name: string, value: unknown): this {
    if (typeof name !== 'string' || name.length === 0) {
      throw invalidOption('type', 'filters.pluginFilters', 'a non-empty plugin filter name', name);
    }
    this.#plugins.set(name, cloneJson(`filters.pluginFilters.${name}`, value));
    return this;
  }

  /**
   * Merges filters in (a preset, a saved state): each top-level key replaces the builder's, `null`
   * disables that filter, plugin filters merge by name.
   */
  apply(filters: Filters): this {
    const normalized = normalizeFilters(filters);
    for (const [key, value] of Object.entries(filters)) {
      if (value === null) this.clear(key);
    }
    if (normalized.volume !== undefined) this.#volume = normalized.volume;
    if (filters.equalizer !== undefined) this.equalizer(normalized.equalizer ?? []);
    for (const name of OBJECT_FILTERS) {
      const value = normalized[name];
      if (value != null) this.#objects.set(name, { ...value });
    }
    for (const [name, value] of Object.entries(normalized.pluginFilters ?? {})) {
      this.#plugins.set(name, value);
    }
    return this;
  }

  /**
   * Disables one filter: a built-in name, `'pluginFilters'` for every plugin filter, or any other
   * name for that plugin filter. Without a name, disables everything.
   */
  clear(name?: string): this {
    if (name === undefined) return this.reset();
    if (name === 'volume') this.#volume = undefined;
    else if (name === 'equalizer') this.#bands.clear();
    else if (name === 'pluginFilters') this.#plugins.clear();
    else if (isObjectFilter(name)) this.#objects.delete(name);
    else this.#plugins.delete(name);
    return this;
  }

  /** Disables every filter. */
  reset(): this {
    this.#volume = undefined;
    this.#bands.clear();
    this.#objects.clear();
    this.#plugins.clear();
    return this;
  }

  /** A fresh wire `Filters` object holding only the active filters. */
  toJSON(): Filters {
    const out: Filters = {};
    if (this.#volume !== undefined) out.volume = this.#volume;
    if (this.#bands.size > 0) out.equalizer = bandsOf(this.#bands);
    for (const name of OBJECT_FILTERS) {
      const value = this.#objects.get(name);
      if (value !== undefined) (out as Record<string, unknown>)[name] = { ...value };
    }
    if (this.#plugins.size > 0) out.pluginFilters = structuredClone(Object.fromEntries(this.#plugins));
    return out;
  }

  #set(name: ObjectFilterName, options: object | null): this {
    if (options === null) this.#objects.delete(name);
    else this.#objects.set(name, normalizeObjectFilter(name, options, true));
    return this;
  }
}
