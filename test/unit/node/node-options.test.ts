import { describe, expect, it } from 'vitest';
import { DEFAULT_NODE_OPTIONS, resolveNodeOptions } from '../../../src/node/node-options.js';

const base = { uri: 'localhost:2333', password: 'pw' };

describe('resolveNodeOptions', () => {
  it('applies defaults and freezes', () => {
    const options = resolveNodeOptions(base);
    expect(options.identifier).toBe('localhost:2333');
    expect(options.restUrl).toBe('http://localhost:2333');
    expect(options.wsUrl).toBe('ws://localhost:2333/v4/websocket');
    expect(options.heartbeatMs).toBe(DEFAULT_NODE_OPTIONS.heartbeatMs);
    expect(options.reconnect).toEqual(DEFAULT_NODE_OPTIONS.reconnect);
    expect(options.resume).toEqual({ enabled: true, timeoutMs: 60_000 });
    expect(Object.isFrozen(options)).toBe(true);
    expect(Object.isFrozen(options.reconnect)).toBe(true);
  });

  it.each([
    ['http://h:1', { restUrl: 'http://h:1', wsUrl: 'ws://h:1/v4/websocket', secure: false }],
    ['https://h:1', { restUrl: 'https://h:1', wsUrl: 'wss://h:1/v4/websocket', secure: true }],
    ['ws://h:1', { restUrl: 'http://h:1', wsUrl: 'ws://h:1/v4/websocket', secure: false }],
    ['wss://h', { restUrl: 'https://h:443', wsUrl: 'wss://h:443/v4/websocket', secure: true }],
    ['ws://h:1/v4/websocket', { restUrl: 'http://h:1', secure: false }],
    ['h', { restUrl: 'http://h:2333', secure: false }],
  ])('parses uri %s', (uri, expected) => {
    expect(resolveNodeOptions({ uri, password: 'x' })).toMatchObject(expected);
  });

  it('lets `secure` override the scheme', () => {
    expect(resolveNodeOptions({ ...base, secure: true }).restUrl).toBe('https://localhost:2333');
  });

  it('keeps a documented 0', () => {
    const options = resolveNodeOptions({ ...base, reconnect: { baseDelayMs: 0, maxAttempts: 0 } });
    expect(options.reconnect.baseDelayMs).toBe(0);
    expect(options.reconnect.maxAttempts).toBe(0);
  });

  it.each([
    [{ uri: 5, password: 'x' }, TypeError, /`node\.uri`.*received 5/],
    [{ uri: 'ftp://h:1', password: 'x' }, TypeError, /`node\.uri`/],
    [{ uri: 'http://h:1/path', password: 'x' }, TypeError, /without a path/],
    [{ uri: 'h:1' }, TypeError, /`node\.password`/],
    [{ ...base, heartbeatMs: -1 }, RangeError, /`node\.heartbeatMs`.*received -1/],
    [{ ...base, heartbeatMs: Number.NaN }, TypeError, /`node\.heartbeatMs`/],
    [
      { ...base, reconnect: { baseDelayMs: 1000, maxDelayMs: 10 } },
      RangeError,
      /`node\.reconnect\.maxDelayMs`/,
    ],
    [{ ...base, reconnect: { maxAttempts: 1.5 } }, RangeError, /maxAttempts/],
    [{ ...base, reconnect: { jitter: 'some' } }, RangeError, /jitter.*"some"/],
    [{ ...base, resume: { timeoutMs: 10 } }, RangeError, /resume\.timeoutMs/],
    [{ ...base, resume: 'yes' }, TypeError, /`node\.resume`/],
    [{ ...base, userId: 'abc' }, TypeError, /`node\.userId`.*snowflake/],
    [{ ...base, breaker: { failureThreshold: 0 } }, RangeError, /failureThreshold/],
  ])('rejects %j', (input, type, message) => {
    let thrown: unknown;
    try {
      resolveNodeOptions(input as never);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(type);
    expect((thrown as Error).message).toMatch(message);
    expect((thrown as { code?: string }).code).toBe('ERR_INVALID_OPTION');
  });

  it('never puts the password in an error', () => {
    let message = '';
    try {
      resolveNodeOptions({ uri: 'h:1', password: 'hunter2-secret', heartbeatMs: -5 });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/heartbeatMs/);
    expect(message).not.toContain('hunter2');
  });
});
