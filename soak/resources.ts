/**
 * What a process holds open, for the check that close() releases every socket and timer:
 * `process.getActiveResourcesInfo()` against a baseline taken before the pool existed. It lists what
 * keeps the event loop alive (sockets, servers, ref'd timers); lavafleet's own timers are unref'd by
 * design, so a leaked one shows only by what it keeps (a socket, a retry).
 */

/** Active resources beyond `baseline` (a multiset difference). */
export function extraResources(baseline: readonly string[]): string[] {
  const left = [...baseline];
  const extra: string[] = [];
  for (const resource of process.getActiveResourcesInfo()) {
    const i = left.indexOf(resource);
    if (i >= 0) left.splice(i, 1);
    else extra.push(resource);
  }
  return extra;
}

/** Waits up to `waitMs` for the resources beyond `baseline` to go; resolves with what is left and when. */
export async function waitForRelease(
  baseline: readonly string[],
  waitMs: number,
): Promise<{ leftover: string[]; waitedMs: number }> {
  const started = performance.now();
  let leftover = extraResources(baseline);
  while (leftover.length > 0 && performance.now() - started < waitMs) {
    // The check runs once this timer has fired, so the timer itself is not counted.
    await new Promise((resolve) => setTimeout(resolve, 20));
    leftover = extraResources(baseline);
  }
  return { leftover, waitedMs: Math.round(performance.now() - started) };
}
