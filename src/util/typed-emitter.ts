import { ErrorCodes, LavafleetError } from '../errors.js';

/** A map of event name to payload type. */
export type EventMap = object;

/** The event map of an emitter: `EmitterEvents<Pool>['playerMoved']` is that event's payload. */
export type EmitterEvents<T> = T extends { readonly '~events'?: infer E } ? E : never;

/** A listener for one event. May return a promise: a rejection is reported as an `error` event. */
export type Listener<T> = (payload: T) => unknown;

/**
 * A small typed event emitter. Unlike Node's EventEmitter it never throws: an `error` event with no
 * listener is dropped (lavafleet's state never depends on it), and a listener that throws or rejects
 * is reported as an `error` event instead of breaking the library's own handler. Every event has
 * exactly one payload object.
 */
export class TypedEmitter<Events extends EventMap> {
  /** Type-only: the event map, so helpers can derive payload types (`EmitterEvents<typeof pool>`). */
  declare readonly '~events'?: Events;
  #listeners = new Map<keyof Events, Listener<never>[]>();

  /** Adds a listener. Returns a function that removes it. */
  on<K extends keyof Events>(event: K, listener: Listener<Events[K]>): () => void {
    const list = this.#listeners.get(event);
    if (list) list.push(listener);
    else this.#listeners.set(event, [listener]);
    return () => this.off(event, listener);
  }

  /** Adds a listener that runs once. */
  once<K extends keyof Events>(event: K, listener: Listener<Events[K]>): () => void {
    const off = this.on(event, (payload) => {
      off();
      return listener(payload);
    });
    return off;
  }

  /** Removes a listener. */
  off<K extends keyof Events>(event: K, listener: Listener<Events[K]>): void {
    const list = this.#listeners.get(event);
    if (!list) return;
    const index = list.indexOf(listener);
    if (index !== -1) list.splice(index, 1);
    if (list.length === 0) this.#listeners.delete(event);
  }

  /** Whether anyone listens: lets callers skip building expensive payloads. */
  hasListeners(event: keyof Events): boolean {
    return this.#listeners.has(event);
  }

  /** Number of listeners of an event. */
  listenerCount(event: keyof Events): number {
    return this.#listeners.get(event)?.length ?? 0;
  }

  /** Removes every listener (of one event, or all). */
  removeAllListeners(event?: keyof Events): void {
    if (event === undefined) this.#listeners.clear();
    else this.#listeners.delete(event);
  }

  /** Calls every listener of `event` with `payload`. Returns whether there were listeners. */
  emit<K extends keyof Events>(event: K, payload: Events[K]): boolean {
    const list = this.#listeners.get(event);
    if (!list) return false;
    // Copy when there is more than one listener so that on/off inside a listener is safe.
    const snapshot = list.length === 1 ? list : list.slice();
    for (const listener of snapshot) {
      try {
        const result = (listener as Listener<Events[K]>)(payload);
        if (isThenable(result))
          result.then(undefined, (error: unknown) => this.#listenerFailed(event, error));
      } catch (error) {
        this.#listenerFailed(event, error);
      }
    }
    return true;
  }

  #listenerFailed(event: keyof Events, error: unknown): void {
    if (event === 'error') {
      // An error listener that fails has nowhere left to report to; never crash the bot for it.
      process.emitWarning(`lavafleet: an 'error' listener threw: ${String(error)}`);
      return;
    }
    const wrapped = new LavafleetError(
      ErrorCodes.ListenerError,
      `A listener of '${String(event)}' threw; lavafleet carried on. Fix the listener.`,
      { cause: error },
    );
    this.emit('error' as keyof Events, wrapped as Events[keyof Events]);
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function'
  );
}
