/**
 * kill -9 of a bot while it saves, 100 times in a row: each child runs a real Pool saving players to
 * a FileStore (every 5 ms) against an emulator in this process, and is killed at a random moment. After
 * each kill the store must open without errors and hold only valid snapshots, and the next child must
 * restore every player in it and get each one back on Lavalink.
 */
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LavafleetError } from '../../src/errors.js';
import { FileStore } from '../../src/persistence/file-store.js';
import { parsePlayerSnapshot } from '../../src/persistence/snapshot.js';
import { LavalinkEmulator } from '../../src/testing/index.js';
import {
  bundleChild,
  killAll,
  startChildBot,
  valueAfter,
  type ChildBot,
} from '../fixtures/persist-child-process.js';

const CHILD = fileURLToPath(new URL('../fixtures/persist-crash-child.ts', import.meta.url));
const KILLS = 100;
const PLAYERS = 20;
/** Children started ahead of time, so a start-up never counts against the next kill. */
const WARM = 2;

const children = new Set<ChildBot>();
let root = '';
let childScript = '';
const emulator = new LavalinkEmulator({ password: 'pw' });

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'lavafleet-persist-crash-'));
  childScript = await bundleChild(CHILD, root);
  await emulator.start();
});

afterAll(async () => {
  await killAll(children);
  await emulator.stop();
  await rm(root, { recursive: true, force: true });
});

const startChild = (directory: string) =>
  startChildBot(childScript, [directory, emulator.url, emulator.password, String(PLAYERS)], children);

function numberAfter(lines: string[], word: string): number | null {
  const value = valueAfter(lines, word);
  return value === null ? null : Number(value);
}

/** Opens a copy of what the kill left behind and checks every entry; returns the saved guilds. */
async function checkStore(directory: string, context: string): Promise<string[]> {
  const copy = join(root, 'check');
  await rm(copy, { recursive: true, force: true });
  await cp(directory, copy, { recursive: true }).catch((error: unknown) => {
    if ((error as { code?: string }).code !== 'ENOENT') throw error; // killed before it created anything
  });
  const errors: LavafleetError[] = [];
  const store = new FileStore({ directory: copy, onError: (error) => errors.push(error) });
  const entries = await store.list('');
  await store.close();
  expect(errors, context).toEqual([]);
  const guilds: string[] = [];
  for (const { key, value } of entries) {
    expect(key, context).toMatch(/^lavafleet\/\d+\/players\/\d+$/);
    const snapshot = parsePlayerSnapshot(key, value); // throws on anything that is not a valid snapshot
    expect(snapshot.node, context).toBe('node1');
    guilds.push(snapshot.guildId);
  }
  return guilds;
}

describe('persistence crash safety with a real Pool', () => {
  it(`restores every saved player after each of ${KILLS} kill -9 during saves`, async () => {
    const directory = join(root, 'store');
    const started = Date.now();
    let saved = 0; // players in the store after the previous kill
    let everJoined = false;
    let killsWhileChanging = 0;
    const warm = Array.from({ length: WARM }, () => startChild(directory));
    for (let kill = 1; kill <= KILLS; kill += 1) {
      const child = warm.shift()!;
      if (kill + warm.length <= KILLS) warm.push(startChild(directory));
      await child.printed('ready');
      expect(child.lines, `child ${kill} failed to start: ${child.stderr}`).toContain('ready');

      child.process.stdin.write('go\n');
      // Mostly kill while players change and saves run; every fifth time, while it restores.
      const isDuringRestore = kill % 5 === 0;
      if (!isDuringRestore) await child.printed('joined');
      const delayMs = Math.floor(Math.random() * 40);
      await sleep(delayMs);
      child.process.kill('SIGKILL');
      await child.closed;

      const context = `kill ${kill}, ${delayMs} ms after ${isDuringRestore ? 'go' : 'joined'}: ${child.lines.join(' | ')} ${child.stderr}`;
      expect(child.stderr, context).toBe('');
      const restored = numberAfter(child.lines, 'restored');
      if (restored !== null) expect(restored, `${context}: restores what the last child saved`).toBe(saved);
      const attached = numberAfter(child.lines, 'attached');
      if (attached !== null)
        expect(attached, `${context}: every restored player is back on Lavalink`).toBe(restored);
      if (child.lines.includes('joined')) {
        everJoined = true;
        killsWhileChanging += 1;
      }

      const guilds = await checkStore(directory, context);
      expect(new Set(guilds).size, context).toBe(guilds.length);
      // Once a child saved all its players, none is ever lost again.
      if (everJoined) expect(guilds.length, context).toBe(PLAYERS);
      saved = guilds.length;
    }
    console.log(
      `persistence crash test: ${KILLS} kills in ${Date.now() - started} ms, ${killsWhileChanging} while players changed, ` +
        `${emulator.sessions().length} emulator sessions left`,
    );
    expect(killsWhileChanging).toBeGreaterThan(KILLS / 2);
  }, 120_000);
});
