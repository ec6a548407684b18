import { describe, expect, it } from 'vitest';
import { ErrorCodes } from '../../../src/errors.js';
import { FilterBuilder, normalizeFilters } from '../../../src/player/filters.js';

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

describe('FilterBuilder', () => {
  it('starts empty and emits {}', () => {
    const builder = new FilterBuilder();
    expect(builder.isEmpty).toBe(true);
    expect(builder.toJSON()).toEqual({});
  });

  it('emits only the active filters, in wire order, with every method', () => {
    const filters = new FilterBuilder()
      .plugin('echo', { delay: 0.5 })
      .lowPass({ smoothing: 20 })
      .channelMix({ leftToLeft: 0.5, leftToRight: 0.5, rightToLeft: 0.5, rightToRight: 0.5 })
      .distortion({ sinScale: 2 })
      .rotation({ rotationHz: 0.2 })
      .vibrato({ frequency: 4, depth: 0.5 })
      .tremolo({ frequency: 2, depth: 0.3 })
      .timescale({ speed: 1.1, pitch: 1.2, rate: 1 })
      .karaoke({ level: 1 })
      .setBand(2, 0.3)
      .volume(0.8)
      .toJSON();
    expect(Object.keys(filters)).toEqual([
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
      'pluginFilters',
    ]);
    expect(filters.equalizer).toEqual([{ band: 2, gain: 0.3 }]);
    expect(filters.pluginFilters).toEqual({ echo: { delay: 0.5 } });
    expect(normalizeFilters(filters)).toEqual(filters);
  });

  it('always sends equalizer gains, sorted, and drops flat bands', () => {
    const builder = new FilterBuilder().setBand(7, -0.1).setBand(1, 0.2).setBand(3, 0.5);
    builder.setBand(3, 0);
    expect(builder.toJSON()).toEqual({
      equalizer: [
        { band: 1, gain: 0.2 },
        { band: 7, gain: -0.1 },
      ],
    });
    builder.equalizer([{ band: 0, gain: 0.1 }]);
    expect(builder.toJSON()).toEqual({ equalizer: [{ band: 0, gain: 0.1 }] });
    builder.equalizer([]);
    expect(builder.toJSON()).toEqual({});
  });

  it('disables an object filter with null', () => {
    const builder = new FilterBuilder().timescale({ speed: 2 }).rotation({ rotationHz: 1 });
    builder.timescale(null);
    expect(builder.toJSON()).toEqual({ rotation: { rotationHz: 1 } });
  });

  it('returns a fresh object every time', () => {
    const builder = new FilterBuilder().timescale({ speed: 2 }).plugin('echo', { taps: [1] });
    const first = builder.toJSON();
    (first.timescale as { speed: number }).speed = 3;
    (first.pluginFilters?.echo as { taps: number[] }).taps.push(2);
    expect(builder.toJSON()).toEqual({ timescale: { speed: 2 }, pluginFilters: { echo: { taps: [1] } } });
  });

  it('copies inputs so later changes to them do not leak in', () => {
    const options = { speed: 2 };
    const plugin = { level: 1 };
    const builder = new FilterBuilder().timescale(options).plugin('x', plugin);
    options.speed = 9;
    plugin.level = 9;
    expect(builder.toJSON()).toEqual({ timescale: { speed: 2 }, pluginFilters: { x: { level: 1 } } });
  });

  it.each([
    ['volume', (f: FilterBuilder) => f.volume(6), RangeError, 'filters.volume'],
    ['band', (f: FilterBuilder) => f.setBand(15, 0.1), RangeError, 'filters.equalizer.band'],
    ['band type', (f: FilterBuilder) => f.setBand(1.5, 0.1), TypeError, 'filters.equalizer.band'],
    ['gain', (f: FilterBuilder) => f.setBand(0, -0.5), RangeError, 'filters.equalizer.gain'],
    [
      'bands',
      (f: FilterBuilder) => f.equalizer([{ band: 0, gain: 2 }]),
      RangeError,
      'filters.equalizer[0].gain',
    ],
    ['karaoke', (f: FilterBuilder) => f.karaoke({ level: 2 }), RangeError, 'filters.karaoke.level'],
    ['timescale', (f: FilterBuilder) => f.timescale({ rate: 0 }), RangeError, 'filters.timescale.rate'],
    ['tremolo', (f: FilterBuilder) => f.tremolo({ depth: 0 }), RangeError, 'filters.tremolo.depth'],
    ['vibrato', (f: FilterBuilder) => f.vibrato({ frequency: 20 }), RangeError, 'filters.vibrato.frequency'],
    [
      'rotation',
      (f: FilterBuilder) => f.rotation({ rotationHz: -1 }),
      RangeError,
      'filters.rotation.rotationHz',
    ],
    [
      'distortion',
      (f: FilterBuilder) => f.distortion({ offset: Number.NaN }),
      TypeError,
      'filters.distortion.offset',
    ],
    [
      'channelMix',
      (f: FilterBuilder) => f.channelMix({ rightToLeft: 3 }),
      RangeError,
      'filters.channelMix.rightToLeft',
    ],
    ['lowPass', (f: FilterBuilder) => f.lowPass({ smoothing: -2 }), RangeError, 'filters.lowPass.smoothing'],
    ['plugin name', (f: FilterBuilder) => f.plugin('', 1), TypeError, 'filters.pluginFilters'],
    [
      'plugin value',
      (f: FilterBuilder) => f.plugin('echo', undefined),
      TypeError,
      'filters.pluginFilters.echo',
    ],
    ['initial', () => new FilterBuilder({ volume: -1 }), RangeError, 'filters.volume'],
  ] as const)('rejects a bad %s and keeps its state', (_, call, kind, option) => {
    const builder = new FilterBuilder().timescale({ speed: 1.5 });
    expectInvalid(() => call(builder), kind, option);
    expect(builder.toJSON()).toEqual({ timescale: { speed: 1.5 } });
  });

  it('starts from, and applies, a Filters object key by key', () => {
    const builder = new FilterBuilder({ volume: 0.5, timescale: { speed: 2 }, pluginFilters: { a: 1 } });
    builder.apply({
      equalizer: [{ band: 0, gain: 0.3 }],
      timescale: { pitch: 1.2 },
      rotation: null,
      pluginFilters: { b: 2 },
    });
    expect(builder.toJSON()).toEqual({
      volume: 0.5,
      equalizer: [{ band: 0, gain: 0.3 }],
      timescale: { pitch: 1.2 },
      pluginFilters: { a: 1, b: 2 },
    });
    builder.apply({ timescale: null, equalizer: [] });
    expect(builder.toJSON()).toEqual({ volume: 0.5, pluginFilters: { a: 1, b: 2 } });
  });

  it('round-trips its own output', () => {
    const filters: Filters = new FilterBuilder()
      .volume(2)
      .setBand(4, 0.1)
      .karaoke({})
      .plugin('p', null)
      .toJSON();
    expect(new FilterBuilder(filters).toJSON()).toEqual(filters);
  });

  it('clears one filter, one plugin, all plugins, or everything', () => {
    const make = (): FilterBuilder =>
      new FilterBuilder()
        .volume(2)
        .setBand(0, 0.2)
        .lowPass({ smoothing: 5 })
        .plugin('echo', 1)
        .plugin('reverb', 2);
    expect(make().clear('volume').toJSON()).not.toHaveProperty('volume');
    expect(make().clear('equalizer').toJSON()).not.toHaveProperty('equalizer');
    expect(make().clear('lowPass').toJSON()).not.toHaveProperty('lowPass');
    expect(make().clear('echo').toJSON().pluginFilters).toEqual({ reverb: 2 });
    expect(make().clear('pluginFilters').toJSON()).not.toHaveProperty('pluginFilters');
    expect(make().clear('nothing-by-that-name').toJSON()).toEqual(make().toJSON());
    expect(make().clear().isEmpty).toBe(true);
    expect(make().reset().toJSON()).toEqual({});
  });
});
