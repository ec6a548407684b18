import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { AbortListeners } from '../../../src/util/abort-listeners.js';

function waiter() {
  const w = { calls: 0, handleEvent: () => void (w.calls += 1) };
  return w;
}

describe('AbortListeners', () => {
  it('puts one listener on a signal, whatever the number of waiters, and tells each once', () => {
    const listeners = new AbortListeners();
    const controller = new AbortController();
    const waiters = Array.from({ length: 1_000 }, waiter);
    for (const w of waiters) listeners.add(controller.signal, w);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(1);
    controller.abort();
    controller.abort();
    expect(waiters.every((w) => w.calls === 1)).toBe(true);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  it('does not tell a waiter removed before the abort', () => {
    const listeners = new AbortListeners();
    const controller = new AbortController();
    const kept = waiter();
    const removed = waiter();
    listeners.add(controller.signal, kept);
    listeners.add(controller.signal, removed);
    listeners.remove(controller.signal, removed);
    controller.abort();
    expect([kept.calls, removed.calls]).toEqual([1, 0]);
  });

  it('keeps signals apart', () => {
    const listeners = new AbortListeners();
    const a = new AbortController();
    const b = new AbortController();
    const onA = waiter();
    const onB = waiter();
    listeners.add(a.signal, onA);
    listeners.add(b.signal, onB);
    a.abort();
    expect([onA.calls, onB.calls]).toEqual([1, 0]);
  });
});
