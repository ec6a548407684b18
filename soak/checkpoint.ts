/**
 * The verdict on every guild at a quiet moment (faults healed, the bot given time to settle).
 *
 * A guild the bot joined and never destroyed is lost unless it plays on exactly one live server, in
 * the session of the node the bot's player is on (or the bot could not pause or skip it), with the
 * track the bot believes it plays, which must be one of the guild's own queue. A guild heard on
 * two servers plays twice: that is ghost audio, reported apart from losses.
 */
import type { AudiblePlayer } from '../src/cli/demo/fleet.js';
import type { BotView, GuildPlan, PlayerView } from './bot-protocol.js';

export type Problem = { kind: 'lost' | 'ghost'; reason: string };

/** Judges every planned guild; returns the ones that are not fine, with why. */
export function judgeGuilds(
  plans: readonly GuildPlan[],
  audible: ReadonlyMap<string, readonly AudiblePlayer[]>,
  view: BotView,
): Map<string, Problem> {
  const players = new Map<string, PlayerView>(view.players.map((player) => [player[0], player]));
  const problems = new Map<string, Problem>();
  for (const plan of plans) {
    const problem = judgeGuild(plan, audible.get(plan.guildId) ?? [], players.get(plan.guildId));
    if (problem) problems.set(plan.guildId, problem);
  }
  return problems;
}

function judgeGuild(
  plan: GuildPlan,
  heard: readonly AudiblePlayer[],
  player: PlayerView | undefined,
): Problem | null {
  const where = heard.map((p) => `${p.node}/${p.sessionId.slice(0, 8)}`).join(', ');
  if (heard.length > 1) return { kind: 'ghost', reason: `plays on ${heard.length} servers (${where})` };
  if (player === undefined) {
    return {
      kind: 'lost',
      reason: `the bot has no player for it${heard.length ? ` (plays on ${where})` : ''}`,
    };
  }
  const [, node, sessionId, nodeReady, trackId, playing] = player;
  const belief = trackId === null ? 'the bot believes it is idle' : `the bot believes it plays ${trackId}`;
  if (!nodeReady) return { kind: 'lost', reason: `its node ${node} is not ready in the bot` };
  const server = heard[0];
  if (server === undefined) return { kind: 'lost', reason: `no server plays it (${belief} on ${node})` };
  if (server.node !== node || server.sessionId !== sessionId) {
    return {
      kind: 'lost',
      reason: `plays on ${where} but the bot drives ${node}/${(sessionId ?? 'none').slice(0, 8)}`,
    };
  }
  if (!plan.tracks.some((track) => track.info.identifier === server.trackId)) {
    return { kind: 'lost', reason: `plays ${server.trackId}, which is not in its queue` };
  }
  if (server.trackId !== trackId || !playing) {
    return {
      kind: 'lost',
      reason: `the server plays ${server.trackId} but ${belief}${playing ? '' : ' (not playing)'}`,
    };
  }
  return null;
}
