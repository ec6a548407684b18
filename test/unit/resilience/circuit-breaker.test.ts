import { describe, expect, it } from 'vitest';
import { ErrorCodes } from '../../../src/errors.js';
import {
  CircuitBreaker,
  type CircuitState,
  DEFAULT_CIRCUIT_BREAKER,
  resolveCircuitBreakerOptions,
} from '../../../src/resilience/circuit-breaker.js';
import { FakeClock } from '../../helpers/fake-clock.js';

function setup(failureThreshold = 3, cooldownMs = 1_000) {
  const clock = new FakeClock(0);
  const breaker = new CircuitBreaker({ failureThreshold, cooldownMs, clock });
  const changes: string[] = [];
  breaker.on('stateChange', ({ from, to }) => changes.push(`${from}->${to}`));
  return { clock, breaker, changes };
}

function fail(breaker: CircuitBreaker, times: number): void {
  for (let i = 0; i < times; i += 1) breaker.recordFailure();
}

describe('CircuitBreaker', () => {
  it('starts closed with the defaults', () => {
    const breaker = new CircuitBreaker();
    expect(breaker.state).toBe('closed');
    expect(breaker.canAttempt()).toBe(true);
    expect(breaker.openUntil).toBeNull();
    expect(breaker.options).toEqual(DEFAULT_CIRCUIT_BREAKER);
    expect(DEFAULT_CIRCUIT_BREAKER).toEqual({ failureThreshold: 5, cooldownMs: 30_000 });
  });

  it('opens at the threshold of consecutive failures, and a success resets the count', () => {
    const { breaker, changes } = setup(3);
    fail(breaker, 2);
    breaker.recordSuccess();
    expect(breaker.failures).toBe(0);
    fail(breaker, 2);
    expect(breaker.state).toBe('closed');
    expect(breaker.canAttempt()).toBe(true);
    breaker.recordFailure();
    expect(breaker.state).toBe('open');
    expect(breaker.failures).toBe(3);
    expect(breaker.openUntil).toBe(1_000);
    expect(changes).toEqual(['closed->open']);
  });

  it('runs the full cycle: open, single half-open probe, close', () => {
    const { clock, breaker, changes } = setup(1, 1_000);
    breaker.recordFailure();
    clock.advance(999);
    expect(breaker.canAttempt()).toBe(false);
    expect(breaker.state).toBe('open');
    clock.advance(1);
    expect(breaker.canAttempt()).toBe(true);
    expect(breaker.state).toBe('halfOpen');
    expect(breaker.openUntil).toBeNull();
    // Exactly one probe: everyone else waits for its result.
    expect(breaker.canAttempt()).toBe(false);
    clock.advance(500);
    expect(breaker.canAttempt()).toBe(false);
    breaker.recordSuccess();
    expect(breaker.state).toBe('closed');
    expect(breaker.failures).toBe(0);
    expect(breaker.canAttempt()).toBe(true);
    expect(changes).toEqual(['closed->open', 'open->halfOpen', 'halfOpen->closed']);
  });

  it('reopens with a fresh cooldown when the probe fails', () => {
    const { clock, breaker, changes } = setup(2, 1_000);
    fail(breaker, 2);
    clock.advance(1_500);
    expect(breaker.canAttempt()).toBe(true);
    breaker.recordFailure();
    expect(breaker.state).toBe('open');
    expect(breaker.openUntil).toBe(2_500);
    clock.advance(999);
    expect(breaker.canAttempt()).toBe(false);
    clock.advance(1);
    expect(breaker.canAttempt()).toBe(true);
    expect(breaker.canAttempt()).toBe(false);
    expect(changes).toEqual(['closed->open', 'open->halfOpen', 'halfOpen->open', 'open->halfOpen']);
  });

  it('lets another probe go when the first one never reports back within the cooldown', () => {
    const { clock, breaker } = setup(1, 1_000);
    breaker.recordFailure();
    clock.advance(1_000);
    expect(breaker.canAttempt()).toBe(true);
    clock.advance(999);
    expect(breaker.canAttempt()).toBe(false);
    clock.advance(1);
    expect(breaker.canAttempt()).toBe(true);
    expect(breaker.canAttempt()).toBe(false);
    expect(breaker.state).toBe('halfOpen');
  });

  it('counts a late failure while open without extending the cooldown', () => {
    const { clock, breaker, changes } = setup(1, 1_000);
    breaker.recordFailure();
    clock.advance(400);
    breaker.recordFailure();
    expect(breaker.failures).toBe(2);
    expect(breaker.openUntil).toBe(1_000);
    expect(changes).toEqual(['closed->open']);
  });

  it('a success while open closes the circuit; reset() closes from any state', () => {
    const { clock, breaker, changes } = setup(1, 1_000);
    breaker.recordFailure();
    breaker.recordSuccess();
    expect(breaker.state).toBe('closed');
    breaker.recordFailure();
    clock.advance(1_000);
    breaker.canAttempt();
    breaker.reset();
    expect(breaker.state).toBe('closed');
    expect(breaker.failures).toBe(0);
    breaker.reset();
    expect(changes).toEqual([
      'closed->open',
      'open->closed',
      'closed->open',
      'open->halfOpen',
      'halfOpen->closed',
    ]);
  });

  it('with cooldownMs 0 allows a probe at once', () => {
    const { breaker } = setup(1, 0);
    breaker.recordFailure();
    expect(breaker.canAttempt()).toBe(true);
    expect(breaker.state).toBe('halfOpen');
    // The probe deadline is also 0 ms: a lost probe is replaced on the next ask.
    expect(breaker.canAttempt()).toBe(true);
  });

  it('snapshot() is a frozen view for metrics', () => {
    const { breaker } = setup(2, 1_000);
    breaker.recordFailure();
    const closed = breaker.snapshot();
    expect(closed).toEqual({
      state: 'closed',
      failures: 1,
      openUntil: null,
      failureThreshold: 2,
      cooldownMs: 1_000,
    });
    expect(Object.isFrozen(closed)).toBe(true);
    breaker.recordFailure();
    expect(breaker.snapshot()).toMatchObject({ state: 'open' satisfies CircuitState, openUntil: 1_000 });
  });

  it('keeps working when a stateChange listener throws, reporting it as an error event', () => {
    const { breaker } = setup(1);
    const errors: Error[] = [];
    breaker.on('error', (error) => void errors.push(error));
    breaker.on('stateChange', () => {
      throw new Error('bad listener');
    });
    breaker.recordFailure();
    expect(breaker.state).toBe('open');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ code: ErrorCodes.ListenerError });
  });

  it.each([
    [{ failureThreshold: 0 }, 'circuitBreaker.failureThreshold', RangeError],
    [{ failureThreshold: 1.5 }, 'circuitBreaker.failureThreshold', RangeError],
    [{ failureThreshold: '3' }, 'circuitBreaker.failureThreshold', TypeError],
    [{ cooldownMs: -1 }, 'circuitBreaker.cooldownMs', RangeError],
    [{ cooldownMs: Infinity }, 'circuitBreaker.cooldownMs', RangeError],
  ])('rejects %j naming %s', (input, option, kind) => {
    const run = () => new CircuitBreaker(input as never);
    expect(run).toThrow(kind);
    expect(run).toThrow(`\`${option}\``);
  });

  it('resolveCircuitBreakerOptions takes a prefix and freezes', () => {
    const resolved = resolveCircuitBreakerOptions({ cooldownMs: 0 }, 'nodes[0].breaker');
    expect(resolved).toEqual({ failureThreshold: 5, cooldownMs: 0 });
    expect(Object.isFrozen(resolved)).toBe(true);
    expect(() => resolveCircuitBreakerOptions(null as never, 'nodes[0].breaker')).toThrow(
      '`nodes[0].breaker`',
    );
  });
});
