import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { connectTestRedis, deleteByPrefix } from '../fixtures/redis-connection.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CHILD = fileURLToPath(new URL('../fixtures/redis-claim-child.ts', import.meta.url));
const GUILDS = 500;
const PREFIX = `lavafleet-test:${randomBytes(6).toString('hex')}:`;

const { client, reason } = await connectTestRedis();

afterAll(async () => {
  if (!client) return;
  await deleteByPrefix(client, PREFIX);
  client.disconnect();
});

/** Starts a child that will claim every guild as `owner`; resolves its claimed guilds once told to go. */
function startClaimer(owner: string) {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, PREFIX, owner, String(GUILDS)], {
    cwd: ROOT,
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = once(child, 'close');
  const ready = new Promise<void>((resolve, reject) => {
    const check = () => (stdout.includes('ready\n') ? resolve() : undefined);
    child.stdout.on('data', check);
    void exited.then(() => reject(new Error(`${owner} exited before it was ready: ${stderr}`)));
  });
  const claimed = async (): Promise<number[]> => {
    child.stdin.end('go\n');
    await exited;
    const line = stdout.split('\n').find((text) => text.startsWith('claimed '));
    if (!line) throw new Error(`${owner} printed no result: ${stderr}`);
    return JSON.parse(line.slice('claimed '.length)) as number[];
  };
  return { ready, claimed };
}

if (!client) {
  console.warn(`Skipping the RedisStore two-process test: ${reason}`);
  it.skip(`RedisStore claims across processes (Redis unreachable: ${reason})`, () => undefined);
} else {
  const redis = client;
  describe('RedisStore claims across processes', () => {
    it('gives each guild to exactly one of two processes racing for all of them', async () => {
      const claimers = [startClaimer('process-a'), startClaimer('process-b')];
      await Promise.all(claimers.map((claimer) => claimer.ready));
      const [a, b] = await Promise.all(claimers.map((claimer) => claimer.claimed()));

      expect(a!.filter((guild) => b!.includes(guild))).toEqual([]);
      expect([...a!, ...b!].sort((x, y) => x - y)).toEqual(Array.from({ length: GUILDS }, (_, i) => i));
      const owners = await redis.mget(Array.from({ length: GUILDS }, (_, i) => `${PREFIX}owners/guild/${i}`));
      owners.forEach((owner, guild) => expect(owner).toBe(a!.includes(guild) ? 'process-a' : 'process-b'));
      console.log(`two-process claim: process-a won ${a!.length} guilds, process-b ${b!.length}`);
    }, 30_000);
  });
}
