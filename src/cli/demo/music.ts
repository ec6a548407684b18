/**
 * What the simulated bot plays: a small catalogue of emulator tracks, and for every guild a queue of
 * distinct tracks from it, so the demo can tell exactly where in its queue each guild is.
 */
import type { Pool, Track } from '../../index.js';
import { DEMO_DEFAULTS, trackLengthMs } from './settings.js';

/** One guild of the simulated bot and what it plays. */
export interface GuildPlan {
  guildId: string;
  channelId: string;
  /** The queue in play order; every track is different. */
  tracks: Track[];
  /** Where the first track starts, so track ends spread over the run. */
  startAtMs: number;
}

const TITLES = [
  'Harbour Lights',
  'Paper Satellites',
  'Slow Thunder',
  'Copper Rain',
  'Night Ferry',
  'Glass Orchard',
  'Northbound',
  'Static Bloom',
  'Tidewater',
  'Lantern Song',
  'Cold Open',
  'Marigold Drive',
  'Low Orbit',
  'Saltwater Radio',
  'Quiet Engines',
  'Last Tram Home',
] as const;
const ARTISTS = ['The Failovers', 'Session Resume', 'Nodes & Players', 'Penalty Box'] as const;

const GUILD_BASE = 1_300_000_000_000_000_000n;
const CHANNEL_BASE = 1_400_000_000_000_000_000n;

/** Loads the catalogue through the pool (one load per title; the emulator derives the rest). */
export async function loadCatalogue(pool: Pool, durationMs: number): Promise<Track[]> {
  return Promise.all(
    TITLES.map(async (title, i) => {
      const params = new URLSearchParams({
        title,
        author: ARTISTS[i % ARTISTS.length]!,
        length: String(trackLengthMs(durationMs, i, TITLES.length)),
      });
      const identifier = `emulator:track?${params.toString()}`;
      const result = await pool.load(identifier);
      if (result.loadType !== 'track') throw new Error(`The emulator did not load ${identifier}`);
      return result.data;
    }),
  );
}

/** A queue for each of `count` guilds: tracks spaced around the catalogue so no guild repeats one. */
export function planGuilds(count: number, catalogue: readonly Track[]): GuildPlan[] {
  const size = catalogue.length;
  const perGuild = Math.min(DEMO_DEFAULTS.tracksPerGuild, size);
  // A stride coprime with the catalogue size visits distinct tracks.
  const stride = size % 5 === 0 ? 3 : 5;
  return Array.from({ length: count }, (_, g) => {
    const tracks = Array.from({ length: perGuild }, (_, k) => catalogue[(g + k * stride) % size]!);
    const first = tracks[0]!;
    return {
      guildId: String(GUILD_BASE + BigInt(g)),
      channelId: String(CHANNEL_BASE + BigInt(g)),
      tracks,
      startAtMs: Math.floor((((g * 7_919) % 1_000) / 1_000) * 0.5 * first.info.length),
    };
  });
}

/** Joins every guild (a bounded number at once, until aborted), playing its first track, with the rest queued. */
export async function joinGuilds(
  pool: Pool,
  plans: readonly GuildPlan[],
  onJoined: (joined: number) => void,
  signal: AbortSignal,
): Promise<void> {
  let next = 0;
  let joined = 0;
  const worker = async (): Promise<void> => {
    while (next < plans.length && !signal.aborted) {
      const plan = plans[next++]!;
      const [first, ...rest] = plan.tracks;
      const player = await pool.join({
        guildId: plan.guildId,
        channelId: plan.channelId,
        play: first!,
        playOptions: { position: plan.startAtMs },
      });
      player.queue.add(rest);
      onJoined(++joined);
    }
  };
  await Promise.all(Array.from({ length: Math.min(DEMO_DEFAULTS.joinConcurrency, plans.length) }, worker));
}
