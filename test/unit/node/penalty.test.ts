import { describe, expect, it } from 'vitest';
import {
  cpuPenalty,
  failurePenalty,
  framePenalties,
  latencyPenalty,
  memoryPenalty,
  neutralStatsPenalty,
  penaltyBreakdown,
  statsPenalty,
} from '../../../src/node/penalty.js';
import type { NodeLoad } from '../../../src/node/penalty.js';
import type { Stats } from '../../../src/protocol/stats.js';

function stats(overrides: Partial<Stats> = {}): Stats {
  return {
    players: 0,
    playingPlayers: 0,
    uptime: 1000,
    memory: { free: 0, used: 0, allocated: 0, reservable: 1000 },
    cpu: { cores: 4, systemLoad: 0, lavalinkLoad: 0 },
    frameStats: null,
    ...overrides,
  };
}

function load(overrides: Partial<NodeLoad> = {}): NodeLoad {
  return { stats: stats(), latencyMs: null, failures: 0, placedSinceStats: 0, ...overrides };
}

describe('cpuPenalty', () => {
  it("follows Lavalink's formula 1.05^(100 × load) × 10 − 10", () => {
    expect(cpuPenalty(0)).toBe(0);
    expect(cpuPenalty(0.1)).toBeCloseTo(1.05 ** 10 * 10 - 10, 10);
    expect(cpuPenalty(0.1)).toBeCloseTo(6.2889, 3);
    expect(cpuPenalty(0.5)).toBeCloseTo(104.674, 3);
    expect(cpuPenalty(1)).toBeCloseTo(1305.0126, 3);
  });

  it('clamps the load to 0..1', () => {
    expect(cpuPenalty(-0.5)).toBe(0);
    expect(cpuPenalty(3)).toBe(cpuPenalty(1));
  });

  it('grows with the load', () => {
    const values = [0, 0.2, 0.4, 0.6, 0.8, 1].map(cpuPenalty);
    for (let i = 1; i < values.length; i++) expect(values[i]!).toBeGreaterThan(values[i - 1]!);
  });
});

describe('framePenalties', () => {
  it('is zero without frame stats or without missing frames', () => {
    expect(framePenalties(null)).toEqual({ deficit: 0, nulled: 0 });
    expect(framePenalties(undefined)).toEqual({ deficit: 0, nulled: 0 });
    expect(framePenalties({ sent: 3000, nulled: 0, deficit: 0 })).toEqual({ deficit: 0, nulled: 0 });
  });

  it("follows Lavalink's deficit and nulled terms", () => {
    const { deficit, nulled } = framePenalties({ sent: 2400, nulled: 300, deficit: 300 });
    expect(deficit).toBeCloseTo(1.03 ** (500 * 0.1) * 600 - 600, 10);
    expect(deficit).toBeCloseTo(2030.3436, 3);
    expect(nulled).toBeCloseTo((1.03 ** (500 * 0.1) * 300 - 300) * 2, 10);
    // A nulled frame weighs as much as a missing one.
    expect(nulled).toBeCloseTo(deficit, 10);
  });

  it('ignores negative counts (more frames sent than expected)', () => {
    expect(framePenalties({ sent: 3100, nulled: -5, deficit: -100 })).toEqual({ deficit: 0, nulled: 0 });
  });
});

describe('memoryPenalty', () => {
  const memory = (used: number, reservable = 1000) => ({ free: 0, used, allocated: used, reservable });

  it('is zero up to 70 % of the reservable heap', () => {
    expect(memoryPenalty(memory(0))).toBe(0);
    expect(memoryPenalty(memory(700))).toBe(0);
  });

  it('rises quadratically to 300 at 100 %, and no further', () => {
    expect(memoryPenalty(memory(850))).toBeCloseTo(75, 10);
    expect(memoryPenalty(memory(1000))).toBeCloseTo(300, 10);
    expect(memoryPenalty(memory(1500))).toBeCloseTo(300, 10);
  });

  it('is zero when the heap size is unknown', () => {
    expect(memoryPenalty(undefined)).toBe(0);
    expect(memoryPenalty(memory(500, 0))).toBe(0);
  });
});

describe('latency and failures', () => {
  it('latency: one point per 10 ms, none when unknown', () => {
    expect(latencyPenalty(null)).toBe(0);
    expect(latencyPenalty(0)).toBe(0);
    expect(latencyPenalty(100)).toBe(10);
    expect(latencyPenalty(-5)).toBe(0);
  });

  it('failures: 50 points each', () => {
    expect(failurePenalty(0)).toBe(0);
    expect(failurePenalty(3)).toBe(150);
  });
});

describe('statsPenalty and penaltyBreakdown', () => {
  it('adds players, CPU, frames and memory', () => {
    const s = stats({
      playingPlayers: 12,
      cpu: { cores: 4, systemLoad: 0.5, lavalinkLoad: 0.2 },
      frameStats: { sent: 2400, nulled: 300, deficit: 300 },
      memory: { free: 0, used: 850, allocated: 850, reservable: 1000 },
    });
    const frames = framePenalties(s.frameStats);
    expect(statsPenalty(s)).toBeCloseTo(12 + cpuPenalty(0.5) + frames.deficit + frames.nulled + 75, 10);
  });

  it('itemises the penalty and adds latency, failures and players placed since the last stats', () => {
    const s = stats({ playingPlayers: 10, cpu: { cores: 4, systemLoad: 0.1, lavalinkLoad: 0 } });
    const breakdown = penaltyBreakdown(load({ stats: s, latencyMs: 50, failures: 1, placedSinceStats: 3 }));
    expect(breakdown).toEqual({
      players: 13,
      cpu: cpuPenalty(0.1),
      deficitFrames: 0,
      nulledFrames: 0,
      memory: 0,
      latency: 5,
      failures: 50,
      total: 13 + cpuPenalty(0.1) + 5 + 50,
    });
  });

  it('an idle node with no latency and no failures scores zero', () => {
    expect(penaltyBreakdown(load()).total).toBe(0);
  });

  it('a node without stats gets the neutral estimate, plus what it can measure itself', () => {
    const breakdown = penaltyBreakdown(
      load({ stats: null, latencyMs: 20, failures: 2, placedSinceStats: 4 }),
      100,
    );
    expect(breakdown).toEqual({
      players: 4,
      cpu: 0,
      deficitFrames: 0,
      nulledFrames: 0,
      memory: 0,
      latency: 2,
      failures: 100,
      total: 100 + 4 + 2 + 100,
    });
    expect(penaltyBreakdown(load({ stats: null })).total).toBe(0);
  });
});

describe('neutralStatsPenalty', () => {
  it('is the mean stats penalty of the nodes that have stats', () => {
    const busy = stats({ playingPlayers: 30 });
    const quiet = stats({ playingPlayers: 10 });
    expect(neutralStatsPenalty([load({ stats: busy }), load({ stats: quiet }), load({ stats: null })])).toBe(
      20,
    );
  });

  it('is zero when no node has stats', () => {
    expect(neutralStatsPenalty([])).toBe(0);
    expect(neutralStatsPenalty([load({ stats: null }), load({ stats: null })])).toBe(0);
  });

  it('puts a fresh node between a busy and a quiet one', () => {
    const loads = [
      load({ stats: stats({ playingPlayers: 30 }) }),
      load({ stats: stats({ playingPlayers: 10 }) }),
      load({ stats: null }),
    ];
    const neutral = neutralStatsPenalty(loads);
    const [busy, quiet, fresh] = loads.map((l) => penaltyBreakdown(l, neutral).total) as [
      number,
      number,
      number,
    ];
    expect(fresh).toBeLessThan(busy);
    expect(fresh).toBeGreaterThan(quiet);
  });
});
