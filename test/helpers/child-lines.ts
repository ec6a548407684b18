import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';

/** A child process's stdout as lines, with a wait for the first line that starts with a word. */
export interface ChildLines {
  lines: string[];
  /** Resolves when a line starting with `word` was printed, or when the child closed. */
  printed(word: string): Promise<void>;
  closed: Promise<unknown>;
}

/** Reads `child`'s stdout line by line. */
export function readChildLines(child: ChildProcess): ChildLines {
  const lines: string[] = [];
  const waiters = new Set<{ word: string; resolve: () => void }>();
  let pending = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    pending += chunk;
    for (let end = pending.indexOf('\n'); end !== -1; end = pending.indexOf('\n')) {
      const line = pending.slice(0, end);
      pending = pending.slice(end + 1);
      lines.push(line);
      for (const waiter of waiters) if (line.startsWith(waiter.word)) waiter.resolve();
    }
  });
  const closed = once(child, 'close');
  const printed = (word: string): Promise<void> =>
    lines.some((line) => line.startsWith(word))
      ? Promise.resolve()
      : Promise.race([
          closed.then(() => undefined),
          new Promise<void>((resolve) => waiters.add({ word, resolve })),
        ]);
  return { lines, printed, closed };
}
