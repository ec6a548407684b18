/**
 * The soak's bot, run as a child process (bundled by bot-host.ts): a Pool over the emulated nodes
 * with a TestConnector for Discord and a FileStore that outlives the process. It does what the
 * parent asks over IPC and reports every unhandled rejection and uncaught exception. Heap samples
 * are taken here, after a full GC (the process runs with `--expose-gc`), so they measure the bot
 * alone and not the emulators.
 */
import { getHeapStatistics } from 'node:v8';
import { FileStore, Pool } from '../src/index.js';
import { TestConnector } from '../src/testing/index.js';
import type { BotMessage, BotRequest, BotResults, BotView, GuildPlan, StartRequest } from './bot-protocol.js';
import { GuildTrace } from './bot-trace.js';
import { waitForRelease } from './resources.js';

const BOT_USER_ID = '1250000000000000777';
/** How long close() may take to release its sockets and timers before what is left counts as leaked. */
const RELEASE_WAIT_MS = 2_000;

/** Resources of the bare process (IPC channel, stdio), taken when the first pool starts. */
let baseline: string[] | null = null;

let pool: Pool | null = null;
let connector: TestConnector | null = null;
let store: FileStore | null = null;
let isClosed = false;
const trace = new GuildTrace();
const errors: Record<string, number> = {};

function send(message: BotMessage, then?: () => void): void {
  if (process.connected) process.send?.(message, undefined, undefined, () => then?.());
}

function describe(reason: unknown): string {
  return reason instanceof Error ? (reason.stack ?? reason.message) : String(reason);
}

process.on('unhandledRejection', (reason) =>
  send({ event: 'unhandled', kind: 'unhandledRejection', message: describe(reason) }),
);
process.on('uncaughtException', (error) =>
  send({ event: 'unhandled', kind: 'uncaughtException', message: describe(error) }),
);
// The parent went away without closing us: nothing is left to report to. After a close the process
// must end by itself (the parent checks that it does).
process.on('disconnect', () => {
  if (!isClosed) process.exit(0);
});

async function start(request: StartRequest): Promise<BotResults['start']> {
  if (baseline === null) {
    // stdio streams open their pipes on first use: open them now so they belong to the baseline.
    void [process.stdout, process.stderr];
    baseline = process.getActiveResourcesInfo();
  }
  connector = new TestConnector({ userId: BOT_USER_ID });
  store = new FileStore({ directory: request.storeDirectory, fsync: false });
  const { tuning } = request;
  pool = new Pool({
    nodes: request.endpoints.map((endpoint) => ({ ...endpoint, ...tuning.node })),
    connector,
    store,
    stateSaveIntervalMs: tuning.stateSaveIntervalMs,
    syncIntervalMs: tuning.syncIntervalMs,
    failover: tuning.failover,
  });
  pool.on('error', (error) => void (errors[error.code] = (errors[error.code] ?? 0) + 1));
  trace.attach(pool);
  await pool.connect();
  trace.restored(pool); // as they are once a node is ready
  return { restored: pool.players.size };
}

async function join(plans: GuildPlan[], concurrency: number): Promise<BotResults['join']> {
  const current = requirePool();
  const failed: BotResults['join']['failed'] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < plans.length) {
      const plan = plans[next++]!;
      const [first, ...rest] = plan.tracks;
      try {
        const player = await current.join({
          guildId: plan.guildId,
          channelId: plan.channelId,
          play: first!,
          playOptions: { position: plan.startAtMs },
        });
        player.queue.add(rest);
        player.queue.loop = 'queue';
      } catch (error) {
        failed.push({ guildId: plan.guildId, error: describe(error) });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, plans.length) }, worker));
  return { joined: plans.length - failed.length, failed };
}

function view(): BotView {
  const current = requirePool();
  const players: BotView['players'] = [];
  for (const player of current.players.values()) {
    const node = player.node;
    const track = player.track?.info.identifier ?? null;
    players.push([player.guildId, node.identifier, node.sessionId, node.isReady, track, player.isPlaying]);
  }
  const { failovers, playersMoved, playersRestored, movesFailed } = current.metrics();
  return { players, metrics: { failovers, playersMoved, playersRestored, movesFailed }, errors };
}

function placedOn(node: string, sessionId: string | null): BotResults['placedOn'] {
  const guilds: string[] = [];
  for (const player of requirePool().players.values())
    if (player.node.identifier === node && (sessionId === null || player.node.sessionId === sessionId))
      guilds.push(player.guildId);
  return guilds;
}

/** How long apart the heap is sampled twice (see {@link heap}). */
const HEAP_RESAMPLE_MS = 300;

/**
 * The heap after a full GC: the lesser of two samples {@link HEAP_RESAMPLE_MS} apart. A checkpoint
 * can settle while the last moves of a failover are still answered, and their requests and replies
 * are live then (soak seed 63: one sample 7 MB above the next); what a leak holds is in both.
 */
async function heap(): Promise<BotResults['heap']> {
  // The connector records every voice update for tests to read; the soak never does.
  if (connector) connector.sent.length = 0;
  const gc = (globalThis as { gc?: () => void }).gc;
  if (typeof gc !== 'function') throw new Error('the bot process needs --expose-gc');
  const sample = (): number => {
    gc();
    gc();
    return getHeapStatistics().used_heap_size;
  };
  const first = sample();
  await new Promise((resolve) => setTimeout(resolve, HEAP_RESAMPLE_MS));
  return { usedBytes: Math.min(first, sample()) };
}

async function close(): Promise<BotResults['close']> {
  isClosed = true;
  await pool?.close();
  connector?.destroy();
  await store?.close();
  pool = null;
  connector = null;
  store = null;
  return waitForRelease(baseline ?? [], RELEASE_WAIT_MS);
}

function requirePool(): Pool {
  if (pool === null) throw new Error('the bot has not started');
  return pool;
}

async function handle(request: BotRequest): Promise<unknown> {
  switch (request.cmd) {
    case 'start':
      return start(request);
    case 'join':
      return join(request.plans, request.concurrency);
    case 'view':
      return view();
    case 'heap':
      return heap();
    case 'trace':
      return trace.of(request.guildIds);
    case 'placedOn':
      return placedOn(request.node, request.sessionId);
    case 'close':
      return close();
  }
}

process.on('message', (message: BotRequest & { id: number }) => {
  handle(message).then(
    (result) => {
      // After close, leave: with nothing left open the process ends by itself.
      send({ id: message.id, ok: true, result }, () => {
        if (message.cmd === 'close') process.disconnect();
      });
    },
    (error: unknown) => send({ id: message.id, ok: false, error: describe(error) }),
  );
});
