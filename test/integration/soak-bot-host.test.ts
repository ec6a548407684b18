/**
 * The soak's bot process host (soak/bot-host.ts): a request sent while the bot is leaving (its pool
 * closed, its IPC channel closing) fails that request; it does not throw an uncaught
 * `ERR_IPC_CHANNEL_CLOSED` in the soak process (found by soak seed 35, whose harness asked the bot
 * about a failed node during a graceful bot restart).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { BotProcess, bundleBot } from '../../soak/bot-host.js';

let dir: string | undefined;
let bot: BotProcess | undefined;
afterEach(async () => {
  await bot?.kill();
  bot = undefined;
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = undefined;
});

it('fails requests sent while the bot is leaving instead of throwing in the soak process', async () => {
  dir = await mkdtemp(join(tmpdir(), 'lavafleet-bot-host-'));
  const unhandled: string[] = [];
  const running = new BotProcess(
    await bundleBot(dir),
    (kind, message) => unhandled.push(`${kind}: ${message}`),
    () => undefined,
  );
  bot = running;
  await running.request({ cmd: 'close' });
  // The bot disconnects right after its answer, then exits: ask all along, as the soak's harness may.
  const requests: Array<Promise<string>> = [];
  while (!running.hasExited) {
    requests.push(
      running.request({ cmd: 'heap' }).then(
        () => 'answered',
        (error: Error) => error.message,
      ),
    );
    await new Promise((resolve) => setImmediate(resolve));
  }
  const outcomes = await Promise.all(requests);
  expect(outcomes.length).toBeGreaterThan(0);
  for (const outcome of outcomes) if (outcome !== 'answered') expect(outcome).toMatch(/exited|channel|EPIPE/);
  expect(unhandled).toEqual([]);
}, 30_000);
