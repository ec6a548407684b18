/**
 * The simulated bot: a Pool over the fleet with a TestConnector standing in for Discord and a store
 * that outlives it. `stop()` then `start()` is a bot restart: the new Pool reads the saved sessions
 * and players and picks them up.
 */
import { Pool } from '../../index.js';
import type { StateStore } from '../../index.js';
import { TestConnector } from '../../testing/index.js';
import type { DemoFleet } from './fleet.js';
import { DEMO_DEFAULTS } from './settings.js';

/** The demo bot's user id. */
const BOT_USER_ID = '1250000000000000001';

export class DemoBot {
  #pool: Pool | null = null;
  #connector: TestConnector | null = null;
  /** How many times the bot process started. */
  starts = 0;

  constructor(
    private readonly fleet: DemoFleet,
    private readonly store: StateStore,
    /** Called with each new pool before it connects, to listen to it. */
    private readonly onPool: (pool: Pool) => void,
  ) {}

  /** The running bot's pool, or null while the bot is down. */
  get pool(): Pool | null {
    return this.#pool;
  }

  /** The running pool; throws while the bot is down. */
  requirePool(): Pool {
    if (this.#pool === null) throw new Error('The demo bot is not running');
    return this.#pool;
  }

  /**
   * Starts a bot process: a new Pool over the same store and nodes. Resolves once a node is ready,
   * with the guilds whose players were re-attached from the store (none on the first start).
   */
  async start(): Promise<string[]> {
    const connector = new TestConnector({ userId: BOT_USER_ID });
    const pool = new Pool({
      nodes: this.fleet.nodeOptions(),
      connector,
      store: this.store,
      stateSaveIntervalMs: DEMO_DEFAULTS.stateSaveIntervalMs,
      failover: { probeTimeoutMs: 500, resumeWaitMs: 3_000 },
    });
    this.#pool = pool;
    this.#connector = connector;
    this.starts += 1;
    this.onPool(pool);
    await pool.connect();
    return [...pool.players.keys()];
  }

  /** Stops the bot process: players are saved, sockets closed; Lavalink keeps playing. */
  async stop(): Promise<void> {
    const pool = this.#pool;
    const connector = this.#connector;
    this.#pool = null;
    this.#connector = null;
    try {
      await pool?.close();
    } finally {
      connector?.destroy();
    }
  }
}
