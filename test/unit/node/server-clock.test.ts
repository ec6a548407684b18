import { expect, it } from 'vitest';
import { ServerClock } from '../../../src/node/server-clock.js';

const SKEW = 600_000; // the server's clock is 10 minutes ahead of ours

it('knows nothing before the first frame: a time maps to the moment it is handled', () => {
  const clock = new ServerClock();
  expect(clock.toLocal(1_000 + SKEW, 1_000)).toBe(1_000);
});

it('learns the offset between the clocks, whatever it is, and finds the extra delay of a late frame', () => {
  const clock = new ServerClock();
  clock.observe(1_000 + SKEW - 2, 1_000); // 2 ms on the way
  clock.observe(2_000 + SKEW - 2, 2_000);
  expect(clock.toLocal(2_000 + SKEW - 2, 2_000)).toBe(2_000); // a usual frame: as handled
  expect(clock.toLocal(2_500 + SKEW - 3, 2_500)).toBe(2_499); // 1 ms of jitter is 1 ms
  // Stamped at 3,000 and handled 1.5 s later (a frozen node, a busy event loop).
  clock.observe(3_000 + SKEW, 4_500);
  expect(clock.toLocal(3_000 + SKEW, 4_500)).toBe(3_002);
});

it('never puts a frame after the moment it is handled', () => {
  const clock = new ServerClock();
  clock.observe(1_000 + SKEW, 1_100);
  // A faster frame than any before: at most now.
  expect(clock.toLocal(2_000 + SKEW, 2_010)).toBe(2_010);
});

it('ignores frames with no usable timestamp', () => {
  const clock = new ServerClock();
  clock.observe(1_000, 1_000);
  clock.observe(0, 50_000);
  clock.observe(Number.NaN, 50_000);
  expect(clock.toLocal(0, 60_000)).toBe(60_000);
  expect(clock.toLocal(5_000, 60_000)).toBe(5_000);
});

it('follows a server clock stepped back within two windows', () => {
  const clock = new ServerClock(10_000);
  for (let t = 0; t <= 10_000; t += 1_000) clock.observe(t + SKEW, t);
  // The server's clock steps back 5 s: its frames look 5 s late until the old minimum is forgotten.
  const stepped = (t: number) => t + SKEW - 5_000;
  clock.observe(stepped(11_000), 11_000);
  expect(clock.toLocal(stepped(11_000), 11_000)).toBe(6_000);
  for (let t = 12_000; t <= 30_000; t += 1_000) clock.observe(stepped(t), t);
  expect(clock.toLocal(stepped(30_000), 30_000)).toBe(30_000);
});

it('forgets a minimum older than two windows after a silence', () => {
  const clock = new ServerClock(10_000);
  clock.observe(1_000 + SKEW, 1_000);
  // 30 s later, a frame 400 ms slower than the one before: the link's new usual.
  clock.observe(31_000 + SKEW - 400, 31_000);
  expect(clock.toLocal(31_000 + SKEW - 400, 31_000)).toBe(31_000);
});
