import { describe, expect, it } from 'vitest';
import { ErrorCodes } from '../../../src/errors.js';
import { FilterBuilder } from '../../../src/player/filters.js';
import { BASS_BOOST_GAINS, FilterPresets, type BassBoostLevel } from '../../../src/player/filter-presets.js';
import { normalizeFilters, speedOf } from '../../../src/player/filter-validation.js';

describe('FilterPresets', () => {
  const presets = Object.entries(FilterPresets).map(([name, make]) => [name, () => make()] as const);

  it.each(presets)('%s passes normalizeFilters unchanged and is fresh on each call', (_, make) => {
    const filters = make();
    expect(Object.keys(filters).length).toBeGreaterThan(0);
    expect(normalizeFilters(filters)).toEqual(filters);
    expect(make()).not.toBe(filters);
    expect(new FilterBuilder().apply(filters).toJSON()).toEqual(filters);
  });

  it('bassBoost tapers the gain over the five lowest bands', () => {
    expect(FilterPresets.bassBoost().equalizer).toEqual([
      { band: 0, gain: 0.3 },
      { band: 1, gain: 0.255 },
      { band: 2, gain: 0.18 },
      { band: 3, gain: 0.105 },
      { band: 4, gain: 0.045 },
    ]);
    for (const level of Object.keys(BASS_BOOST_GAINS) as BassBoostLevel[]) {
      expect(FilterPresets.bassBoost(level).equalizer?.[0]?.gain).toBe(BASS_BOOST_GAINS[level]);
    }
    expect(FilterPresets.bassBoost(1).equalizer?.[0]?.gain).toBe(1);
    expect(FilterPresets.bassBoost(-0.25).equalizer?.[4]?.gain).toBeLessThan(0);
    expect(FilterPresets.bassBoost(0)).toEqual({});
  });

  it.each([
    ['an unknown level', 'extreme', TypeError],
    ['an inherited name', 'toString', TypeError],
    ['too much gain', 1.5, RangeError],
    ['too little gain', -0.5, RangeError],
    ['NaN', Number.NaN, RangeError],
  ])('bassBoost rejects %s naming bassBoost.level', (_, level, kind) => {
    const call = (): unknown => FilterPresets.bassBoost(level as BassBoostLevel);
    expect(call).toThrow(kind);
    expect(call).toThrow(expect.objectContaining({ code: ErrorCodes.InvalidOption }) as Error);
    expect(call).toThrow('`bassBoost.level`');
  });

  it('nightcore speeds up and vaporwave slows down', () => {
    expect(speedOf(FilterPresets.nightcore())).toBe(1.25);
    expect(speedOf(FilterPresets.vaporwave())).toBe(0.8);
    expect(speedOf(FilterPresets.eightD())).toBe(1);
  });

  it('presets combine through the builder', () => {
    const combined = new FilterBuilder()
      .apply(FilterPresets.nightcore())
      .apply(FilterPresets.eightD())
      .toJSON();
    expect(combined).toEqual({ ...FilterPresets.nightcore(), ...FilterPresets.eightD() });
  });
});
