import { invalidOption } from '../errors.js';
import { requireNumber, requireObject } from '../util/validate.js';

/**
 * How a wait before a retry is randomised:
 * - `'full'`: uniform in [0, ceiling]. Spreads hundreds of clients reconnecting to one node the most.
 *   There is deliberately no floor: a near-0 wait costs one cheap attempt, and the next ceiling doubles.
 * - `'equal'`: uniform in [ceiling / 2, ceiling]. Use it when an attempt is expensive enough to want a
 *   guaranteed minimum wait.
 * - `'none'`: exactly the ceiling. For tests and single-client tools only.
 */
export type JitterMode = 'full' | 'equal' | 'none';

/** A resolved backoff policy: exponential from `baseDelayMs`, capped at `maxDelayMs`, jittered. */
export interface BackoffPolicy {
  /**
   * Ceiling of the wait before the first retry; it doubles on each further retry.
   * @defaultValue 1_000
   */
  readonly baseDelayMs: number;
  /**
   * Upper bound of the ceiling, reached after a few retries. At most 2_147_483_647 (Node's timer limit).
   * @defaultValue 30_000
   */
  readonly maxDelayMs: number;
  /**
   * How the wait is randomised below the ceiling (see {@link JitterMode}).
   * @defaultValue 'full'
   */
  readonly jitter: JitterMode;
}

/** Backoff options as a user writes them: every field optional. */
export type BackoffPolicyInput = { [K in keyof BackoffPolicy]?: BackoffPolicy[K] | undefined };

/** The default backoff: 1 s doubling to 30 s, full jitter. */
export const DEFAULT_BACKOFF: Readonly<BackoffPolicy> = Object.freeze({
  baseDelayMs: 1_000,
  maxDelayMs: 30_000,
  jitter: 'full',
});

/** The longest delay Node's timers honour; longer ones silently fire after 1 ms. */
const MAX_TIMER_DELAY_MS = 2_147_483_647;

/** Beyond this exponent `2 ** exponent` overflows to Infinity, and `0 * Infinity` would be NaN. */
const MAX_EXPONENT = 1023;

const JITTER_MODES: readonly JitterMode[] = ['full', 'equal', 'none'];

/**
 * The wait in ms before retry number `attempt` (1 = the first retry): `baseDelayMs * 2 ** (attempt - 1)`
 * capped at `maxDelayMs`, then jittered. Pure; safe for any attempt up to `Number.MAX_SAFE_INTEGER`.
 * `random` must return a number in [0, 1), like `Math.random`.
 */
export function backoffDelay(
  attempt: number,
  policy: BackoffPolicy,
  random: () => number = Math.random,
): number {
  if (!Number.isSafeInteger(attempt) || attempt < 1) {
    throw new RangeError(`backoffDelay: attempt must be an integer >= 1, received ${String(attempt)}`);
  }
  const exponent = Math.min(attempt - 1, MAX_EXPONENT);
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** exponent);
  switch (policy.jitter) {
    case 'none':
      return ceiling;
    case 'equal':
      return ceiling / 2 + unit(random) * (ceiling / 2);
    case 'full':
      return unit(random) * ceiling;
  }
}

/**
 * Merges `input` over {@link DEFAULT_BACKOFF}, validates it and freezes it. Errors name the option as
 * `${optionPrefix}.baseDelayMs` etc.
 */
export function resolveBackoffPolicy(
  input: BackoffPolicyInput | undefined,
  optionPrefix: string,
): Readonly<BackoffPolicy> {
  const name = (field: string): string => (optionPrefix ? `${optionPrefix}.${field}` : field);
  if (input !== undefined) requireObject(optionPrefix || 'backoff', input);
  const baseDelayMs = requireNumber(name('baseDelayMs'), input?.baseDelayMs ?? DEFAULT_BACKOFF.baseDelayMs, {
    min: 0,
    max: MAX_TIMER_DELAY_MS,
  });
  // An explicit base above the default max raises the default max with it, rather than failing.
  const maxDelayMs = requireNumber(
    name('maxDelayMs'),
    input?.maxDelayMs ?? Math.max(DEFAULT_BACKOFF.maxDelayMs, baseDelayMs),
    { min: baseDelayMs, max: MAX_TIMER_DELAY_MS },
  );
  const jitter = input?.jitter ?? DEFAULT_BACKOFF.jitter;
  if (!JITTER_MODES.includes(jitter)) {
    throw invalidOption('type', name('jitter'), "'full', 'equal' or 'none'", jitter);
  }
  return Object.freeze({ baseDelayMs, maxDelayMs, jitter });
}

/** A random source's value, forced into [0, 1] so a faulty source cannot break the bounds. */
function unit(random: () => number): number {
  const value = random();
  return value > 0 ? Math.min(value, 1) : 0;
}
