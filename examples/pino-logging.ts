/**
 * Structured logging with pino: the pool's `debug` events go to one child logger per scope
 * (`node:<identifier>`, `failover`, …) with their data as fields, and `error` events carry the
 * stable `code`, so a log query such as `code = "ERR_REST"` finds every failed REST call.
 *
 * `attachPinoLogging()` is what a bot copies. The `main()` below runs it against an emulated
 * Lavalink (no Discord, no server to install), drops the connection once, and exits:
 *
 *   npx tsx examples/pino-logging.ts
 *   LOG_LEVEL=info npx tsx examples/pino-logging.ts   # no debug listener at all
 */
import { pino } from 'pino';
import type { Logger } from 'pino';
import { Pool } from 'lavafleet';
import type { DebugEvent, LavafleetError } from 'lavafleet';
import { LavalinkEmulator, TestConnector } from 'lavafleet/testing';

/**
 * Sends lavafleet's `debug` and `error` events to `logger`. Returns a function that detaches both.
 *
 * lavafleet builds a debug payload only while someone listens, so the `debug` listener is added only
 * when the logger would print it: with the level at `info` the debug path costs nothing.
 */
export function attachPinoLogging(pool: Pool, logger: Logger): () => void {
  const scoped = new Map<string, Logger>();
  const forScope = (scope: string): Logger => {
    let child = scoped.get(scope);
    if (!child) {
      child = logger.child({ scope });
      scoped.set(scope, child);
    }
    return child;
  };

  const offError = pool.on('error', (error: LavafleetError) => {
    // `err` goes through pino's error serializer (type, message, stack, cause).
    logger.error({ err: error, code: error.code }, error.message);
  });
  if (!logger.isLevelEnabled('debug')) return offError;

  const offDebug = pool.on('debug', ({ scope, message, data }: DebugEvent) => {
    forScope(scope).debug(data ?? {}, message);
  });
  return () => {
    offError();
    offDebug();
  };
}

async function main(): Promise<void> {
  const logger = pino({ level: process.env.LOG_LEVEL ?? 'debug', base: { app: 'example-bot' } });
  const emulator = new LavalinkEmulator();
  await emulator.start();

  const pool = new Pool({
    nodes: [{ identifier: 'main', uri: emulator.url, password: emulator.password }],
    connector: new TestConnector(),
    store: false,
    // Short waits so that the example ends quickly after the dropped connection.
    failover: { probeTimeoutMs: 200, resumeWaitMs: 500 },
  });
  const detach = attachPinoLogging(pool, logger);
  pool.on('nodeReady', ({ node, resumed }) => logger.info({ node, resumed }, 'node ready'));

  await pool.connect();
  await pool.join({ guildId: '110000000000000001', channelId: '120000000000000001', play: 'ytsearch:lofi' });

  // Only the socket drops (Lavalink keeps playing): the node resumes its session, logged at debug.
  const resumed = new Promise<void>((resolve) => {
    const off = pool.on('nodeResumed', () => {
      off();
      resolve();
    });
  });
  emulator.dropConnection();
  await resumed;

  // A frame lavafleet cannot read is skipped, the connection stays up, and an `error` event with
  // code ERR_MALFORMED_FRAME says so.
  const reported = new Promise<void>((resolve) => {
    const off = pool.on('error', () => {
      off();
      resolve();
    });
  });
  emulator.sendRaw('{"op":"playerUpdate"');
  await reported;

  detach();
  await pool.close();
  await emulator.stop();
}

await main();
