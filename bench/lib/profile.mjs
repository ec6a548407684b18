// `--profile=<file.cpuprofile>`: a V8 CPU profile of just the measured section of a scenario
// (open it in Chrome DevTools → Performance, or summarise it with bench/lib/profile-summary.mjs).
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';

let session = null;

export async function startProfile(path) {
  if (!path) return;
  session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 100 });
  await session.post('Profiler.start');
}

export async function stopProfile(path) {
  if (!path || !session) return;
  const { profile } = await session.post('Profiler.stop');
  writeFileSync(path, JSON.stringify(profile));
  session.disconnect();
  session = null;
}
