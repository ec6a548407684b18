/**
 * The chaos soak's engine (soak/): a short seeded run must pass every invariant, and its checker
 * must catch a player destroyed or duplicated behind the bot's back. The plan itself is checked
 * for repeatability and for never keeping every node down for long.
 */
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { SoakRun } from '../../soak/engine.js';
import { ALL_DOWN_MAX_MS, DEFAULT_FAULT_WEIGHTS, planCycle } from '../../soak/plan.js';
import type { PlanSettings } from '../../soak/plan.js';
import { Prng } from '../../soak/prng.js';
import type { SoakResult } from '../../soak/result.js';

const runs: SoakRun[] = [];

afterEach(async () => {
  await Promise.all(runs.splice(0).map((run) => run.dispose()));
});

async function createRun(options: Parameters<typeof SoakRun.create>[0]): Promise<SoakRun> {
  const run = await SoakRun.create(options);
  runs.push(run);
  return run;
}

function invariant(result: SoakResult, name: string) {
  const found = result.invariants.find((candidate) => candidate.name.startsWith(name));
  if (!found) throw new Error(`no invariant named ${name}`);
  return found;
}

/** Where the servers play a guild: emulator, session. */
function placementOf(run: SoakRun, guildId: string) {
  const [placement] = run.fleet.audible().get(guildId) ?? [];
  if (!placement) throw new Error(`guild ${guildId} plays nowhere`);
  return {
    emulator: run.fleet.emulator(placement.node),
    node: placement.node,
    sessionId: placement.sessionId,
  };
}

describe('soak engine', () => {
  it('runs a seeded soak of 100 players for 5 s and every invariant holds', async () => {
    const run = await createRun({ seed: 20_240_601, players: 100, durationMs: 5_000, chaosMs: 2_500 });
    const result = await run.run();
    const failed = result.invariants.filter((i) => !i.passed);
    expect(failed, JSON.stringify(failed, null, 2)).toEqual([]);
    expect(result.passed).toBe(true);
    expect(result.cycles).toBe(2);
    expect(Object.values(result.faults).reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    expect(result.heap.length).toBeGreaterThanOrEqual(3);
    expect(result.replay).toBe('npm run soak -- --seed 20240601 --duration-ms 5000 --players 100 --nodes 3');
  }, 60_000);

  it('reports a player destroyed on the server behind the bot’s back as lost', async () => {
    const run = await createRun({ seed: 7, players: 20, settleTimeoutMs: 600 });
    await run.setUp();
    const victim = run.plans[3]!.guildId;
    const { emulator, node, sessionId } = placementOf(run, victim);
    const response = await fetch(`${emulator.url}/v4/sessions/${sessionId}/players/${victim}`, {
      method: 'DELETE',
      headers: { Authorization: emulator.password },
    });
    expect(response.status).toBe(204);
    await run.checkpoint();
    const result = await run.finish();
    const lost = invariant(result, 'no player lost');
    expect(lost.passed).toBe(false);
    expect(lost.summary).toMatch(/^1 of 20 lost/);
    expect(lost.details).toEqual([expect.stringContaining(`guild ${victim}`)]);
    expect(lost.details[0]).toMatch(new RegExp(`no server plays it \\(the bot believes .* on ${node}\\)`));
    expect(result.passed).toBe(false);
    expect(result.traces[`lost guild ${victim}`]?.length).toBeGreaterThan(0);
  }, 30_000);

  it('reports a guild playing on two servers as ghost audio', async () => {
    const run = await createRun({ seed: 8, players: 20, settleTimeoutMs: 600 });
    await run.setUp();
    const plan = run.plans[5]!;
    const { node } = placementOf(run, plan.guildId);
    const other = run.fleet.identifiers.find((id) => id !== node)!;
    const emulator = run.fleet.emulator(other);
    // In a session of another client: the bot hears nothing of it (a copy in its own sessions it
    // would see reported, and delete).
    const foreign = new WebSocket(emulator.wsUrl, {
      headers: {
        Authorization: emulator.password,
        'User-Id': '999999999999999999',
        'Client-Name': 'other/1',
      },
    });
    const sessionId = await new Promise<string>((resolve, reject) => {
      foreign.on('message', (data: Buffer) => {
        const frame = JSON.parse(data.toString()) as { op: string; sessionId?: string };
        if (frame.op === 'ready' && frame.sessionId) resolve(frame.sessionId);
      });
      foreign.on('error', reject);
    });
    const response = await fetch(`${emulator.url}/v4/sessions/${sessionId}/players/${plan.guildId}`, {
      method: 'PATCH',
      headers: { Authorization: emulator.password, 'Content-Type': 'application/json' },
      body: JSON.stringify({ track: { encoded: plan.tracks[1]!.encoded } }),
    });
    expect(response.status).toBe(200);
    await run.checkpoint();
    const result = await run.finish();
    foreign.close();
    const ghosts = invariant(result, 'no ghost audio');
    expect(ghosts.passed).toBe(false);
    expect(ghosts.details).toEqual([
      expect.stringMatching(new RegExp(`guild ${plan.guildId} .*plays on 2 servers`)),
    ]);
    expect(invariant(result, 'no player lost').passed).toBe(true);
  }, 30_000);
});

describe('soak plan', () => {
  const settings: PlanSettings = {
    nodes: 3,
    chaosMs: 6_000,
    weights: DEFAULT_FAULT_WEIGHTS,
    faultsPerCycle: [2, 5],
    botRestartChance: 0.3,
    allDownChance: 0.15,
  };
  const plans = (seed: number, cycles: number) => {
    const random = new Prng(seed);
    return Array.from({ length: cycles }, (_, i) => planCycle(i, settings, random));
  };

  it('is the same for the same seed and differs for another', () => {
    expect(plans(42, 20)).toEqual(plans(42, 20));
    expect(plans(43, 20)).not.toEqual(plans(42, 20));
  });

  it(`never has every node down for longer than ${ALL_DOWN_MAX_MS} ms`, () => {
    for (const plan of plans(1, 2_000)) {
      const down = new Map<number, number>();
      let allDownSince: number | null = null;
      for (const { atMs, action } of plan.events) {
        if (action.kind === 'kill' || action.kind === 'freeze') down.set(action.node, atMs);
        if (action.kind === 'restart' || action.kind === 'unfreeze') down.delete(action.node);
        if (down.size === settings.nodes) allDownSince ??= atMs;
        else if (allDownSince !== null) {
          expect(atMs - allDownSince, `cycle ${plan.index}`).toBeLessThanOrEqual(ALL_DOWN_MAX_MS);
          allDownSince = null;
        }
      }
      expect(down.size, `cycle ${plan.index} heals its own faults`).toBe(0);
    }
  });
});
