/**
 * The story of the first guilds that broke an invariant, per kind of break, for the report: where
 * the servers played them (from the observer), what the bot saw happen to them, and once per kind
 * the pool's own recent events (failovers, breakers, node states). And the story of the worst break
 * of each kind so far (`worst <kind>`), replaced when a worse one comes: the first breaks of a long
 * run are seldom the ones to look at.
 */
import type { BotController } from './bot-controller.js';
import { POOL_KEY } from './bot-trace.js';
import type { Observer } from './observer.js';

/** Guilds whose story the report tells, per kind of break. */
const TRACES_PER_KIND = 3;

export class TraceBook {
  /** Keyed `<kind> guild <id>` and `<kind> pool`. */
  readonly traces = new Map<string, string[]>();

  constructor(
    private readonly observer: Observer,
    private readonly bot: BotController,
    private readonly runStartEpoch: number,
  ) {}

  /** Keeps the story of some of `guildIds` (the first few of this kind only). */
  async take(kind: string, guildIds: readonly string[]): Promise<void> {
    const traces = this.traces;
    const taken = [...traces.keys()].filter((key) => key.startsWith(`${kind} guild `)).length;
    const wanted = guildIds
      .filter((id) => !traces.has(`${kind} guild ${id}`))
      .slice(0, Math.max(0, TRACES_PER_KIND - taken));
    await this.#take(kind, wanted);
  }

  /** Keeps the story of `guildId` as the worst break of `kind` so far, in place of the previous one. */
  async takeWorst(kind: string, guildId: string): Promise<void> {
    const prefix = `worst ${kind} `;
    for (const key of [...this.traces.keys()]) if (key.startsWith(prefix)) this.traces.delete(key);
    await this.#take(`worst ${kind}`, [guildId]);
  }

  async #take(kind: string, wanted: readonly string[]): Promise<void> {
    const traces = this.traces;
    if (wanted.length === 0) return;
    const lines = wanted.map((id) => this.observer.historyOf(id).map((line) => `servers ${line}`));
    wanted.forEach((id, i) => traces.set(`${kind} guild ${id}`, lines[i]!));
    const request = { cmd: 'trace' as const, guildIds: [...wanted] };
    const bot = this.bot.isUp ? await this.bot.process.request(request).catch(() => null) : null;
    if (bot === null) return;
    const line = ([epoch, what]: [number, string]) =>
      `bot     ${((epoch - this.runStartEpoch) / 1000).toFixed(2)} s: ${what}`;
    wanted.forEach((id, i) => lines[i]!.push(...(bot[id] ?? []).map(line)));
    if (!traces.has(`${kind} pool`)) traces.set(`${kind} pool`, (bot[POOL_KEY] ?? []).map(line));
  }
}
