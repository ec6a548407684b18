import { describe, expect, it } from 'vitest';
import { Node } from '../../../src/node/node.js';
import { cpuPenalty } from '../../../src/node/penalty.js';
import {
  penaltyStrategy,
  regionFromEndpoint,
  regionMatches,
  scoreCandidates,
} from '../../../src/pool/selection.js';
import type { NodeCandidate } from '../../../src/pool/selection.js';
import type { Stats } from '../../../src/protocol/stats.js';

function stats(playingPlayers: number, systemLoad = 0): Stats {
  return {
    players: playingPlayers,
    playingPlayers,
    uptime: 1000,
    memory: { free: 0, used: 0, allocated: 0, reservable: 1000 },
    cpu: { cores: 4, systemLoad, lavalinkLoad: 0 },
    frameStats: null,
  };
}

/** A candidate around a real (never connected) Node. */
function candidate(
  identifier: string,
  overrides: Partial<Omit<NodeCandidate, 'node' | 'identifier'>> = {},
): NodeCandidate {
  const node = new Node({ identifier, uri: '127.0.0.1:1', password: 'pw' });
  return {
    node,
    identifier,
    region: null,
    stats: stats(0),
    latencyMs: null,
    failures: 0,
    placedSinceStats: 0,
    ...overrides,
  };
}

const noRegion = { region: null };

describe('penaltyStrategy', () => {
  it('returns undefined without candidates', () => {
    expect(penaltyStrategy([], noRegion)).toBeUndefined();
  });

  it('picks the lowest penalty', () => {
    const candidates = [
      candidate('a', { stats: stats(20) }),
      candidate('b', { stats: stats(5) }),
      candidate('c', { stats: stats(9) }),
    ];
    expect(penaltyStrategy(candidates, noRegion)?.identifier).toBe('b');
  });

  it('gives ties to the first node in pool order', () => {
    const candidates = [
      candidate('a', { stats: stats(5) }),
      candidate('b', { stats: stats(5) }),
      candidate('c', { stats: stats(5) }),
    ];
    expect(penaltyStrategy(candidates, noRegion)?.identifier).toBe('a');
    expect(penaltyStrategy([candidates[2]!, candidates[1]!, candidates[0]!], noRegion)?.identifier).toBe('c');
  });

  it('weighs CPU, latency, failures and recent placements', () => {
    expect(
      penaltyStrategy(
        [candidate('cpu', { stats: stats(0, 0.5) }), candidate('players', { stats: stats(50) })],
        noRegion,
      )?.identifier,
    ).toBe('players');
    expect(
      penaltyStrategy([candidate('far', { latencyMs: 300 }), candidate('near', { latencyMs: 10 })], noRegion)
        ?.identifier,
    ).toBe('near');
    expect(
      penaltyStrategy(
        [candidate('flaky', { failures: 1 }), candidate('busy', { stats: stats(40) })],
        noRegion,
      )?.identifier,
    ).toBe('busy');
    expect(
      penaltyStrategy(
        [candidate('placed', { placedSinceStats: 10 }), candidate('other', { stats: stats(5) })],
        noRegion,
      )?.identifier,
    ).toBe('other');
  });

  it('prefers nodes in the voice region, even when they are busier', () => {
    const candidates = [
      candidate('eu', { region: 'eu', stats: stats(0) }),
      candidate('us', { region: 'us', stats: stats(100) }),
    ];
    expect(penaltyStrategy(candidates, { region: 'us-east' })?.identifier).toBe('us');
    expect(penaltyStrategy(candidates, { region: 'eu' })?.identifier).toBe('eu');
  });

  it('falls back to the lowest penalty when no node is in the region', () => {
    const candidates = [
      candidate('eu', { region: 'eu', stats: stats(10) }),
      candidate('asia', { region: 'asia', stats: stats(3) }),
    ];
    expect(penaltyStrategy(candidates, { region: 'us-east' })?.identifier).toBe('asia');
  });

  it('chooses by penalty among several nodes of the region', () => {
    const candidates = [
      candidate('us1', { region: 'us', stats: stats(30) }),
      candidate('eu', { region: 'eu', stats: stats(0) }),
      candidate('us2', { region: 'us', stats: stats(10) }),
    ];
    expect(penaltyStrategy(candidates, { region: 'us-west' })?.identifier).toBe('us2');
  });

  it('gives a node without stats the mean of the others', () => {
    const candidates = [
      candidate('busy', { stats: stats(30) }),
      candidate('fresh', { stats: null }),
      candidate('quiet', { stats: stats(10) }),
    ];
    expect(penaltyStrategy(candidates, noRegion)?.identifier).toBe('quiet');
    // Next to a single node with stats, a fresh node ties with it: the first in pool order wins.
    expect(penaltyStrategy([candidates[0]!, candidates[1]!], noRegion)?.identifier).toBe('busy');
    expect(penaltyStrategy([candidates[1]!, candidates[0]!], noRegion)?.identifier).toBe('fresh');
    // With no stats anywhere, every node is neutral: pool order.
    expect(
      penaltyStrategy([candidate('x', { stats: null }), candidate('y', { stats: null })], noRegion)
        ?.identifier,
    ).toBe('x');
  });
});

describe('scoreCandidates', () => {
  it('scores each candidate with its breakdown', () => {
    const [a, b] = scoreCandidates([
      candidate('a', { stats: stats(2, 0.1) }),
      candidate('b', { stats: null }),
    ]);
    expect(a!.candidate.identifier).toBe('a');
    expect(a!.penalty.total).toBeCloseTo(2 + cpuPenalty(0.1), 10);
    expect(b!.penalty.total).toBeCloseTo(a!.penalty.total, 10);
  });
});

describe('regionMatches', () => {
  it('matches the same region and its sub-regions', () => {
    expect(regionMatches('us', 'us')).toBe(true);
    expect(regionMatches('us', 'us-east')).toBe(true);
    expect(regionMatches('us-east', 'us-east')).toBe(true);
    expect(regionMatches('us-east', 'us')).toBe(false);
    expect(regionMatches('us', 'usa')).toBe(false);
    expect(regionMatches(null, 'us')).toBe(false);
    expect(regionMatches('us', null)).toBe(false);
  });
});

describe('regionFromEndpoint', () => {
  it.each([
    ['us-east123.discord.media:443', 'us-east'],
    ['us-east123.discord.media', 'us-east'],
    ['wss://rotterdam42.discord.media', 'rotterdam'],
    ['c-ams08-abcd.discord.media', 'ams'],
    ['c-ams08-1234abcd.discord.media:443', 'ams'],
    ['C-FRA01-beef.discord.media', 'fra'],
    ['emulated.discord.media', 'emulated'],
  ])('%s → %s', (endpoint, region) => {
    expect(regionFromEndpoint(endpoint)).toBe(region);
  });

  it.each([[null], [undefined], [''], ['123.45.67.89:443']])('%s → null', (endpoint) => {
    expect(regionFromEndpoint(endpoint)).toBeNull();
  });
});
