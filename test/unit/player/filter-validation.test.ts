import { describe, expect, it } from 'vitest';
import { ErrorCodes } from '../../../src/errors.js';
import { normalizeFilters, speedOf } from '../../../src/player/filter-validation.js';
import type { Filters } from '../../../src/protocol/filters.js';

function expectInvalid(fn: () => unknown, kind: typeof TypeError | typeof RangeError, option: string): void {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(kind);
    expect((error as { code?: string }).code).toBe(ErrorCodes.InvalidOption);
    expect((error as Error).message).toContain(`\`${option}\``);
    return;
  }
  expect.fail(`expected a ${kind.name} naming ${option}`);
}

const raw = (value: unknown): Filters => value as Filters;

describe('normalizeFilters ranges', () => {
  it.each([
    ['volume', { volume: -0.1 }, 'filters.volume'],
    ['volume', { volume: 5.01 }, 'filters.volume'],
    ['band index', { equalizer: [{ band: 15, gain: 0 }] }, 'filters.equalizer[0].band'],
    ['band index', { equalizer: [{ band: -1, gain: 0 }] }, 'filters.equalizer[0].band'],
    [
      'gain',
      {
        equalizer: [
          { band: 0, gain: 0 },
          { band: 1, gain: -0.3 },
        ],
      },
      'filters.equalizer[1].gain',
    ],
    ['gain', { equalizer: [{ band: 0, gain: 1.1 }] }, 'filters.equalizer[0].gain'],
    ['karaoke', { karaoke: { level: 1.5 } }, 'filters.karaoke.level'],
    ['karaoke', { karaoke: { monoLevel: -0.5 } }, 'filters.karaoke.monoLevel'],
    ['karaoke', { karaoke: { filterBand: -1 } }, 'filters.karaoke.filterBand'],
    ['karaoke', { karaoke: { filterWidth: -1 } }, 'filters.karaoke.filterWidth'],
    ['timescale', { timescale: { speed: 0 } }, 'filters.timescale.speed'],
    ['timescale', { timescale: { pitch: -1 } }, 'filters.timescale.pitch'],
    ['timescale', { timescale: { rate: 10.5 } }, 'filters.timescale.rate'],
    ['timescale', { timescale: { speed: 150 } }, 'filters.timescale.speed'],
    ['tremolo', { tremolo: { frequency: 0 } }, 'filters.tremolo.frequency'],
    ['tremolo', { tremolo: { depth: 0 } }, 'filters.tremolo.depth'],
    ['tremolo', { tremolo: { depth: 1.01 } }, 'filters.tremolo.depth'],
    ['vibrato', { vibrato: { frequency: 0 } }, 'filters.vibrato.frequency'],
    ['vibrato', { vibrato: { frequency: 14.1 } }, 'filters.vibrato.frequency'],
    ['vibrato', { vibrato: { depth: 0 } }, 'filters.vibrato.depth'],
    ['rotation', { rotation: { rotationHz: -0.2 } }, 'filters.rotation.rotationHz'],
    ['channelMix', { channelMix: { leftToLeft: 1.1 } }, 'filters.channelMix.leftToLeft'],
    ['channelMix', { channelMix: { leftToRight: -0.1 } }, 'filters.channelMix.leftToRight'],
    ['channelMix', { channelMix: { rightToLeft: 2 } }, 'filters.channelMix.rightToLeft'],
    ['channelMix', { channelMix: { rightToRight: -1 } }, 'filters.channelMix.rightToRight'],
    ['lowPass', { lowPass: { smoothing: -1 } }, 'filters.lowPass.smoothing'],
  ])('rejects an out-of-range %s with a RangeError naming it', (_, input, option) => {
    expectInvalid(() => normalizeFilters(raw(input)), RangeError, option);
  });

  it.each([
    ['not an object', 'loud', 'filters'],
    ['null volume', { volume: null }, 'filters.volume'],
    ['string volume', { volume: '1' }, 'filters.volume'],
    ['NaN', { timescale: { speed: Number.NaN } }, 'filters.timescale.speed'],
    ['infinite distortion', { distortion: { sinScale: Infinity } }, 'filters.distortion.sinScale'],
    ['null equalizer', { equalizer: null }, 'filters.equalizer'],
    ['band object', { equalizer: [3] }, 'filters.equalizer[0]'],
    ['missing gain', { equalizer: [{ band: 3 }] }, 'filters.equalizer[0].gain'],
    ['fractional band', { equalizer: [{ band: 1.5, gain: 0 }] }, 'filters.equalizer[0].band'],
    ['extra band key', { equalizer: [{ band: 1, gain: 0, q: 2 }] }, 'filters.equalizer[0].q'],
    ['filter not an object', { timescale: 1.2 }, 'filters.timescale'],
    ['unknown filter', { timeScale: { speed: 1 } }, 'filters.timeScale'],
    ['unknown field', { timescale: { sped: 1 } }, 'filters.timescale.sped'],
    ['inherited name', { timescale: { toString: 1 } }, 'filters.timescale.toString'],
    ['plugins not an object', { pluginFilters: [] }, 'filters.pluginFilters'],
    ['plugin function', { pluginFilters: { echo: () => 1 } }, 'filters.pluginFilters.echo'],
    ['plugin NaN deep', { pluginFilters: { echo: { a: [Number.NaN] } } }, 'filters.pluginFilters.echo.a[0]'],
    ['plugin class', { pluginFilters: { echo: new Date() } }, 'filters.pluginFilters.echo'],
  ])('rejects %s with a TypeError naming it', (_, input, option) => {
    expectInvalid(() => normalizeFilters(raw(input)), TypeError, option);
  });

  it('accepts the edges of every range', () => {
    const edges: Filters = {
      volume: 5,
      equalizer: [
        { band: 0, gain: -0.25 },
        { band: 14, gain: 1 },
      ],
      karaoke: { level: 0, monoLevel: 1, filterBand: 0, filterWidth: 0 },
      timescale: { speed: 10, pitch: 0.001, rate: 10 },
      tremolo: { frequency: 0.001, depth: 1 },
      vibrato: { frequency: 14, depth: 1 },
      rotation: { rotationHz: 0 },
      distortion: { sinOffset: -1e6, scale: 1e6 },
      channelMix: { leftToLeft: 0, leftToRight: 1, rightToLeft: 0.5, rightToRight: 0.5 },
      lowPass: { smoothing: 0 },
    };
    expect(normalizeFilters(edges)).toEqual(edges);
  });
});

describe('normalizeFilters output', () => {
  it('drops disabled and empty filters and canonicalises the equalizer', () => {
    const input = raw({
      karaoke: null,
      volume: undefined,
      equalizer: [
        { band: 3, gain: 0.2 },
        { band: 1, gain: 0.1 },
        { band: 3, gain: 0.4 },
        { band: 5, gain: 0 },
      ],
      timescale: { speed: 1.2, pitch: undefined },
      pluginFilters: {},
    });
    expect(normalizeFilters(input)).toEqual({
      equalizer: [
        { band: 1, gain: 0.1 },
        { band: 3, gain: 0.4 },
      ],
      timescale: { speed: 1.2 },
    });
    expect(normalizeFilters({ equalizer: [{ band: 2, gain: 0 }] })).toEqual({});
    expect(normalizeFilters({})).toEqual({});
  });

  it('returns a fresh deep copy, plugin filters included', () => {
    const input: Filters = { timescale: { speed: 2 }, pluginFilters: { echo: { delay: 0.5, taps: [1, 2] } } };
    const output = normalizeFilters(input);
    expect(output).toEqual(input);
    expect(output.timescale).not.toBe(input.timescale);
    expect(output.pluginFilters?.echo).not.toBe(input.pluginFilters?.echo);
  });

  it('keeps a __proto__ key of a plugin filter as plain data', () => {
    const input = raw(JSON.parse('{"pluginFilters":{"x":{"__proto__":{"polluted":true}}}}'));
    const output = normalizeFilters(input);
    expect(Object.keys(output.pluginFilters?.x as object)).toEqual(['__proto__']);
    expect(({} as { polluted?: boolean }).polluted).toBeUndefined();
  });

  it('accepts a server echo with every default filled in', () => {
    const echo: Filters = {
      volume: 1,
      equalizer: [{ band: 0, gain: 0.2 }],
      karaoke: { level: 1, monoLevel: 1, filterBand: 220, filterWidth: 100 },
      timescale: { speed: 1, pitch: 1, rate: 1 },
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
      pluginFilters: {},
    };
    const { pluginFilters: _, ...rest } = echo;
    expect(normalizeFilters(echo)).toEqual(rest);
  });

  it("in 'lenient' mode keeps unknown keys and skips ranges but still checks types and band indexes", () => {
    const echo = raw({ timescale: { speed: 20, future: 'x' }, reverb: { wet: 0.3 }, volume: 7 });
    expect(normalizeFilters(echo, { mode: 'lenient' })).toEqual({
      timescale: { speed: 20, future: 'x' },
      reverb: { wet: 0.3 },
      volume: 7,
    });
    expectInvalid(
      () => normalizeFilters(raw({ volume: '1' }), { mode: 'lenient' }),
      TypeError,
      'filters.volume',
    );
    expectInvalid(
      () => normalizeFilters({ equalizer: [{ band: 20, gain: 0 }] }, { mode: 'lenient' }),
      RangeError,
      'filters.equalizer[0].band',
    );
  });
});

describe('speedOf', () => {
  it('multiplies timescale speed and rate, defaulting to 1', () => {
    expect(speedOf(undefined)).toBe(1);
    expect(speedOf(null)).toBe(1);
    expect(speedOf({})).toBe(1);
    expect(speedOf({ timescale: null })).toBe(1);
    expect(speedOf({ timescale: { pitch: 2 } })).toBe(1);
    expect(speedOf({ timescale: { speed: 1.5 } })).toBe(1.5);
    expect(speedOf({ timescale: { rate: 0.8 } })).toBe(0.8);
    expect(speedOf({ timescale: { speed: 2, rate: 1.25 } })).toBe(2.5);
  });

  it('ignores values that could not be a speed', () => {
    expect(speedOf({ timescale: { speed: 0, rate: -1 } })).toBe(1);
    expect(speedOf({ timescale: { speed: Number.NaN } })).toBe(1);
  });
});
