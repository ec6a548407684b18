import { readChildLines } from '../helpers/child-lines.js';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LavafleetError } from '../../src/errors.js';
import { FileStore } from '../../src/persistence/file-store.js';
import { expectedAfter } from '../fixtures/file-store-crash-model.js';

const CHILD = fileURLToPath(new URL('../fixtures/file-store-crash-child.ts', import.meta.url));
const KILLS = 100;
/** Children started ahead of time, so a start-up never counts against the next kill. */
const WARM = 2;

interface Child {
  readonly process: ChildProcessWithoutNullStreams;
  readonly lines: string[];
  /** Resolves once the child printed a line starting with `word`, or exited. */
  readonly printed: (word: string) => Promise<void>;
  readonly closed: Promise<unknown>;
  stderr: string;
}

const children = new Set<Child>();
let root = '';
let childScript = '';

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'lavafleet-crash-'));
  // One plain .mjs starts in a few tens of ms, where `node --import tsx` takes ~300 ms of CPU per child.
  childScript = join(root, 'child.mjs');
  await build({ entryPoints: [CHILD], outfile: childScript, bundle: true, platform: 'node', format: 'esm' });
});

function startChild(directory: string): Child {
  const child = spawn(process.execPath, [childScript, directory]);
  const { lines, printed, closed } = readChildLines(child);
  const run: Child = { process: child, lines, printed, closed, stderr: '' };
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (run.stderr += chunk));
  void run.closed.then(() => children.delete(run));
  children.add(run);
  return run;
}

/** The last number printed after `word`, or null. */
function lastNumber(lines: string[], word: string): number | null {
  const found = lines.filter((line) => line.startsWith(`${word} `));
  return found.length === 0 ? null : Number(found.at(-1)!.slice(word.length + 1));
}

afterAll(async () => {
  for (const child of children) child.process.kill('SIGKILL');
  await Promise.all([...children].map((child) => child.closed));
  await rm(root, { recursive: true, force: true });
});

describe('FileStore crash safety', () => {
  it(`survives ${KILLS} kill -9 at random moments without losing an acknowledged batch`, async () => {
    const directory = join(root, 'store');
    const started = Date.now();
    let acknowledged = 0;
    let killedBeforeOpen = 0;
    let durableButUnacknowledged = 0;
    const warm = Array.from({ length: WARM }, () => startChild(directory));
    for (let kill = 1; kill <= KILLS; kill += 1) {
      const child = warm.shift()!;
      if (kill + warm.length < KILLS) warm.push(startChild(directory));
      await child.printed('ready');
      expect(child.lines, `child ${kill} failed to start: ${child.stderr}`).toContain('ready');

      child.process.stdin.write('go\n');
      // Mostly kill while batches are being written; every fifth time, while the store opens and tidies up.
      const isDuringOpen = kill % 5 === 0;
      if (!isDuringOpen) await child.printed('open');
      const delayMs = (isDuringOpen ? 0 : 5) + Math.floor(Math.random() * 56);
      await sleep(delayMs);
      child.process.kill('SIGKILL');
      await child.closed;

      const opened = lastNumber(child.lines, 'open');
      const acked = lastNumber(child.lines, 'ack') ?? opened ?? 0;
      if (opened === null) killedBeforeOpen += 1;
      else acknowledged += acked - opened;
      const context = `kill ${kill} ${delayMs} ms after ${isDuringOpen ? 'go' : 'open'} (opened at ${opened}, acked ${acked})`;
      expect(child.stderr, context).not.toContain('ERR_STORE');

      // Check a copy, so the next child recovers from exactly what the kill left behind.
      const copy = join(root, `check-${kill}`);
      await cp(directory, copy, { recursive: true }).catch((error: unknown) => {
        if ((error as { code?: string }).code !== 'ENOENT') throw error; // killed before it created anything
      });
      const errors: LavafleetError[] = [];
      const store = new FileStore({ directory: copy, onError: (error) => errors.push(error) });
      const reached = Number((await store.get('meta/seq')) ?? '0');
      expect(reached, context).toBeGreaterThanOrEqual(acked);
      expect(await store.list(''), context).toEqual(expectedAfter(reached));
      expect(errors, context).toEqual([]);
      await store.close();
      await rm(copy, { recursive: true, force: true });
      if (reached > acked) durableButUnacknowledged += 1;
    }
    console.log(
      `FileStore crash test: ${KILLS} kills in ${Date.now() - started} ms, ${acknowledged} acknowledged batches, ` +
        `${killedBeforeOpen} kills before open, ${durableButUnacknowledged} with a durable unacknowledged batch`,
    );
    expect(acknowledged).toBeGreaterThan(KILLS);
  }, 180_000);
});
