/**
 * Whether a guild was lost, decided at the end of the run, once every guild plays or after at most
 * 2 s ({@link SETTLE_MS}): a next track still starting is not a loss.
 *
 * A guild the bot joined is lost when any of these holds:
 * 1. the bot (the Pool after the restart) has no player for it;
 * 2. its player's node is not connected;
 * 3. the Lavalink server behind that node, in that node's session, has no player for it, or one
 *    with no track, or a paused one: nobody hears it;
 * 4. at any moment of the run it went backwards (see `PlaybackAudit`): an earlier track of its
 *    queue, a track not in its queue, or more than a second back within a track.
 * Separately, a guild still heard on two servers at the end is a duplicate (it would play twice);
 * the run fails on duplicates too.
 */
import type { Player, Pool } from '../../index.js';
import type { PlaybackAudit } from './audit.js';
import type { DemoFleet } from './fleet.js';
import type { GuildPlan } from './music.js';

/** A lost guild and why. */
export interface LostGuild {
  guildId: string;
  reason: string;
}

export interface Verdict {
  checked: number;
  lost: LostGuild[];
  /** Guilds heard on more than one server at the end. */
  duplicates: readonly string[];
  /** Guilds whose player shows another track than its server plays (the bot's view is behind). */
  stale: number;
}

/** Checks every planned guild against the pool and the servers (call right after a fresh sample). */
export function judge(
  plans: readonly GuildPlan[],
  pool: Pool | null,
  fleet: DemoFleet,
  audit: PlaybackAudit,
): Verdict {
  const regressions = new Map(audit.regressions.map((regression) => [regression.guildId, regression]));
  const lost: LostGuild[] = [];
  let stale = 0;
  for (const { guildId } of plans) {
    const regression = regressions.get(guildId);
    const problem = regression ? regression.detail : whyNotPlaying(guildId, pool, fleet);
    if (typeof problem === 'string') lost.push({ guildId, reason: problem });
    else if (problem.isStale) stale += 1;
  }
  return { checked: plans.length, lost, duplicates: audit.duplicates, stale };
}

/**
 * Whether every planned guild plays where the bot thinks it plays. The run is judged once this
 * holds, or after {@link SETTLE_MS}: a track ending at the very end of the run leaves its guild
 * silent for the few ms the next one takes to start, which is no loss.
 */
export function everyGuildPlays(plans: readonly GuildPlan[], pool: Pool | null, fleet: DemoFleet): boolean {
  return plans.every(({ guildId }) => typeof whyNotPlaying(guildId, pool, fleet) !== 'string');
}

/** The longest wait for {@link everyGuildPlays} before the verdict. */
export const SETTLE_MS = 2_000;

/** Why a guild is not playing where the bot thinks it plays, or whether the bot's view is behind. */
function whyNotPlaying(guildId: string, pool: Pool | null, fleet: DemoFleet): string | { isStale: boolean } {
  if (pool === null) return 'the bot is not running';
  const player = pool.getPlayer(guildId);
  if (player === undefined) return 'the bot has no player for it';
  const node = player.node;
  if (!node.isReady || node.sessionId === null) return `its node ${node.identifier} is ${node.status}`;
  const server = fleet.player(node.identifier, node.sessionId, guildId);
  if (server === undefined) return `${node.identifier} has no player for it`;
  if (server.track === null) return `${node.identifier} plays nothing for it (${botView(player)})`;
  if (server.paused) return `it is paused on ${node.identifier}`;
  return { isStale: player.track?.info.identifier !== server.track.info.identifier };
}

/** What the bot believes about a player, for the reason of a loss. */
function botView(player: Player): string {
  const queued = player.queue.tracks.length;
  if (player.track !== null) return `the bot believes it plays "${player.track.info.title}"`;
  return `the bot's player is idle with ${queued} track${queued === 1 ? '' : 's'} still queued`;
}
