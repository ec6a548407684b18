/**
 * Ready-made filter sets. Each preset returns a fresh `Filters` object that passes
 * `normalizeFilters`; send it as is, or merge it with `new FilterBuilder().apply(preset)`.
 */
import { invalidOption } from '../errors.js';
import type { EqualizerBand, Filters } from '../protocol/filters.js';

/** Named strengths of {@link FilterPresets.bassBoost}. */
export type BassBoostLevel = 'low' | 'medium' | 'high';

/** Gain of the lowest band for each named bass boost level. */
export const BASS_BOOST_GAINS: Readonly<Record<BassBoostLevel, number>> = Object.freeze({
  low: 0.15,
  medium: 0.3,
  high: 0.5,
});

/**
 * How much of the bass gain each of bands 0..4 (25, 40, 63, 100, 160 Hz) gets: full at the bottom,
 * fading out before 250 Hz so that voices and the low mids stay clear.
 */
const BASS_TAPER = [1, 0.85, 0.6, 0.35, 0.15] as const;

/**
 * Musically tuned filter sets.
 * @namespace
 */
export const FilterPresets = Object.freeze({
  /**
   * Lifts (or, with a negative number, cuts) the bass: `level` is a named strength or the gain of the
   * lowest band from -0.25 to 1, tapered over bands 0..4.
   * @defaultValue level `'medium'` (gain 0.3)
   */
  bassBoost(level: BassBoostLevel | number = 'medium'): Filters {
    const gain = typeof level === 'number' ? level : lookup(level);
    if (gain === undefined) {
      throw invalidOption('type', 'bassBoost.level', "'low', 'medium', 'high' or a number", level);
    }
    if (!(gain >= -0.25 && gain <= 1)) {
      throw invalidOption('range', 'bassBoost.level', 'a gain from -0.25 to 1', level);
    }
    const equalizer: EqualizerBand[] = BASS_TAPER.map((share, band) => ({ band, gain: round(gain * share) }));
    return gain === 0 ? {} : { equalizer: equalizer.filter((b) => b.gain !== 0) };
  },

  /** Nightcore: 25 % faster and about 4 semitones higher, resampled together like a sped-up record. */
  nightcore(): Filters {
    return { timescale: { speed: 1, pitch: 1, rate: 1.25 } };
  },

  /**
   * Vaporwave: 20 % slower and about 4 semitones lower, with warmer lows and slightly dulled highs
   * (bands 13..14, 10 and 16 kHz) for a worn-tape sound.
   */
  vaporwave(): Filters {
    return {
      equalizer: [
        { band: 0, gain: 0.2 },
        { band: 1, gain: 0.15 },
        { band: 13, gain: -0.1 },
        { band: 14, gain: -0.15 },
      ],
      timescale: { speed: 1, pitch: 1, rate: 0.8 },
    };
  },

  /** "8D audio": the sound circles the listener once every 5 s (rotation 0.2 Hz); best with headphones. */
  eightD(): Filters {
    return { rotation: { rotationHz: 0.2 } };
  },

  /**
   * Karaoke: cancels sound panned to the centre (usually the lead vocal) around 220 Hz ± 100 Hz, which
   * are Lavalink's defaults, stated here so the preset does not depend on them.
   */
  karaoke(): Filters {
    return { karaoke: { level: 1, monoLevel: 1, filterBand: 220, filterWidth: 100 } };
  },

  /** Soft: a low pass with smoothing 20 that takes the edge off the highs, for late-night listening. */
  soft(): Filters {
    return { lowPass: { smoothing: 20 } };
  },
});

function lookup(level: string): number | undefined {
  return Object.hasOwn(BASS_BOOST_GAINS, level) ? BASS_BOOST_GAINS[level as BassBoostLevel] : undefined;
}

/** Rounds to three decimals so that gains read cleanly on the wire (0.255, not 0.25499999). */
function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
