import { describe, expect, it } from 'vitest';
import { ErrorCodes } from '../../../src/errors.js';
import {
  DEFAULT_NODE_REST_OPTIONS,
  resolveNodeRestOptions,
  type NodeRestOptions,
} from '../../../src/node/node-rest-options.js';
import { NodeRest } from '../../../src/node/node-rest.js';

const base = { baseUrl: 'http://127.0.0.1:2333', password: 'youshallnotpass' };

describe('resolveNodeRestOptions', () => {
  it('applies the defaults and freezes the result', () => {
    const resolved = resolveNodeRestOptions(base);
    expect(resolved.requestTimeoutMs).toBe(DEFAULT_NODE_REST_OPTIONS.requestTimeoutMs);
    expect(resolved.retry).toEqual(DEFAULT_NODE_REST_OPTIONS.retry);
    expect(resolved.clientName).toBe('lavafleet');
    expect(resolved.maxSockets).toBe(1_024);
    expect(resolved.trace).toBe(false);
    expect(Object.isFrozen(resolved)).toBe(true);
    expect(Object.isFrozen(resolved.retry)).toBe(true);
  });

  it('merges a partial retry policy and keeps a configured 0', () => {
    const resolved = resolveNodeRestOptions({ ...base, retry: { retries: 0 } });
    expect(resolved.retry).toEqual({ ...DEFAULT_NODE_REST_OPTIONS.retry, retries: 0 });
  });

  it.each([
    [{ baseUrl: 'not a url' }, /baseUrl/],
    [{ baseUrl: 'ws://127.0.0.1:2333' }, /baseUrl.*http/],
    [{ requestTimeoutMs: 0 }, /requestTimeoutMs/],
    [{ retry: { retries: -1 } }, /retry\.retries/],
    [{ retry: { baseDelayMs: 500, maxDelayMs: 100 } }, /retry\.maxDelayMs/],
    [{ maxSockets: 1.5 }, /maxSockets/],
    [{ trace: 'yes' }, /trace/],
    [{ clientName: 'bad\nname' }, /clientName/],
    [{ onRequest: 42 }, /onRequest/],
  ])('rejects %j naming the option', (patch, pattern) => {
    const options = { ...base, ...patch } as unknown as NodeRestOptions;
    expect(() => resolveNodeRestOptions(options)).toThrow(pattern);
    expect(() => resolveNodeRestOptions(options)).toThrow(
      expect.objectContaining({ code: ErrorCodes.InvalidOption }) as Error,
    );
  });

  it('never echoes the password when rejecting it', () => {
    const secret = 'hunter2-\n-SECRET';
    let caught: unknown;
    try {
      resolveNodeRestOptions({ ...base, password: secret });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(TypeError);
    expect(String((caught as Error).message)).toMatch(/password/);
    expect(String((caught as Error).message)).not.toContain('SECRET');
    expect(() => resolveNodeRestOptions({ ...base, password: 12345 as unknown as string })).toThrow(
      /value hidden/,
    );
  });
});

describe('NodeRest without a session', () => {
  it.each(['getPlayers', 'getPlayer', 'updatePlayer', 'destroyPlayer', 'updateSession'] as const)(
    '%s rejects with ERR_NODE_NOT_READY telling to wait for ready',
    async (method) => {
      const rest = new NodeRest(base);
      const call = {
        getPlayers: () => rest.getPlayers(),
        getPlayer: () => rest.getPlayer('1'),
        updatePlayer: () => rest.updatePlayer('1', { volume: 50 }),
        destroyPlayer: () => rest.destroyPlayer('1'),
        updateSession: () => rest.updateSession({ resuming: true }),
      }[method];
      await expect(call()).rejects.toMatchObject({
        code: ErrorCodes.NodeNotReady,
        message: expect.stringMatching(new RegExp(`${method}\\(\\).*ready`)) as unknown,
      });
      rest.close();
    },
  );

  it('uses the sessionId option, and a set property replaces it', () => {
    let current: string | null = 'abc';
    const rest = new NodeRest({ ...base, sessionId: () => current });
    expect(rest.sessionId).toBe('abc');
    current = null;
    expect(rest.sessionId).toBeNull();
    rest.sessionId = 'xyz';
    expect(rest.sessionId).toBe('xyz');
    rest.close();
  });

  it('rejects a request path without a leading slash', async () => {
    const rest = new NodeRest(base);
    await expect(rest.request('GET', 'v4/info')).rejects.toThrow(TypeError);
    rest.close();
  });

  it('rejects every call after close() with ERR_NODE_CLOSED', async () => {
    const rest = new NodeRest(base);
    rest.close();
    expect(rest.isClosed).toBe(true);
    await expect(rest.info()).rejects.toMatchObject({ code: ErrorCodes.NodeClosed });
  });

  it('rejects at once, without a request, when the signal is already aborted', async () => {
    // Port 9 (discard) is never contacted: the abort check comes first.
    const rest = new NodeRest({ ...base, baseUrl: 'http://127.0.0.1:9' });
    const reason = new Error('user gave up');
    await expect(rest.info({ signal: AbortSignal.abort(reason) })).rejects.toMatchObject({
      code: ErrorCodes.Aborted,
      cause: reason,
    });
    rest.close();
  });
});
