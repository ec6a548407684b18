/** Wire shapes for audio filters (protocol reference §6). */

export interface EqualizerBand {
  /** Band index 0..14 (25 Hz .. 16 kHz). */
  band: number;
  /** -0.25 (mute) .. 1.0; 0 leaves the band unchanged. Always send it: the server default is 1.0. */
  gain: number;
}

export interface KaraokeFilter {
  level?: number;
  monoLevel?: number;
  filterBand?: number;
  filterWidth?: number;
}

export interface TimescaleFilter {
  speed?: number;
  pitch?: number;
  rate?: number;
}

export interface TremoloFilter {
  frequency?: number;
  depth?: number;
}

export interface VibratoFilter {
  frequency?: number;
  depth?: number;
}

export interface RotationFilter {
  rotationHz?: number;
}

export interface DistortionFilter {
  sinOffset?: number;
  sinScale?: number;
  cosOffset?: number;
  cosScale?: number;
  tanOffset?: number;
  tanScale?: number;
  offset?: number;
  scale?: number;
}

export interface ChannelMixFilter {
  leftToLeft?: number;
  leftToRight?: number;
  rightToLeft?: number;
  rightToRight?: number;
}

export interface LowPassFilter {
  smoothing?: number;
}

/**
 * The filters of a player. Object filters may be `null` to disable them; `volume` and `equalizer`
 * are not nullable (omit them instead). A PATCH replaces all filters.
 */
export interface Filters {
  volume?: number;
  equalizer?: EqualizerBand[];
  karaoke?: KaraokeFilter | null;
  timescale?: TimescaleFilter | null;
  tremolo?: TremoloFilter | null;
  vibrato?: VibratoFilter | null;
  rotation?: RotationFilter | null;
  distortion?: DistortionFilter | null;
  channelMix?: ChannelMixFilter | null;
  lowPass?: LowPassFilter | null;
  /** Plugin filters by name, as listed in `/v4/info` `filters`. */
  pluginFilters?: { [name: string]: unknown };
}

/** Names of the built-in filters, in the order Lavalink lists them. */
export const BUILT_IN_FILTERS = [
  'volume',
  'equalizer',
  'karaoke',
  'timescale',
  'tremolo',
  'vibrato',
  'distortion',
  'rotation',
  'channelMix',
  'lowPass',
] as const;
