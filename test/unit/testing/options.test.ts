import { describe, expect, it } from 'vitest';
import { LavalinkEmulator } from '../../../src/testing/index.js';
import { resolveEmulatorOptions } from '../../../src/testing/options.js';

describe('emulator options', () => {
  it('applies the documented defaults', () => {
    const options = resolveEmulatorOptions();
    expect(options).toMatchObject({
      host: '127.0.0.1',
      port: 0,
      password: 'youshallnotpass',
      version: '4.2.2',
      playerUpdateIntervalMs: 5000,
      statsIntervalMs: 60_000,
      sessionSupport: true,
      routePlanner: null,
    });
    expect(options.sourceManagers.has('youtube')).toBe(true);
  });

  it('names the option and the value it refuses', () => {
    expect(() => new LavalinkEmulator({ port: 70_000 })).toThrow(RangeError);
    expect(() => new LavalinkEmulator({ port: 70_000 })).toThrow(/`port`.*70000/);
    expect(() => new LavalinkEmulator({ playerUpdateIntervalMs: 0 })).toThrow(/playerUpdateIntervalMs/);
    expect(() => new LavalinkEmulator({ password: 5 as unknown as string })).toThrow(TypeError);
    expect(() => new LavalinkEmulator({ disabledFilters: 'x' as unknown as string[] })).toThrow(
      /disabledFilters/,
    );
  });

  it('validates fault scripts', () => {
    const emulator = new LavalinkEmulator();
    expect(() => emulator.failNextRequests(0)).toThrow(RangeError);
    expect(() => emulator.rejectHandshake(101)).toThrow(RangeError);
    expect(() => emulator.setLatency({ restMs: -1 })).toThrow(RangeError);
  });
});
