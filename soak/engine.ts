/**
 * One soak run: emulated nodes, a bot process with N players, and cycles of
 *
 *   chaos (the cycle's planned faults, at their times) ─▶ heal (every node up, faults lifted)
 *     ─▶ checkpoint (wait until every guild is fine, or judge it lost) ─▶ heap sample
 *
 * until the duration is spent, then a graceful close and the resource check. The observer reads
 * the servers all along (see observer.ts); results are gathered in result.ts.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { bundleBot } from './bot-host.js';
import { BotController } from './bot-controller.js';
import type { GuildPlan } from './bot-protocol.js';
import { judgeGuilds } from './checkpoint.js';
import type { Problem } from './checkpoint.js';
import { SoakFleet } from './fleet.js';
import type { NodeFailure } from './fleet.js';
import { buildCatalogue, planGuilds } from './guilds.js';
import { Observer } from './observer.js';
import { describeAction, planCycle } from './plan.js';
import type { Action, CyclePlan } from './plan.js';
import { Prng, randomSeed } from './prng.js';
import { resolveSoakOptions } from './options.js';
import type { ResolvedSoakOptions, SoakOptions } from './options.js';
import { waitForRelease } from './resources.js';
import { buildResult } from './result.js';
import type { GuildVerdict, HeapSample, SoakResult, SoakRecord } from './result.js';
import { TraceBook } from './traces.js';

const JOIN_CONCURRENCY = 50;
const SETTLE_POLL_MS = 250;
const RELEASE_WAIT_MS = 2_000;
/** How often the bot is asked which guilds it has on a node that stays down (see SoakRun#failed). */
const PLACED_ON_POLL_MS = 250;

export class SoakRun {
  readonly options: ResolvedSoakOptions;
  readonly fleet: SoakFleet;
  readonly plans: GuildPlan[];
  readonly #dir: string;
  readonly #bot: BotController;
  readonly #observer: Observer;
  readonly #planRandom: Prng;
  readonly #record: SoakRecord;
  readonly #traces: TraceBook;
  readonly #baseline: string[];
  readonly #mainGc: () => void;
  #sampler: NodeJS.Timeout | undefined;
  /** The next questions to the bot about a failed node (see {@link #failed}). */
  readonly #polls = new Set<NodeJS.Timeout>();
  readonly #runStart = performance.now();
  #cycles = 0;

  private constructor(
    options: ResolvedSoakOptions,
    fleet: SoakFleet,
    dir: string,
    script: string,
    baseline: string[],
  ) {
    this.options = options;
    this.fleet = fleet;
    this.#dir = dir;
    this.#baseline = baseline;
    this.#planRandom = new Prng(options.seed);
    const guildRandom = new Prng(options.seed ^ 0x5eed5eed);
    const catalogue = buildCatalogue(guildRandom);
    this.plans = planGuilds(options.players, catalogue, guildRandom);
    const lengths = new Map(catalogue.map((track) => [track.info.identifier, track.info.length]));
    this.#observer = new Observer(
      fleet,
      this.plans.map((plan) => plan.guildId),
      lengths,
      options,
      this.#runStart,
    );
    this.#record = emptyRecord();
    this.#bot = new BotController(
      script,
      {
        cmd: 'start',
        endpoints: fleet.endpoints(),
        tuning: options.tuning,
        storeDirectory: join(dir, 'store'),
      },
      { onDown: () => this.#observer.botDown(), onReady: (at) => this.#observer.botReady(at) },
    );
    this.#traces = new TraceBook(this.#observer, this.#bot, Date.now());
    this.#record.traces = this.#traces.traces;
    this.#observer.onViolation = (kind, guildId, worst) => {
      void this.#traces.take(kind, [guildId]);
      if (worst) void this.#traces.takeWorst(kind, guildId);
    };
    setFlagsFromString('--expose-gc');
    this.#mainGc = runInNewContext('gc') as () => void;
    process.on('unhandledRejection', this.#onUnhandledRejection);
    process.on('uncaughtException', this.#onUncaughtException);
  }

  /** Starts the emulated nodes and bundles the bot. */
  static async create(input: SoakOptions): Promise<SoakRun> {
    const options = resolveSoakOptions(input, randomSeed);
    const baseline = process.getActiveResourcesInfo();
    const dir = await mkdtemp(join(tmpdir(), 'lavafleet-soak-'));
    const script = await bundleBot(dir);
    const fleet = await SoakFleet.start(options.nodes);
    return new SoakRun(options, fleet, dir, script, baseline);
  }

  /** Runs everything; resolves with the result (the run is over and everything is released). */
  async run(): Promise<SoakResult> {
    try {
      await this.setUp();
      // A fixed number of cycles, so a seed replays the same plan whatever the machine's speed.
      const cycles = Math.max(1, Math.floor(this.options.durationMs / this.options.chaosMs));
      for (let i = 0; i < cycles; i++) await this.runCycle();
      return await this.finish();
    } finally {
      await this.dispose();
    }
  }

  /** Ms since the run started. */
  elapsed(): number {
    return performance.now() - this.#runStart;
  }

  /** The bot starts and joins every guild; the servers are read from now on. */
  async setUp(): Promise<void> {
    this.#log(`seed ${this.options.seed}: ${this.options.players} players, ${this.options.nodes} nodes`);
    await this.#bot.start();
    const joined = await this.#bot.process.request({
      cmd: 'join',
      plans: this.plans,
      concurrency: JOIN_CONCURRENCY,
    });
    for (const { guildId, error } of joined.failed)
      this.#record.harness.push(`join of guild ${guildId} failed: ${error}`);
    this.#log(`${joined.joined} players joined and playing`);
    this.#observer.sample();
    this.#sampler = setInterval(() => this.#observer.sample(), this.options.sampleIntervalMs);
    await this.checkpoint();
  }

  /** One cycle: its faults, a heal, a checkpoint and a heap sample. */
  async runCycle(): Promise<void> {
    const plan = planCycle(this.#cycles++, this.#planSettings(), this.#planRandom);
    await this.#chaos(plan);
    await this.fleet.heal();
    await this.checkpoint();
  }

  /** Waits until every guild is fine (or the settle timeout), records what is not, samples the heap. */
  async checkpoint(): Promise<void> {
    const started = performance.now();
    const known = (guildId: string) => this.#record.lost.has(guildId) || this.#record.ghosts.has(guildId);
    let problems = new Map<string, Problem>();
    for (;;) {
      const view = await this.#bot.view();
      this.#observer.sample();
      problems = judgeGuilds(this.plans, this.#observer.audible, view);
      for (const guildId of [...problems.keys()]) if (known(guildId)) problems.delete(guildId);
      if (problems.size === 0 || performance.now() - started >= this.options.settleTimeoutMs) break;
      await sleep(SETTLE_POLL_MS);
    }
    const at = Math.round(this.elapsed());
    const byKind = (kind: string) => [...problems].filter(([, p]) => p.kind === kind).map(([id]) => id);
    await this.#traces.take('lost', byKind('lost'));
    await this.#traces.take('ghost', byKind('ghost'));
    for (const [guildId, problem] of problems) {
      const verdict: GuildVerdict = { guildId, reason: problem.reason, cycle: this.#cycles, atMs: at };
      (problem.kind === 'lost' ? this.#record.lost : this.#record.ghosts).set(guildId, verdict);
    }
    this.#observer.closeFailures();
    const settleMs = Math.round(performance.now() - started);
    this.#record.checkpoints.push({ cycle: this.#cycles, settleMs, problems: problems.size });
    await this.#sampleHeap();
    this.#log(`checkpoint ${this.#cycles}: settled in ${settleMs} ms, ${problems.size} new problem(s)`);
  }

  /** Closes the bot gracefully, stops the servers, checks what is left open; builds the result. */
  async finish(): Promise<SoakResult> {
    clearInterval(this.#sampler);
    this.#sampler = undefined;
    this.#stopPolls();
    if (this.#bot.isUp) await this.#bot.stop('graceful');
    await this.fleet.stop();
    this.#record.mainLeftover = (await waitForRelease(this.#baseline, RELEASE_WAIT_MS)).leftover;
    this.#removeHandlers();
    return buildResult({
      options: this.options,
      elapsedMs: this.elapsed(),
      cycles: this.#cycles,
      record: this.#record,
      observer: this.#observer,
      bot: this.#bot,
      players: this.plans.length,
    });
  }

  /** Releases whatever a failed run left (idempotent). */
  async dispose(): Promise<void> {
    clearInterval(this.#sampler);
    this.#sampler = undefined;
    this.#stopPolls();
    this.#removeHandlers();
    await this.#bot.dispose();
    await this.fleet.stop().catch(() => undefined);
    await rm(this.#dir, { recursive: true, force: true });
  }

  async #chaos(plan: CyclePlan): Promise<void> {
    const start = performance.now();
    const tasks: Array<Promise<void>> = [];
    for (const { atMs, action } of plan.events) {
      await sleep(start + atMs - performance.now());
      this.#record.faults[action.kind] = (this.#record.faults[action.kind] ?? 0) + 1;
      this.#log(
        `cycle ${plan.index + 1} +${atMs} ms: ${describeAction(action, (i) => this.fleet.identifiers[i]!)}`,
      );
      if (action.kind === 'botRestart') tasks.push(this.#restartBot(action));
      else await this.#applyFault(action);
    }
    await sleep(start + this.options.chaosMs - performance.now());
    await Promise.all(tasks);
  }

  async #applyFault(action: Exclude<Action, { kind: 'botRestart' }>): Promise<void> {
    this.#observer.sample(); // the guilds a failure silences are the ones playing there right now
    try {
      const failures = await this.fleet.apply(action, (later) => this.#failed(later));
      for (const failure of failures) this.#failed(failure);
    } catch (error) {
      this.#record.harness.push(`applying ${action.kind} failed: ${String(error)}`);
    }
  }

  /**
   * A failure: the observer takes the guilds it silenced, then asks the bot which guilds it has on
   * that node, and the node which player updates it holds unanswered (moves on their way there when
   * it froze), to restart the clock of those caught mid-move (see {@link Observer.caughtMidMove}).
   * While a killed or frozen node stays down, both are asked again every {@link PLACED_ON_POLL_MS}
   * for up to the deadline: until it notices, the bot may still send players to a frozen node,
   * whose failure is then theirs.
   */
  #failed(failure: NodeFailure): void {
    this.#observer.failure(failure);
    const ask = (): void => {
      if (!this.#bot.isUp) return; // the clocks restart when the bot is back
      const arriving = this.fleet.guildsArriving(failure.node, failure.sessionId);
      this.#bot.placedOn(failure.node, failure.sessionId).then(
        (guildIds) => this.#observer.caughtMidMove(failure, [...guildIds, ...arriving]),
        () => undefined, // the bot went down meanwhile
      );
      const since = performance.now() - failure.at;
      const down = failure.sessionId === null && !this.fleet.isLive(failure.node);
      if (!down || since + PLACED_ON_POLL_MS > this.options.liveDeadlineMs) return;
      const timer = setTimeout(() => {
        this.#polls.delete(timer);
        ask();
      }, PLACED_ON_POLL_MS);
      this.#polls.add(timer);
    };
    ask();
  }

  #stopPolls(): void {
    for (const timer of this.#polls) clearTimeout(timer);
    this.#polls.clear();
  }

  async #restartBot(action: Extract<Action, { kind: 'botRestart' }>): Promise<void> {
    try {
      const { restored } = await this.#bot.restart(action.mode, action.downMs);
      this.#log(`bot back (${action.mode} restart): ${restored} players restored from the store`);
    } catch (error) {
      this.#record.harness.push(`bot restart (${action.mode}) failed: ${String(error)}`);
      if (!this.#bot.isUp) await this.#bot.start();
    }
  }

  async #sampleHeap(): Promise<void> {
    try {
      const botBytes = await this.#bot.heap();
      this.#mainGc();
      const soakBytes = process.memoryUsage().heapUsed;
      const sample: HeapSample = { cycle: this.#cycles, life: this.#bot.lives, botBytes, soakBytes };
      this.#record.heap.push(sample);
    } catch (error) {
      this.#record.harness.push(`heap sample failed: ${String(error)}`);
    }
  }

  #planSettings() {
    const o = this.options;
    return {
      nodes: o.nodes,
      chaosMs: o.chaosMs,
      weights: o.faultWeights,
      faultsPerCycle: o.faultsPerCycle,
      botRestartChance: o.botRestartChance,
      allDownChance: o.allDownChance,
    };
  }

  #log(line: string): void {
    this.options.onProgress(`[${(this.elapsed() / 1000).toFixed(1).padStart(6)} s] ${line}`);
  }

  readonly #onUnhandledRejection = (reason: unknown): void => {
    this.#record.unhandled.push({ source: 'soak', kind: 'unhandledRejection', message: describe(reason) });
  };

  readonly #onUncaughtException = (error: unknown): void => {
    this.#record.unhandled.push({ source: 'soak', kind: 'uncaughtException', message: describe(error) });
  };

  #removeHandlers(): void {
    process.off('unhandledRejection', this.#onUnhandledRejection);
    process.off('uncaughtException', this.#onUncaughtException);
  }
}

function emptyRecord(): SoakRecord {
  return {
    lost: new Map(),
    ghosts: new Map(),
    checkpoints: [],
    heap: [],
    faults: {},
    harness: [],
    unhandled: [],
    mainLeftover: [],
    traces: new Map(),
  };
}

function sleep(ms: number): Promise<void> {
  return ms <= 0 ? Promise.resolve() : new Promise((resolve) => setTimeout(resolve, ms));
}

function describe(reason: unknown): string {
  return reason instanceof Error ? (reason.stack ?? reason.message) : String(reason);
}
