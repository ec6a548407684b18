/**
 * One demo run, start to end: the fleet and the bot come up, the guilds join, the script breaks
 * things on schedule while the audit watches every guild, and at the end every guild is judged.
 */
import { MemoryStore } from '../../index.js';
import type { Pool } from '../../index.js';
import { PlaybackAudit } from './audit.js';
import { DemoBot } from './bot.js';
import { DemoFleet } from './fleet.js';
import { formatMs, plural } from './format.js';
import { joinGuilds, loadCatalogue, planGuilds } from './music.js';
import type { GuildPlan } from './music.js';
import { buildTimeline, runScenario } from './scenario.js';
import type { TimelineEntry } from './scenario.js';
import { DEMO_DEFAULTS } from './settings.js';
import type { DemoSettings } from './settings.js';
import type { DemoSnapshot, NodeRow } from './snapshot.js';
import { EventTracker } from './tracker.js';
import type { DemoCounters } from './tracker.js';
import { everyGuildPlays, judge, SETTLE_MS } from './verdict.js';
import type { Verdict } from './verdict.js';
import type { DemoView } from './view.js';
import { sleep, waitUntil } from './waits.js';

/** Everything the summary reports. */
export interface DemoResult {
  settings: DemoSettings;
  verdict: Verdict;
  counters: Readonly<DemoCounters>;
  silence: ReturnType<EventTracker['longestSilence']>;
  silencedGuilds: number;
  errorMessages: ReadonlyMap<string, number>;
  audit: PlaybackAudit;
  timeline: readonly TimelineEntry[];
  /** Ms the scripted part really took. */
  elapsedMs: number;
  /** Ms the setup (nodes, bot, joins) took. */
  setupMs: number;
  interrupted: boolean;
}

/** Runs the demo; resolves when it is over and everything is stopped. */
export async function runDemo(
  settings: DemoSettings,
  view: DemoView,
  signal: AbortSignal,
): Promise<DemoResult> {
  view.log(`starting ${DEMO_DEFAULTS.nodes} emulated Lavalink nodes`);
  const fleet = await DemoFleet.start();
  const run = new DemoRun(settings, view, signal, fleet);
  view.start(() => run.snapshot());
  try {
    await run.setUp();
    await run.play();
    await run.settle();
    return run.finish();
  } finally {
    view.stop();
    await run.close();
  }
}

/** The state of one run: what the view reads and what the summary reports. */
class DemoRun {
  readonly #settings: DemoSettings;
  readonly #view: DemoView;
  readonly #signal: AbortSignal;
  readonly #fleet: DemoFleet;
  /** Outlives the bot restart: a pool does not close a store it was given. */
  readonly #store = new MemoryStore();
  readonly #tracker = new EventTracker(() => performance.now());
  readonly #bot: DemoBot;
  readonly #timeline: TimelineEntry[];
  readonly #setupStart = performance.now();
  #runStart: number | null = null;
  #phase = 'starting the bot';
  #isChecking = false;
  #audit: PlaybackAudit | null = null;
  #plans: GuildPlan[] = [];
  #sampler: NodeJS.Timeout | undefined;
  #detach = (): void => undefined;

  constructor(settings: DemoSettings, view: DemoView, signal: AbortSignal, fleet: DemoFleet) {
    this.#settings = settings;
    this.#view = view;
    this.#signal = signal;
    this.#fleet = fleet;
    this.#timeline = buildTimeline(settings.durationMs);
    this.#bot = new DemoBot(fleet, this.#store, (pool) => {
      this.#detach();
      this.#detach = this.#tracker.attach(pool);
    });
  }

  /** Ms since the script started (0 during setup). */
  readonly elapsed = (): number => (this.#runStart === null ? 0 : performance.now() - this.#runStart);

  /** The bot comes up, loads its tracks and joins every guild. */
  async setUp(): Promise<void> {
    const { guilds, durationMs } = this.#settings;
    this.#say('starting the bot (a Pool with a TestConnector and a MemoryStore)');
    await this.#bot.start();
    this.#say('loading tracks from the emulator catalogue');
    const pool = this.#bot.requirePool();
    this.#plans = planGuilds(guilds, await loadCatalogue(pool, durationMs));
    this.#audit = new PlaybackAudit(this.#fleet, this.#plans, this.elapsed);
    this.#say(
      `joining ${plural(guilds, 'guild')}, each with a queue of ${DEMO_DEFAULTS.tracksPerGuild} tracks`,
    );
    const joinStarted = performance.now();
    const onJoined = (joined: number): void => void (this.#phase = `joining guilds: ${joined}/${guilds}`);
    await joinGuilds(pool, this.#plans, onJoined, this.#signal);
    this.#say(
      `${plural(guilds, 'guild')} playing after ${formatMs(performance.now() - joinStarted)}; the script starts`,
    );
  }

  /** The script runs to its end (or until interrupted) while the audit samples the servers. */
  async play(): Promise<void> {
    const audit = this.#requireAudit();
    this.#runStart = performance.now();
    audit.sample();
    this.#sampler = setInterval(() => audit.sample(), DEMO_DEFAULTS.sampleIntervalMs);
    const context = {
      fleet: this.#fleet,
      bot: this.#bot,
      tracker: this.#tracker,
      signal: this.#signal,
      durationMs: this.#settings.durationMs,
      elapsed: this.elapsed,
    };
    await runScenario(context, this.#timeline, (entry) => this.#view.step(entry));
    await sleep(this.#settings.durationMs - this.elapsed(), this.#signal);
  }

  /** Waits (at most SETTLE_MS) until every guild plays: next tracks starting at the very end. */
  async settle(): Promise<void> {
    this.#phase = 'checking every guild';
    this.#isChecking = true;
    await waitUntil(() => everyGuildPlays(this.#plans, this.#bot.pool, this.#fleet), SETTLE_MS, this.#signal);
  }

  /** A last sample, then every guild judged. */
  finish(): DemoResult {
    const audit = this.#requireAudit();
    this.#phase = 'checking every guild';
    this.#isChecking = true;
    clearInterval(this.#sampler);
    audit.sample();
    const tracker = this.#tracker;
    return {
      settings: this.#settings,
      verdict: judge(this.#plans, this.#bot.pool, this.#fleet, audit),
      counters: tracker.counters,
      silence: tracker.longestSilence(),
      silencedGuilds: tracker.silencedGuilds,
      errorMessages: tracker.errorMessages,
      audit,
      timeline: this.#timeline,
      elapsedMs: this.elapsed(),
      setupMs: (this.#runStart ?? performance.now()) - this.#setupStart,
      interrupted: this.#signal.aborted,
    };
  }

  /** What the view shows now. */
  snapshot(): DemoSnapshot {
    const pool = this.#bot.pool;
    const audit = this.#audit;
    return {
      elapsedMs: this.elapsed(),
      durationMs: this.#settings.durationMs,
      phase: this.#runStart === null || this.#isChecking ? this.#phase : currentPhase(this.#timeline),
      guilds: this.#settings.guilds,
      players: pool?.players.size ?? null,
      nodes: nodeRows(this.#fleet, pool, audit),
      counters: this.#tracker.counters,
      tracksAdvanced: audit?.tracksAdvanced ?? 0,
      silent: audit?.silent ?? 0,
      longestSilenceMs: this.#tracker.longestSilence()?.ms ?? null,
      timeline: this.#timeline,
    };
  }

  /** Stops the bot, the servers and the store. */
  async close(): Promise<void> {
    clearInterval(this.#sampler);
    try {
      await this.#bot.stop();
    } finally {
      this.#detach();
      await this.#fleet.stop();
      await this.#store.close();
    }
  }

  #say(message: string): void {
    this.#phase = message;
    this.#view.log(message);
  }

  #requireAudit(): PlaybackAudit {
    if (this.#audit === null) throw new Error('The demo has not joined its guilds yet');
    return this.#audit;
  }
}

function nodeRows(fleet: DemoFleet, pool: Pool | null, audit: PlaybackAudit | null): NodeRow[] {
  const health = pool?.health() ?? [];
  return fleet.nodes.map((node) => {
    const seen = health.find((entry) => entry.identifier === node.identifier);
    return {
      identifier: node.identifier,
      serverUp: node.isUp,
      status: seen?.status ?? null,
      penalty: seen?.penalty?.total ?? null,
      players: seen?.players ?? null,
      playing: audit?.audibleOn(node.identifier) ?? 0,
      latencyMs: seen?.latencyMs ?? null,
    };
  });
}

/** The running step, else what the last step left. */
function currentPhase(timeline: readonly TimelineEntry[]): string {
  const running = timeline.find((entry) => entry.state === 'running');
  if (running) return `${running.title}: ${running.purpose}`;
  const done = timeline.filter((entry) => entry.state !== 'pending').length;
  if (done === 0) return 'every guild playing; waiting for the first fault';
  if (done === timeline.length) return 'every fault handled; playing to the end';
  return `playing after ${timeline[done - 1]!.title}`;
}
