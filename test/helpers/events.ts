/* eslint-disable @typescript-eslint/no-explicit-any -- the constraint accepts any emitter; payload types come from EventsOf */
import type { EmitterEvents as EventsOf, TypedEmitter } from '../../src/util/typed-emitter.js';

/** Resolves with the next payload of `event` (optionally matching `filter`), or rejects after `timeoutMs`. */
export function nextEvent<T extends TypedEmitter<any>, K extends keyof EventsOf<T> & string>(
  emitter: T,
  event: K,
  { timeoutMs = 8000, filter }: { timeoutMs?: number; filter?: (payload: EventsOf<T>[K]) => boolean } = {},
): Promise<EventsOf<T>[K]> {
  const source = emitter as unknown as TypedEmitter<EventsOf<T>>;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`timed out after ${timeoutMs} ms waiting for '${event}'`));
    }, timeoutMs);
    const off = source.on(event, (payload) => {
      if (filter && !filter(payload)) return;
      clearTimeout(timer);
      off();
      resolve(payload);
    });
  });
}

/** Records every payload of the given events, in order, as [event, payload] pairs. */
export function recordEvents<T extends TypedEmitter<any>>(
  emitter: T,
  events: Array<keyof EventsOf<T> & string>,
) {
  const source = emitter as unknown as TypedEmitter<EventsOf<T>>;
  const log: Array<[string, unknown]> = [];
  const offs = events.map((event) => source.on(event, (payload) => void log.push([event, payload])));
  return { log, names: () => log.map(([name]) => name), stop: () => offs.forEach((off) => off()) };
}

/** Polls `condition` every 5 ms until it holds or `timeoutMs` passes. */
export async function waitFor(
  condition: () => boolean,
  { timeoutMs = 8000, what = 'condition' } = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
