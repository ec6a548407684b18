/**
 * The script: which fault happens when (as fractions of the run, so `--fast` and `--duration` only
 * stretch it), what each one does, and what its outcome was.
 *
 *   12 %  kill node-1      abrupt death: its players move to the other nodes
 *   27 %  blip node-2      the socket resets, the server lives: the session resumes, nobody moves
 *   38 %  restart node-1   a fresh process: the pool reconnects and may use it again
 *   50 %  restart the bot  pool closed, a new pool over the same store: sessions resume, players re-attach
 *   70 %  kill node-3      the restarted bot fails over too (node-1 is back to take players)
 *   85 %  restart node-3
 */
import type { Pool } from '../../index.js';
import type { DemoBot } from './bot.js';
import type { DemoFleet } from './fleet.js';
import { formatMs, plural } from './format.js';
import { botDowntimeMs, DEMO_DEFAULTS } from './settings.js';
import type { EventTracker } from './tracker.js';
import { nextEvent, sleep, waitUntil } from './waits.js';

/** What a step can use. */
export interface ScenarioContext {
  readonly fleet: DemoFleet;
  readonly bot: DemoBot;
  readonly tracker: EventTracker;
  readonly signal: AbortSignal;
  readonly durationMs: number;
  /** Ms since the run started. */
  elapsed(): number;
}

/** One scripted fault and, once run, its outcome. */
export interface TimelineEntry {
  /** When it is due, in ms since the run started. */
  readonly atMs: number;
  readonly title: string;
  /** What it shows, in a few words. */
  readonly purpose: string;
  state: 'pending' | 'running' | 'done' | 'failed';
  /** The outcome (or the error). */
  note: string;
}

interface Step {
  at: number;
  title: string;
  purpose: string;
  run(context: ScenarioContext): Promise<string>;
}

const STEPS: readonly Step[] = [
  killStep(0.12, 'node-1'),
  blipStep(0.27, 'node-2'),
  restartStep(0.38, 'node-1'),
  {
    at: 0.5,
    title: 'restart the bot',
    purpose: 'new pool, same store: sessions resume',
    run: restartBot,
  },
  killStep(0.7, 'node-3'),
  restartStep(0.85, 'node-3'),
];

/** The timeline of a run of `durationMs`, every step pending. */
export function buildTimeline(durationMs: number): TimelineEntry[] {
  return STEPS.map((step) => ({
    atMs: Math.round(step.at * durationMs),
    title: step.title,
    purpose: step.purpose,
    state: 'pending',
    note: '',
  }));
}

/** Runs each step at its time; a failed step is recorded and the script goes on. */
export async function runScenario(
  context: ScenarioContext,
  timeline: TimelineEntry[],
  onChange: (entry: TimelineEntry) => void,
): Promise<void> {
  for (const [i, step] of STEPS.entries()) {
    const entry = timeline[i]!;
    if (!(await sleep(entry.atMs - context.elapsed(), context.signal))) return;
    entry.state = 'running';
    onChange(entry);
    try {
      entry.note = await step.run(context);
      entry.state = 'done';
    } catch (error) {
      entry.note = context.signal.aborted
        ? 'interrupted'
        : error instanceof Error
          ? error.message
          : String(error);
      entry.state = 'failed';
    }
    onChange(entry);
    if (context.signal.aborted) return;
  }
}

function killStep(at: number, node: string): Step {
  return {
    at,
    title: `kill ${node}`,
    purpose: 'process dies: its players move',
    async run(context) {
      const pool = context.bot.requirePool();
      const players = playersOn(pool, node);
      const targets = new Map<string, number>();
      const off = pool.on('playerMoved', ({ from, to }) => {
        if (from.identifier === node) targets.set(to.identifier, (targets.get(to.identifier) ?? 0) + 1);
      });
      try {
        const end = nextEvent(
          pool,
          'failoverEnd',
          (event) => event.node.identifier === node,
          DEMO_DEFAULTS.outcomeTimeoutMs,
          context.signal,
        );
        const killedAt = context.elapsed();
        context.tracker.nodeFailed(node);
        await context.fleet.kill(node);
        if (players === 0) return 'it had no players';
        const result = await end;
        if (result === null)
          throw new Error(`no failover within ${formatMs(DEMO_DEFAULTS.outcomeTimeoutMs)}`);
        const where = [...targets].map(([target, count]) => `${target} ${count}`).join(', ');
        const parked = result.parked > 0 ? `, ${result.parked} parked` : '';
        return `${plural(result.moved, 'player')} moved (${where})${parked} in ${formatMs(context.elapsed() - killedAt)}`;
      } finally {
        off();
      }
    },
  };
}

function blipStep(at: number, node: string): Step {
  return {
    at,
    title: `blip ${node}`,
    purpose: 'socket reset, server alive: resume',
    async run(context) {
      const pool = context.bot.requirePool();
      const resumed = nextEvent(
        pool,
        'nodeResumed',
        (event) => event.node === node,
        DEMO_DEFAULTS.outcomeTimeoutMs,
        context.signal,
      );
      const movesBefore = context.tracker.counters.moves;
      const droppedAt = context.elapsed();
      if (context.fleet.blip(node) === 0) return 'no connection to drop';
      const result = await resumed;
      if (result === null) throw new Error(`no resume within ${formatMs(DEMO_DEFAULTS.outcomeTimeoutMs)}`);
      const moved = context.tracker.counters.moves - movesBefore;
      return `session resumed after ${formatMs(context.elapsed() - droppedAt)}: ${plural(result.players.length, 'player')} kept playing, ${moved} moved`;
    },
  };
}

function restartStep(at: number, node: string): Step {
  return {
    at,
    title: `restart ${node}`,
    purpose: 'fresh process: the pool reconnects',
    async run(context) {
      const pool = context.bot.requirePool();
      const ready = nextEvent(
        pool,
        'nodeReady',
        (event) => event.node === node,
        DEMO_DEFAULTS.outcomeTimeoutMs,
        context.signal,
      );
      const startedAt = context.elapsed();
      await context.fleet.restart(node);
      const result = await ready;
      if (result === null)
        throw new Error(`not reconnected within ${formatMs(DEMO_DEFAULTS.outcomeTimeoutMs)}`);
      return `reconnected after ${formatMs(context.elapsed() - startedAt)} (new session), ready for players`;
    },
  };
}

async function restartBot(context: ScenarioContext): Promise<string> {
  const playing = context.bot.requirePool().players.size;
  await context.bot.stop();
  const downtimeMs = botDowntimeMs(context.durationMs);
  if (!(await sleep(downtimeMs, context.signal))) return 'interrupted while the bot was down';
  const startedAt = context.elapsed();
  const restored = await context.bot.start();
  context.tracker.beginRestore(restored);
  const settled = await waitUntil(
    () => context.tracker.restoresPending === 0,
    DEMO_DEFAULTS.outcomeTimeoutMs,
    context.signal,
  );
  const { restoredInPlace, restoredRecreated } = context.tracker.counters;
  const pending = settled ? '' : `, ${context.tracker.restoresPending} still pending`;
  return (
    `${plural(playing, 'player')} saved, bot down ${formatMs(downtimeMs)}; ` +
    `${restored.length} restored in ${formatMs(context.elapsed() - startedAt)} ` +
    `(${restoredInPlace} resumed in place, ${restoredRecreated} re-created${pending})`
  );
}

function playersOn(pool: Pool, node: string): number {
  return pool.health().find((health) => health.identifier === node)?.players ?? 0;
}
