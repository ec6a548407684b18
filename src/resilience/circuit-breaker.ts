/**
 * A circuit breaker: stops calling something that keeps failing, then lets one probe through after a
 * cooldown.
 *
 * ```
 *                 failureThreshold consecutive failures
 *     +--------+ --------------------------------------> +------+
 *     | closed |                                          | open |
 *     +--------+ <------ recordSuccess() / reset() ------ +------+
 *         ^                                                 |   ^
 *         |               cooldown over: canAttempt()       |   | probe fails:
 *         |               grants the single probe           v   | fresh cooldown
 *         |     probe succeeds / reset()               +----------+
 *         +--------------------------------------------| halfOpen |
 *                                                      +----------+
 * ```
 *
 * State changes only happen inside calls (there is no timer to clear): `open` becomes `halfOpen` when
 * `canAttempt()` is asked after the cooldown.
 */
import { type Clock, systemClock } from '../util/clock.js';
import { TypedEmitter } from '../util/typed-emitter.js';
import { requireNumber, requireObject } from '../util/validate.js';

/** The states of a {@link CircuitBreaker}. */
export type CircuitState = 'closed' | 'open' | 'halfOpen';

/** Events of a {@link CircuitBreaker}. */
export type CircuitBreakerEvents = {
  /** The state changed. */
  stateChange: { from: CircuitState; to: CircuitState };
  /** A listener threw; the breaker carried on. */
  error: Error;
};

/** Resolved options of a {@link CircuitBreaker}. */
export interface CircuitBreakerOptions {
  /**
   * Consecutive failures that open the circuit.
   * @defaultValue 5
   */
  readonly failureThreshold: number;
  /**
   * How long the circuit stays open before one probe is allowed. A probe that never reports back is
   * considered lost after the same time, and another probe is allowed.
   * @defaultValue 30_000
   */
  readonly cooldownMs: number;
}

/** Circuit breaker options as a user writes them: every field optional. */
export type CircuitBreakerInput = {
  [K in keyof CircuitBreakerOptions]?: CircuitBreakerOptions[K] | undefined;
} & {
  /**
   * Source of time (internal; tests inject a fake clock).
   * @defaultValue systemClock
   */
  clock?: Pick<Clock, 'now'> | undefined;
};

/** A point-in-time view of a breaker, for metrics and debugging. */
export interface CircuitBreakerSnapshot extends CircuitBreakerOptions {
  readonly state: CircuitState;
  readonly failures: number;
  readonly openUntil: number | null;
}

/** The default breaker: opens after 5 consecutive failures, probes again after 30 s. */
export const DEFAULT_CIRCUIT_BREAKER: Readonly<CircuitBreakerOptions> = Object.freeze({
  failureThreshold: 5,
  cooldownMs: 30_000,
});

/** Allowed transitions; anything else is a bug in this file. */
const TRANSITIONS: Readonly<Record<CircuitState, readonly CircuitState[]>> = {
  closed: ['open'],
  open: ['halfOpen', 'closed'],
  halfOpen: ['open', 'closed'],
};

/** Merges `input` over {@link DEFAULT_CIRCUIT_BREAKER}, validates and freezes it. */
export function resolveCircuitBreakerOptions(
  input: CircuitBreakerInput | undefined,
  optionPrefix = 'circuitBreaker',
): Readonly<CircuitBreakerOptions> {
  if (input !== undefined) requireObject(optionPrefix, input);
  const failureThreshold = requireNumber(
    `${optionPrefix}.failureThreshold`,
    input?.failureThreshold ?? DEFAULT_CIRCUIT_BREAKER.failureThreshold,
    { min: 1, max: Number.MAX_SAFE_INTEGER, integer: true },
  );
  const cooldownMs = requireNumber(
    `${optionPrefix}.cooldownMs`,
    input?.cooldownMs ?? DEFAULT_CIRCUIT_BREAKER.cooldownMs,
    { min: 0, max: Number.MAX_SAFE_INTEGER },
  );
  return Object.freeze({ failureThreshold, cooldownMs });
}

/** Counts consecutive failures of one dependency and tells callers when to stop trying. */
export class CircuitBreaker extends TypedEmitter<CircuitBreakerEvents> {
  readonly #options: Readonly<CircuitBreakerOptions>;
  readonly #clock: Pick<Clock, 'now'>;
  #state: CircuitState = 'closed';
  #failures = 0;
  /** While open: when a probe may go. While halfOpen: when the probe counts as lost. Else null. */
  #deadline: number | null = null;

  constructor(input?: CircuitBreakerInput) {
    super();
    this.#options = resolveCircuitBreakerOptions(input);
    this.#clock = input?.clock ?? systemClock;
  }

  /** The current state. */
  get state(): CircuitState {
    return this.#state;
  }

  /** Consecutive failures since the last success or reset. */
  get failures(): number {
    return this.#failures;
  }

  /** While open, the epoch ms at which a probe becomes allowed; otherwise `null`. */
  get openUntil(): number | null {
    return this.#state === 'open' ? this.#deadline : null;
  }

  /** The resolved options. */
  get options(): Readonly<CircuitBreakerOptions> {
    return this.#options;
  }

  /**
   * Whether a call may go now. Closed: always. Open: no, until the cooldown ends; the first call after
   * it moves to halfOpen and is the single probe. HalfOpen: no, until the probe reports back.
   */
  canAttempt(): boolean {
    switch (this.#state) {
      case 'closed':
        return true;
      case 'open':
        if (this.#clock.now() < (this.#deadline ?? 0)) return false;
        this.#startProbe();
        return true;
      case 'halfOpen':
        if (this.#clock.now() < (this.#deadline ?? 0)) return false;
        // The probe never reported back: treat it as lost and let another one go.
        this.#deadline = this.#clock.now() + this.#options.cooldownMs;
        return true;
    }
  }

  /** Records a successful call: closes the circuit and resets the failure count. */
  recordSuccess(): void {
    this.#failures = 0;
    this.#deadline = null;
    this.#transition('closed');
  }

  /**
   * Records a failed call. Closed: opens at the threshold. HalfOpen: the probe failed, so the circuit
   * reopens with a fresh cooldown. Open: counted only (a late result of a call made before opening).
   */
  recordFailure(): void {
    this.#failures += 1;
    if (
      this.#state === 'halfOpen' ||
      (this.#state === 'closed' && this.#failures >= this.#options.failureThreshold)
    ) {
      this.#deadline = this.#clock.now() + this.#options.cooldownMs;
      this.#transition('open');
    }
  }

  /** Forgets all failures and closes the circuit. */
  reset(): void {
    this.recordSuccess();
  }

  /** A frozen view of the breaker for metrics. */
  snapshot(): CircuitBreakerSnapshot {
    return Object.freeze({
      state: this.#state,
      failures: this.#failures,
      openUntil: this.openUntil,
      failureThreshold: this.#options.failureThreshold,
      cooldownMs: this.#options.cooldownMs,
    });
  }

  #startProbe(): void {
    this.#deadline = this.#clock.now() + this.#options.cooldownMs;
    this.#transition('halfOpen');
  }

  /** The one place the state changes. Re-entering the current state is a no-op. */
  #transition(to: CircuitState): void {
    const from = this.#state;
    if (from === to) return;
    if (!TRANSITIONS[from].includes(to)) {
      throw new Error(`CircuitBreaker: transition ${from} -> ${to} is not allowed (a lavafleet bug)`);
    }
    this.#state = to;
    this.emit('stateChange', { from, to });
  }
}
