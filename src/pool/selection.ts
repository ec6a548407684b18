/**
 * Choosing a node for a player. A strategy is a plain function, so a bot can replace it:
 *
 * ```ts
 * const pool = new Pool({
 *   nodes, connector,
 *   // Always prefer the node named "primary" when it can take players.
 *   selectNode: (candidates, request) =>
 *     candidates.find((c) => c.identifier === 'primary') ?? penaltyStrategy(candidates, request),
 * });
 * ```
 *
 * The pool only ever passes candidates that can take players (connected, breaker closed, not being
 * drained, not excluded by the request); a strategy never has to check that again.
 */
import { neutralStatsPenalty, penaltyBreakdown } from '../node/penalty.js';
import type { NodeLoad, PenaltyBreakdown } from '../node/penalty.js';
import type { Node } from '../node/node.js';

/** A node that can take players, with what selection needs to know about it. */
export interface NodeCandidate extends NodeLoad {
  /** The node itself, for strategies that look at more than the load. */
  node: Node;
  identifier: string;
  /** The node's configured region (lower case), or null. */
  region: string | null;
}

/** What a player needs from its node. */
export interface SelectionRequest {
  /** The player's voice region, derived from the Discord voice endpoint, if known. */
  region: string | null;
  /** The guild the node is chosen for, if any. */
  guildId?: string;
}

/** Picks one of the candidates, or undefined if none will do. */
export type SelectionStrategy<C extends NodeCandidate = NodeCandidate> = (
  candidates: readonly C[],
  request: SelectionRequest,
) => C | undefined;

/** Penalty of each candidate, with nodes without stats given the neutral estimate. */
export function scoreCandidates<C extends NodeCandidate>(
  candidates: readonly C[],
): Array<{ candidate: C; penalty: PenaltyBreakdown }> {
  const neutral = neutralStatsPenalty(candidates);
  return candidates.map((candidate) => ({ candidate, penalty: penaltyBreakdown(candidate, neutral) }));
}

/**
 * The default strategy: nodes in the player's region first, then the rest; within each group the
 * lowest penalty wins, and ties go to the first node in pool order.
 */
export function penaltyStrategy<C extends NodeCandidate>(
  candidates: readonly C[],
  request: SelectionRequest,
): C | undefined {
  let best: C | undefined;
  let bestRank = Infinity;
  let bestPenalty = Infinity;
  for (const { candidate, penalty } of scoreCandidates(candidates)) {
    const rank = regionMatches(candidate.region, request.region) ? 0 : 1;
    if (rank < bestRank || (rank === bestRank && penalty.total < bestPenalty)) {
      best = candidate;
      bestRank = rank;
      bestPenalty = penalty.total;
    }
  }
  return best;
}

/** Whether a node in `nodeRegion` serves a player in `playerRegion` (`us` serves `us-east`). */
export function regionMatches(nodeRegion: string | null, playerRegion: string | null): boolean {
  if (nodeRegion === null || playerRegion === null) return false;
  return playerRegion === nodeRegion || playerRegion.startsWith(`${nodeRegion}-`);
}

/**
 * The region of a Discord voice endpoint: `us-east1234.discord.media:443` → `us-east`,
 * `c-ams08-1234abcd.discord.media` → `ams`. Null when it cannot be told.
 */
export function regionFromEndpoint(endpoint: string | null | undefined): string | null {
  if (!endpoint) return null;
  const host =
    endpoint
      .replace(/^wss?:\/\//, '')
      .split(/[.:]/)[0]
      ?.toLowerCase() ?? '';
  const modern = /^c-([a-z]+)\d*-/.exec(host);
  if (modern) return modern[1] ?? null;
  const legacy = /^([a-z]+(?:-[a-z]+)*)\d*$/.exec(host);
  return legacy?.[1] ?? null;
}
