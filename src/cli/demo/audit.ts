/**
 * The demo's referee: reads what the emulated Lavalink servers are really playing, many times a
 * second, and checks every guild against its queue. It never asks the bot, so a bot that believes
 * all is well while a guild is silent cannot fool it.
 *
 * Per guild it follows the progress (which track of the queue, at which position) and records:
 * - a regression when the guild went backwards: an earlier track of its queue, a track not in its
 *   queue, or the same track more than {@link BACKWARD_TOLERANCE_MS} earlier than last seen (a
 *   failover re-creates a player where its last position update plus the time since puts it, so
 *   small corrections are allowed);
 * - gaps: samples where no server played it, between samples where one did.
 */
import type { AudiblePlayer, DemoFleet } from './fleet.js';
import type { GuildPlan } from './music.js';

/** How far back within one track a guild may be corrected without counting as a regression. */
export const BACKWARD_TOLERANCE_MS = 1_000;

/** The first time a guild went backwards. */
export interface Regression {
  guildId: string;
  /** When, in ms since the start of the run. */
  atMs: number;
  detail: string;
}

interface Progress {
  index: number;
  position: number;
  lastAudibleAt: number | null;
  silentSamples: number;
}

export class PlaybackAudit {
  /** Queue steps the guilds took (a track finished and the next one started), all guilds together. */
  tracksAdvanced = 0;
  /** The longest stretch a guild was heard on no server, measured between samples (an upper bound). */
  longestGap: { guildId: string; ms: number; fromMs: number; toMs: number } | null = null;
  /** The most guilds heard on two servers at the same sample. */
  peakDuplicates = 0;
  readonly #regressions = new Map<string, Regression>();
  readonly #order = new Map<string, Map<string, number>>();
  readonly #progress = new Map<string, Progress>();
  #audibleByNode = new Map<string, number>();
  #duplicates: string[] = [];
  #silent = 0;

  constructor(
    private readonly fleet: DemoFleet,
    plans: readonly GuildPlan[],
    private readonly now: () => number,
  ) {
    for (const plan of plans) {
      this.#order.set(plan.guildId, new Map(plan.tracks.map((track, i) => [track.info.identifier, i])));
      this.#progress.set(plan.guildId, { index: -1, position: 0, lastAudibleAt: null, silentSamples: 0 });
    }
  }

  /** Guilds that went backwards, the first time each did. */
  get regressions(): Regression[] {
    return [...this.#regressions.values()];
  }

  /** Guilds heard on more than one server at the last sample. */
  get duplicates(): readonly string[] {
    return this.#duplicates;
  }

  /** Guilds heard on no server at the last sample. */
  get silent(): number {
    return this.#silent;
  }

  /** Guilds playing on a node at the last sample. */
  audibleOn(node: string): number {
    return this.#audibleByNode.get(node) ?? 0;
  }

  /** Reads every server once and updates every guild. */
  sample(): void {
    const at = this.now();
    const audible = this.fleet.audible();
    this.#audibleByNode = new Map();
    this.#duplicates = [];
    this.#silent = 0;
    for (const [guildId, order] of this.#order) {
      const progress = this.#progress.get(guildId)!;
      const heard = audible.get(guildId) ?? [];
      if (heard.length === 0) {
        this.#silent += 1;
        progress.silentSamples += 1;
        continue;
      }
      if (heard.length > 1) this.#duplicates.push(guildId);
      for (const entry of heard) this.#audibleByNode.set(entry.node, this.audibleOn(entry.node) + 1);
      this.#follow(guildId, order, progress, furthest(heard, order), at);
    }
    this.peakDuplicates = Math.max(this.peakDuplicates, this.#duplicates.length);
  }

  #follow(
    guildId: string,
    order: ReadonlyMap<string, number>,
    progress: Progress,
    heard: AudiblePlayer,
    at: number,
  ): void {
    const index = order.get(heard.trackId) ?? -1;
    if (index === -1) this.#regress(guildId, at, `played track ${heard.trackId}, which is not in its queue`);
    else if (index < progress.index) {
      this.#regress(
        guildId,
        at,
        `went back from track ${progress.index + 1} to track ${index + 1} of its queue`,
      );
    } else if (index === progress.index && heard.position < progress.position - BACKWARD_TOLERANCE_MS) {
      const back = Math.round(progress.position - heard.position);
      this.#regress(
        guildId,
        at,
        `jumped back ${back} ms in track ${index + 1} of its queue (from ${Math.round(progress.position)} to ${Math.round(heard.position)} ms, at ${(at / 1000).toFixed(1)} s)`,
      );
    } else if (progress.index >= 0 && index > progress.index) this.tracksAdvanced += index - progress.index;
    if (progress.silentSamples > 0 && progress.lastAudibleAt !== null) {
      const ms = at - progress.lastAudibleAt;
      if (this.longestGap === null || ms > this.longestGap.ms) {
        this.longestGap = { guildId, ms, fromMs: progress.lastAudibleAt, toMs: at };
      }
    }
    progress.index = index;
    progress.position = heard.position;
    progress.lastAudibleAt = at;
    progress.silentSamples = 0;
  }

  #regress(guildId: string, at: number, detail: string): void {
    if (!this.#regressions.has(guildId)) this.#regressions.set(guildId, { guildId, atMs: at, detail });
  }
}

/** Of a guild's audible players (one, unless a duplicate), the one furthest into its queue. */
function furthest(heard: readonly AudiblePlayer[], order: ReadonlyMap<string, number>): AudiblePlayer {
  let best = heard[0]!;
  for (const entry of heard) {
    const a = order.get(entry.trackId) ?? -1;
    const b = order.get(best.trackId) ?? -1;
    if (a > b || (a === b && entry.position > best.position)) best = entry;
  }
  return best;
}
