/**
 * When the queue's next track cannot be started although the node is up (Lavalink answered 5xx, the
 * request timed out or its connection reset), nothing else repairs it: failover and resume only act
 * when a node's socket drops. The player asks again on this policy, then moves to another node.
 * Only the node's trouble is retried (`isServerSideFailure`): a 4xx is Lavalink refusing the track,
 * and a node that is not ready is failover's or resume's.
 */
import type { BackoffPolicy } from '../resilience/backoff.js';

/** Retries of the next track's start on the same node, before the player moves. */
export const NEXT_TRACK_RETRIES = 4;

/** Waits between those retries: 250 ms doubling to 2 s, full jitter (a few seconds in all). */
export const NEXT_TRACK_BACKOFF: Readonly<BackoffPolicy> = Object.freeze({
  baseDelayMs: 250,
  maxDelayMs: 2_000,
  jitter: 'full',
});
