/**
 * Two bot processes (say, two shard clusters) sharing one Redis and one Lavalink node, each owning
 * half of the guilds, killed with SIGKILL while they save and restarted, several times. Each restart
 * must restore exactly the guilds the process owns, resume its own Lavalink session (not the other
 * process's), and no guild may ever be on two sessions.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePlayerSnapshot } from '../../src/persistence/snapshot.js';
import { LavalinkEmulator } from '../../src/testing/index.js';
import {
  bundleChild,
  killAll,
  startChildBot,
  valueAfter,
  type ChildBot,
} from '../fixtures/persist-child-process.js';
import { persistGuild } from '../fixtures/persist-harness.js';
import { connectTestRedis, deleteByPrefix } from '../fixtures/redis-connection.js';

const CHILD = fileURLToPath(new URL('../fixtures/persist-redis-child.ts', import.meta.url));
const GUILDS = 30;
const ROUNDS = 5;
const PREFIX = `lavafleet-test:${randomBytes(6).toString('hex')}:`;
const PARITIES = ['even', 'odd'] as const;

const { client, reason } = await connectTestRedis();
const children = new Set<ChildBot>();
const emulator = new LavalinkEmulator({ password: 'pw' });
let root = '';
let childScript = '';

beforeAll(async () => {
  if (!client) return;
  root = await mkdtemp(join(tmpdir(), 'lavafleet-persist-redis-'));
  childScript = await bundleChild(CHILD, root);
  await emulator.start();
});

afterAll(async () => {
  await killAll(children);
  await emulator.stop();
  if (root) await rm(root, { recursive: true, force: true });
  if (!client) return;
  await deleteByPrefix(client, PREFIX);
  client.disconnect();
});

const owned = (parity: (typeof PARITIES)[number]) =>
  Array.from({ length: GUILDS }, (_, i) => i)
    .filter((i) => i % 2 === (parity === 'even' ? 0 : 1))
    .map(persistGuild)
    .sort();

if (!client) {
  console.warn(`Skipping the two-process persistence test: ${reason}`);
  it.skip(`two bot processes over one Redis (Redis unreachable: ${reason})`, () => undefined);
} else {
  const redis = client;

  /** Every saved player in Redis: guild → session id, checking that each entry is a valid snapshot. */
  const savedSessions = async (): Promise<Map<string, string | null>> => {
    const keys = await redis.keys(`${PREFIX}*`);
    const values = keys.length === 0 ? [] : await redis.mget(keys);
    return new Map(
      keys.map((key, i) => {
        const snapshot = parsePlayerSnapshot(key.slice(PREFIX.length), values[i]!);
        return [snapshot.guildId, snapshot.sessionId] as const;
      }),
    );
  };

  describe('two bot processes over one Redis', () => {
    it(`each restores and resumes only its own, through ${ROUNDS} kill -9 of both`, async () => {
      let previousSessions: string[] | null = null;
      for (let round = 1; round <= ROUNDS; round += 1) {
        const bots = PARITIES.map((parity) =>
          startChildBot(
            childScript,
            [PREFIX, parity, emulator.url, emulator.password, String(GUILDS)],
            children,
          ),
        );
        await Promise.all(bots.map((bot) => bot.printed('ready')));
        for (const bot of bots) bot.process.stdin.write('go\n');
        await Promise.all(bots.map((bot) => bot.printed('joined')));
        const context = (i: number) =>
          `round ${round}, ${PARITIES[i]}: ${bots[i]!.lines.join(' | ')} ${bots[i]!.stderr}`;
        bots.forEach((bot, i) => expect(bot.lines, context(i)).toContain('joined'));

        const sessions = bots.map((bot) => valueAfter(bot.lines, 'session')!);
        expect(sessions[0]).not.toBe(sessions[1]);
        bots.forEach((bot, i) => {
          const restored = JSON.parse(valueAfter(bot.lines, 'restored')!) as string[];
          // The first round starts from an empty Redis; afterwards each process gets back exactly its own
          // guilds, in the session it had, and never the other process's session.
          expect(restored, context(i)).toEqual(round === 1 ? [] : owned(PARITIES[i]!));
          if (previousSessions) expect(sessions[i], context(i)).toBe(previousSessions[i]);
        });
        // On Lavalink, each guild plays in exactly one session: its owner's.
        for (const [i, session] of sessions.entries()) {
          expect(
            emulator
              .players(session)
              .map((player) => player.guildId)
              .sort(),
            context(i),
          ).toEqual(owned(PARITIES[i]!));
        }

        await sleep(Math.floor(Math.random() * 30)); // let volume changes and saves run
        for (const bot of bots) bot.process.kill('SIGKILL');
        await Promise.all(bots.map((bot) => bot.closed));
        bots.forEach((bot, i) => expect(bot.stderr, context(i)).toBe(''));

        const saved = await savedSessions();
        expect([...saved.keys()].sort()).toEqual([...owned('even'), ...owned('odd')].sort());
        for (const [guildId, sessionId] of saved) {
          expect(sessionId, guildId).toBe(sessions[BigInt(guildId) % 2n === 0n ? 0 : 1]);
        }
        previousSessions = sessions;
      }
      expect(emulator.sessions()).toHaveLength(2);
    }, 30_000);
  });
}
