/** What one demo run does and when: the flags, the defaults, and the timings derived from them. */

/** The demo as the flags asked for it. */
export interface DemoSettings {
  /** Length of the scripted part of the run, in ms. */
  durationMs: number;
  /** Guilds the simulated bot plays in. */
  guilds: number;
  /** Redraw a table in place (a terminal) or print plain lines. */
  live: boolean;
  /** Colour the live table (off with NO_COLOR). */
  color: boolean;
}

/** Defaults of the demo. */
export const DEMO_DEFAULTS = Object.freeze({
  durationMs: 30_000,
  fastDurationMs: 8_000,
  minDurationMs: 5_000,
  maxDurationMs: 600_000,
  guilds: 240,
  maxGuilds: 2_000,
  nodes: 3,
  /** Emulated Lavalink sends positions this often, so the table moves. */
  playerUpdateIntervalMs: 1_000,
  statsIntervalMs: 2_000,
  /** The bot saves changed players this often. */
  stateSaveIntervalMs: 500,
  /** How often the emulators are read to check that every guild plays and moves forward. */
  sampleIntervalMs: 100,
  /** How often the live table is redrawn. */
  redrawIntervalMs: 200,
  /** Tracks queued per guild. */
  tracksPerGuild: 4,
  /** Joins started at once. */
  joinConcurrency: 50,
  /** Longest wait for the outcome of one fault (a failover, a resume, a reconnect). */
  outcomeTimeoutMs: 10_000,
} as const);

/** Length of a demo track: 35–70 % of the run, so every guild advances through its queue but never runs out. */
export function trackLengthMs(durationMs: number, index: number, catalogueSize: number): number {
  const spread = catalogueSize <= 1 ? 0 : ((index * 7) % catalogueSize) / (catalogueSize - 1);
  return Math.round(durationMs * (0.35 + 0.35 * spread));
}

/** How long the bot stays down during its restart. */
export function botDowntimeMs(durationMs: number): number {
  return Math.max(500, Math.round(durationMs * 0.05));
}
