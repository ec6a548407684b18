import { expect, it } from 'vitest';
import { RestLatency } from '../../../src/node/rest-latency.js';

it('smooths the round trips of quick routes that got an answer', () => {
  const latency = new RestLatency();
  expect(latency.recentMs(0)).toBeNull();
  latency.record('player', 200, 100, 0);
  expect(latency.recentMs(0)).toBe(100);
  latency.record('player', 503, 200, 10); // an error page crossed the network too
  expect(latency.recentMs(10)).toBeCloseTo(130);
  latency.record('loadTracks', 200, 5_000, 20); // waits on YouTube, not on the network
  latency.record('player', null, 2_000, 30); // timed out: no round trip
  expect(latency.recentMs(30)).toBeCloseTo(130);
});

it('forgets a figure with no sample in the last 5 s', () => {
  const latency = new RestLatency();
  latency.record('version', 200, 600, 0);
  expect(latency.recentMs(5_000)).toBe(600);
  expect(latency.recentMs(5_001)).toBeNull();
  latency.record('version', 200, 4, 6_000); // starts afresh, not smoothed with the stale 600
  expect(latency.recentMs(6_000)).toBe(4);
});
