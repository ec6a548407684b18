/**
 * Failover across three nodes, with no Discord and no Lavalink to install: three emulated Lavalink
 * servers from `lavafleet/testing`, 30 players placed on the first, then that server is killed
 * (sockets reset, sessions gone). The pool moves every player to the other two and each carries on
 * from where it was.
 *
 *   npx tsx examples/multi-node-failover.ts
 */
import { Pool } from 'lavafleet';
import type { Player } from 'lavafleet';
import { LavalinkEmulator, TestConnector } from 'lavafleet/testing';

const PLAYERS = 30;

/** Players per node identifier. */
function spread(pool: Pool): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const player of pool.players.values())
    counts[player.node.identifier] = (counts[player.node.identifier] ?? 0) + 1;
  return counts;
}

async function main(): Promise<void> {
  const emulators = [new LavalinkEmulator(), new LavalinkEmulator(), new LavalinkEmulator()];
  await Promise.all(emulators.map((emulator) => emulator.start()));

  const pool = new Pool({
    nodes: emulators.map((emulator, i) => ({
      identifier: `node-${i + 1}`,
      uri: emulator.url,
      password: emulator.password,
    })),
    // Plays Discord's part: answers every voice-state update at once.
    connector: new TestConnector(),
    store: false,
    waitForAllNodes: true,
  });
  pool.on('error', (error) => console.warn(`error ${error.code}: ${error.message}`));
  pool.on('failoverStart', ({ node, players, reason }) =>
    console.log(`failoverStart: moving ${players} players off ${node.identifier} (reason: ${reason})`),
  );
  let moves = 0;
  pool.on('playerMoved', ({ player, from, to, reason }) => {
    moves += 1;
    if (moves <= 3)
      console.log(`playerMoved: ${player.guildId} ${from.identifier} → ${to.identifier} (${reason})`);
  });

  await pool.connect();
  const players: Player[] = [];
  for (let i = 0; i < PLAYERS; i++) {
    players.push(
      await pool.join({
        guildId: String(200_000_000_000_000_000n + BigInt(i)),
        channelId: String(300_000_000_000_000_000n + BigInt(i)),
        node: 'node-1', // all on one node, to make the failover visible
        play: `ytsearch:song ${i}`,
      }),
    );
  }
  console.log('before:', spread(pool));

  const ended = new Promise<{ moved: number; parked: number; durationMs: number }>((resolve) => {
    const off = pool.on('failoverEnd', (event) => {
      off();
      resolve(event);
    });
  });
  const positionsAtKill = new Map(players.map((player) => [player.guildId, player.position]));
  await emulators[0]!.kill();
  const { moved, parked, durationMs } = await ended;

  if (moves > 3) console.log(`playerMoved: … ${moves - 3} more`);
  console.log(`failoverEnd: ${moved} moved, ${parked} parked, in ${durationMs} ms`);
  console.log('after:', spread(pool));
  const first = players[0]!;
  console.log(
    `${first.guildId} was at ${Math.round(positionsAtKill.get(first.guildId)!)} ms, now ${Math.round(first.position)} ms on ${first.node.identifier}, still playing ${first.track?.info.title}`,
  );

  await pool.close();
  await Promise.all(emulators.map((emulator) => emulator.stop()));
  if (moved !== PLAYERS) throw new Error(`expected ${PLAYERS} players moved, got ${moved}`);
}

await main();
