import type { EventMap, TypedEmitter } from '../../src/util/typed-emitter.js';

/** Resolves with the next payload of `event` (optionally matching `filter`), or rejects after `timeoutMs`. */
export function nextEvent<E extends EventMap, K extends keyof E & string>(
  emitter: TypedEmitter<E>,
  event: K,
  { timeoutMs = 3000, filter }: { timeoutMs?: number; filter?: (payload: E[K]) => boolean } = {},
): Promise<E[K]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`timed out after ${timeoutMs} ms waiting for '${event}'`));
    }, timeoutMs);
    const off = emitter.on(event, (payload) => {
      if (filter && !filter(payload)) return;
      clearTimeout(timer);
      off();
      resolve(payload);
    });
  });
}

/** Records every payload of the given events, in order, as [event, payload] pairs. */
export function recordEvents<E extends EventMap>(emitter: TypedEmitter<E>, events: Array<keyof E & string>) {
  const log: Array<[string, unknown]> = [];
  const offs = events.map((event) => emitter.on(event, (payload) => void log.push([event, payload])));
  return { log, names: () => log.map(([name]) => name), stop: () => offs.forEach((off) => off()) };
}

/** Polls `condition` every 5 ms until it holds or `timeoutMs` passes. */
export async function waitFor(
  condition: () => boolean,
  { timeoutMs = 3000, what = 'condition' } = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
