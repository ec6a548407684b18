/**
 * What the soak's bot plays: a catalogue of emulator tracks of varied lengths (so tracks end all
 * through the run, during faults too), and for each guild a looping queue of distinct tracks from it
 * with a random start position. Tracks come from the emulator's catalogue function directly: the
 * same identifier always yields the same track, and the bot plays it on any node.
 */
import type { Track } from '../src/index.js';
import { loadCatalogueTracks } from '../src/testing/index.js';
import type { GuildPlan } from './bot-protocol.js';
import type { Prng } from './prng.js';

const CATALOGUE_SIZE = 24;
const TRACKS_PER_GUILD = 3;
const LENGTH_MS: readonly [number, number] = [20_000, 150_000];
const GUILD_BASE = 1_300_000_000_000_000_000n;
const CHANNEL_BASE = 1_400_000_000_000_000_000n;

/** The catalogue, drawn from the generator. */
export function buildCatalogue(random: Prng): Track[] {
  return Array.from({ length: CATALOGUE_SIZE }, (_, i) => {
    const params = new URLSearchParams({
      title: `Soak Track ${i + 1}`,
      author: 'lavafleet soak',
      length: String(random.int(LENGTH_MS[0], LENGTH_MS[1])),
      id: `soak${String(i).padStart(7, '0')}`,
    });
    const result = loadCatalogueTracks(`emulator:track?${params.toString()}`);
    if (result.loadType !== 'track') throw new Error(`the emulator catalogue did not make track ${i}`);
    return result.data;
  });
}

/** A queue of distinct tracks for each of `count` guilds. */
export function planGuilds(count: number, catalogue: readonly Track[], random: Prng): GuildPlan[] {
  return Array.from({ length: count }, (_, g) => {
    const tracks: Track[] = [];
    while (tracks.length < TRACKS_PER_GUILD) {
      const track = random.pick(catalogue);
      if (!tracks.includes(track)) tracks.push(track);
    }
    return {
      guildId: String(GUILD_BASE + BigInt(g)),
      channelId: String(CHANNEL_BASE + BigInt(g)),
      tracks,
      startAtMs: random.int(0, Math.floor(tracks[0]!.info.length * 0.8)),
    };
  });
}
