/**
 * Found by the chaos soak (seed 12): a node that came back while the pool was closing (its final save
 * under way) lost its session, and the pool re-created its players in the new session after their
 * snapshots were taken. The close then left that session paused with the players playing in it, and
 * the next bot, whose store named the dead session, never resumed it: 92 guilds played twice for the
 * whole resume window. A closing pool now ignores what its nodes do.
 */
import { afterEach, expect, it } from 'vitest';
import { MemoryStore } from '../../src/persistence/memory-store.js';
import type { StateStore } from '../../src/persistence/state-store.js';
import { LavalinkEmulator } from '../../src/testing/index.js';
import { channelId, guildId, longTrack, poolOver } from '../helpers/cluster.js';
import { nextEvent, waitFor } from '../helpers/events.js';

/** A MemoryStore whose writes wait while `held` is set: a slow disk during the final save. */
class SlowStore extends MemoryStore {
  held: Promise<void> | null = null;
  writing = false;

  override async write(batch: Parameters<StateStore['write']>[0]): Promise<void> {
    this.writing = true;
    if (this.held) await this.held;
    return super.write(batch);
  }
}

let emulator: LavalinkEmulator | undefined;
afterEach(async () => {
  await emulator?.stop();
  emulator = undefined;
});

it('a node that comes back with a new session while the pool closes gets none of its players', async () => {
  emulator = new LavalinkEmulator({ password: 'pw' });
  await emulator.start();
  const store = new SlowStore();
  const pool = poolOver([emulator], { store, stateSaveIntervalMs: 60_000 });
  pool.on('error', () => undefined);
  await pool.connect();
  const track = await longTrack(pool);
  for (let i = 0; i < 3; i++)
    await pool.join({ guildId: guildId(i), channelId: channelId(i), node: 'node1', play: track });
  const node = pool.getNode('node1')!;
  await waitFor(() => node.canResume === true, { what: 'resume configured' });

  await emulator.kill(); // the server dies with its session; the node keeps trying to reconnect
  await waitFor(() => !node.isReady, { what: 'node1 down' });
  let release!: () => void;
  store.held = new Promise((resolve) => (release = resolve));
  const closing = pool.close();
  await waitFor(() => store.writing, { what: 'the final save under way' });

  const lost = nextEvent(node, 'sessionLost');
  await emulator.start(); // back as a fresh process, while the final save still waits
  await lost;
  await waitFor(() => node.isReady, { what: 'node1 ready again' });
  // Whatever the pool sent on the new session went out before this round trip.
  await node.rest.version();
  release();
  await closing;

  const playing = emulator.sessions().flatMap((session) => emulator!.players(session.id));
  expect(playing).toEqual([]);
});

it('reports no error for its own requests cancelled by the close (a /v4/info read in flight)', async () => {
  // Seen in the soak: every bot restart that closed the pool right after a node came back emitted
  // ERR_NODE_CLOSED for the node's /v4/info read, an error the bot can do nothing about.
  emulator = new LavalinkEmulator({ password: 'pw' });
  await emulator.start();
  const pool = poolOver([emulator], { store: false });
  const errors: Error[] = [];
  pool.on('error', (error) => void errors.push(error));
  emulator.setLatency({ restMs: 200 }); // the read after ready is still in flight at the close
  await pool.connect();
  await waitFor(() => emulator!.pendingRequests().some((request) => request.path === '/v4/info'), {
    what: 'the /v4/info read in flight',
  });
  await pool.close();
  await new Promise((resolve) => setTimeout(resolve, 20));
  expect(errors).toEqual([]);
});
