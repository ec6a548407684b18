/**
 * The bot's lives: starts a bot process, stops it (gracefully or with SIGKILL), restarts it over the
 * same store, and keeps what each life reported: unhandled errors, an unexpected exit, what a
 * graceful close left open, the pool's failover counters and error codes.
 */
import { BotProcess } from './bot-host.js';
import type { BotResults, BotView, StartRequest } from './bot-protocol.js';

export interface CloseRecord {
  life: number;
  leftover: string[];
  waitedMs: number;
  keptAlive: boolean;
}

export interface Unhandled {
  source: 'bot' | 'soak';
  kind: string;
  message: string;
}

export type BotMetrics = BotView['metrics'];

export class BotController {
  /** Bot processes started so far. */
  lives = 0;
  readonly restarts = { graceful: 0, abrupt: 0 };
  readonly closes: CloseRecord[] = [];
  readonly unhandled: Unhandled[] = [];
  readonly metrics: BotMetrics = { failovers: 0, playersMoved: 0, playersRestored: 0, movesFailed: 0 };
  readonly errors: Record<string, number> = {};
  #process: BotProcess | null = null;
  #expectExit = false;
  #lastView: BotView | null = null;

  constructor(
    private readonly script: string,
    private readonly startRequest: StartRequest,
    private readonly hooks: { onDown(): void; onReady(at: number): void },
  ) {}

  /** Whether a bot is running. */
  get isUp(): boolean {
    return this.#process !== null && !this.#process.hasExited;
  }

  /** Starts a bot process and connects its pool (restoring what the store holds). */
  async start(): Promise<BotResults['start']> {
    this.lives += 1;
    const life = this.lives;
    this.#expectExit = false;
    const bot = new BotProcess(
      this.script,
      (kind, message) => this.unhandled.push({ source: 'bot', kind, message }),
      (code, signal) => {
        if (this.#expectExit || this.#process !== bot) return;
        const message = `bot life ${life} exited on its own (code ${code}, signal ${signal}): ${bot.stderr}`;
        this.unhandled.push({ source: 'bot', kind: 'exit', message });
      },
    );
    this.#process = bot;
    const result = await bot.request(this.startRequest);
    this.hooks.onReady(performance.now());
    return result;
  }

  /** The running bot. */
  get process(): BotProcess {
    if (this.#process === null) throw new Error('the bot is not running');
    return this.#process;
  }

  /** What the bot believes now (its counters are kept for the report). */
  async view(): Promise<BotView> {
    const view = await this.process.request({ cmd: 'view' });
    this.#lastView = view;
    return view;
  }

  /** The guilds the bot has on `node` (in `sessionId`, when given), moving there included. */
  placedOn(node: string, sessionId: string | null): Promise<string[]> {
    return this.process.request({ cmd: 'placedOn', node, sessionId });
  }

  /** The bot's heap after a full GC. */
  async heap(): Promise<number> {
    return (await this.process.request({ cmd: 'heap' })).usedBytes;
  }

  /** Stops the bot: `graceful` closes the pool (saving every player), `abrupt` is a SIGKILL. */
  async stop(mode: 'graceful' | 'abrupt'): Promise<void> {
    const bot = this.process;
    this.hooks.onDown();
    if (mode === 'graceful') {
      const view = await this.view().catch(() => null);
      this.#expectExit = true;
      const closed = await bot.close();
      this.closes.push({ life: this.lives, ...closed });
      this.#keepCounters(view);
    } else {
      this.#expectExit = true;
      await bot.kill();
      this.#keepCounters(this.#lastView);
    }
    this.#process = null;
  }

  /** A bot restart: stop, stay down `downMs`, start over the same store. */
  async restart(mode: 'graceful' | 'abrupt', downMs: number): Promise<BotResults['start']> {
    await this.stop(mode);
    this.restarts[mode] += 1;
    await new Promise((resolve) => setTimeout(resolve, downMs));
    return this.start();
  }

  /** Kills a bot left running (after a harness failure). */
  async dispose(): Promise<void> {
    this.#expectExit = true;
    await this.#process?.kill();
    this.#process = null;
  }

  #keepCounters(view: BotView | null): void {
    this.#lastView = null;
    if (view === null) return;
    for (const key of Object.keys(this.metrics) as Array<keyof BotMetrics>)
      this.metrics[key] += view.metrics[key];
    for (const [code, count] of Object.entries(view.errors))
      this.errors[code] = (this.errors[code] ?? 0) + count;
  }
}
