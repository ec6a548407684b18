/**
 * `pool.join()` against the emulator: voice state assembly, the voice sent to Lavalink, timeouts,
 * Discord's null endpoint, join-and-play in one request, joining again and moving channels.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ErrorCodes, LavafleetError } from '../../src/errors.js';
import { Pool } from '../../src/pool.js';
import type { PoolOptions } from '../../src/pool/pool-options.js';
import { LavalinkEmulator, TestConnector } from '../../src/testing/index.js';
import type { LavalinkEmulatorOptions, TestConnectorOptions } from '../../src/testing/index.js';
import { channelId, guildId, longTrack, startCluster, TEST_USER_ID } from '../helpers/cluster.js';
import type { Cluster } from '../helpers/cluster.js';
import { waitFor } from '../helpers/events.js';

interface Single {
  emulator: LavalinkEmulator;
  pool: Pool;
  connector: TestConnector;
  sessionId: string;
}

let cluster: Cluster | undefined;
let single: Single | undefined;
afterEach(async () => {
  await cluster?.close();
  cluster = undefined;
  if (single) {
    await single.pool.close();
    single.connector.destroy();
    await single.emulator.stop();
    single = undefined;
  }
});

/** One emulator and a pool over it, with connector and pool options the shared cluster does not take. */
async function startSingle(
  connectorOptions: TestConnectorOptions = {},
  poolOptions: Partial<PoolOptions> = {},
  emulatorOptions: LavalinkEmulatorOptions = {},
): Promise<Single> {
  const emulator = new LavalinkEmulator({ password: 'pw', ...emulatorOptions });
  await emulator.start();
  const connector = new TestConnector({ userId: TEST_USER_ID, ...connectorOptions });
  const pool = new Pool({
    nodes: [{ identifier: 'node1', uri: emulator.url, password: emulator.password, requestTimeoutMs: 1000 }],
    connector,
    store: false,
    ...poolOptions,
  });
  pool.on('error', () => undefined);
  await pool.connect();
  single = { emulator, pool, connector, sessionId: pool.getNode('node1')!.sessionId! };
  return single;
}

function sessionOf(c: Cluster, index = 0): string {
  return [...c.pool.nodes.values()][index]!.sessionId!;
}

describe('pool.join', () => {
  it('resolves with a player whose complete voice state Lavalink accepted, channelId included', async () => {
    cluster = await startCluster(1);
    const c = cluster;
    const gid = guildId(1);
    const player = await c.pool.join({ guildId: gid, channelId: channelId(1) });

    expect(c.pool.getPlayer(gid)).toBe(player);
    expect(c.connector.sent).toEqual([
      { guild_id: gid, channel_id: channelId(1), self_deaf: true, self_mute: false },
    ]);
    const server = c.emulators[0]!.player(sessionOf(c), gid);
    expect(server?.voice).toEqual({
      token: player.voice.token,
      endpoint: 'emulated.discord.media',
      sessionId: c.connector.sessionIdOf(gid),
      channelId: channelId(1),
    });
    expect(server?.state.connected).toBe(true);
    expect(player.voice.toJSON()).toMatchObject({
      channelId: channelId(1),
      sessionId: c.connector.sessionIdOf(gid),
    });
    expect(player.track).toBeNull();
    expect(player.isDestroyed).toBe(false);
  });

  it('passes selfDeaf and selfMute to Discord', async () => {
    cluster = await startCluster(1);
    const gid = guildId(2);
    await cluster.pool.join({ guildId: gid, channelId: channelId(2), selfDeaf: false, selfMute: true });
    expect(cluster.connector.sent.at(-1)).toEqual({
      guild_id: gid,
      channel_id: channelId(2),
      self_deaf: false,
      self_mute: true,
    });
  });

  it('rejects with ERR_VOICE_TIMEOUT when Discord does not answer, and leaves nothing behind', async () => {
    const s = await startSingle({}, { voiceTimeoutMs: 30 });
    const gid = guildId(3);
    s.connector.failNext(1);
    const before = s.emulator.requestCount('player');

    const error = await s.pool.join({ guildId: gid, channelId: channelId(3) }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LavafleetError);
    expect((error as LavafleetError).code).toBe(ErrorCodes.VoiceTimeout);
    expect((error as LavafleetError).message).toContain(gid);

    expect(s.pool.players.size).toBe(0);
    expect(s.emulator.requestCount('player')).toBe(before);
    expect(s.emulator.players(s.sessionId)).toEqual([]);
    // The bot asks Discord to leave, in case it did join and only the answers were lost.
    expect(s.connector.sent.at(-1)).toMatchObject({ guild_id: gid, channel_id: null });
    // No pending join remains: the next join goes through.
    const player = await s.pool.join({ guildId: gid, channelId: channelId(3) });
    expect(s.pool.getPlayer(gid)).toBe(player);
    expect(s.emulator.player(s.sessionId, gid)?.voice.channelId).toBe(channelId(3));
  });

  it('ignores voice updates that arrive after the join timed out', async () => {
    const s = await startSingle({ delayMs: 40 }, { voiceTimeoutMs: 10 });
    const gid = guildId(4);
    const before = s.emulator.requestCount('player');
    await expect(s.pool.join({ guildId: gid, channelId: channelId(4) })).rejects.toMatchObject({
      code: ErrorCodes.VoiceTimeout,
    });
    // The late answers (state and server) come in now.
    await waitFor(() => s.connector.sent.length >= 2, { what: 'leave sent' });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(s.pool.players.size).toBe(0);
    expect(s.emulator.requestCount('player')).toBe(before);
  });

  it('waits through a null endpoint (Discord allocating a voice server) and joins with the real one', async () => {
    const s = await startSingle({ nullEndpointFirst: true, endpoint: 'c-ams08-abcd.discord.media' });
    const gid = guildId(5);
    const player = await s.pool.join({ guildId: gid, channelId: channelId(5) });
    expect(player.voice.endpoint).toBe('c-ams08-abcd.discord.media');
    expect(player.voice.region).toBe('ams');
    expect(s.emulator.player(s.sessionId, gid)?.voice).toMatchObject({
      endpoint: 'c-ams08-abcd.discord.media',
      channelId: channelId(5),
    });
  });

  it('joins and plays in a single player request', async () => {
    cluster = await startCluster(1);
    const c = cluster;
    const track = await longTrack(c.pool);
    const gid = guildId(6);
    const before = c.emulators[0]!.requestCount('player');
    const player = await c.pool.join({
      guildId: gid,
      channelId: channelId(6),
      play: track,
      playOptions: { volume: 50 },
    });
    expect(c.emulators[0]!.requestCount('player') - before).toBe(1);
    const server = c.emulators[0]!.player(sessionOf(c), gid)!;
    expect(server.track?.info.identifier).toBe(track.info.identifier);
    expect(server.voice.channelId).toBe(channelId(6));
    expect(server.volume).toBe(50);
    expect(player.track).toBe(track);
    expect(player.queue.current).toBe(track);
    expect(player.volume).toBe(50);
  });

  it('joins and plays a query: one load and one player request', async () => {
    cluster = await startCluster(1);
    const c = cluster;
    const gid = guildId(7);
    const players = c.emulators[0]!.requestCount('player');
    const loads = c.emulators[0]!.requestCount('loadTracks');
    const player = await c.pool.join({
      guildId: gid,
      channelId: channelId(7),
      play: 'emulator:track?title=Queried',
    });
    expect(c.emulators[0]!.requestCount('player') - players).toBe(1);
    expect(c.emulators[0]!.requestCount('loadTracks') - loads).toBe(1);
    expect(player.track?.info.title).toBe('Queried');
    expect(c.emulators[0]!.player(sessionOf(c), gid)?.track?.info.title).toBe('Queried');
  });

  it('a join whose first track Lavalink refuses leaves no player on the server and leaves the channel', async () => {
    // A server without the YouTube source: it creates the player and connects voice, then answers 500.
    const s = await startSingle({}, {}, { sourceManagers: ['http'] });
    const gid = guildId(8);
    const youtube = await s.pool.load('emulator:track?source=youtube');
    const http = await s.pool.load('emulator:track?source=http');
    if (youtube.loadType !== 'track' || http.loadType !== 'track') throw new Error('catalogue changed');

    await expect(
      s.pool.join({ guildId: gid, channelId: channelId(8), play: youtube.data }),
    ).rejects.toMatchObject({
      code: ErrorCodes.RestError,
      status: 500,
    });
    expect(s.pool.getPlayer(gid)).toBeUndefined();
    expect(s.emulator.players(s.sessionId)).toEqual([]);
    expect(s.connector.sent.at(-1)).toMatchObject({ guild_id: gid, channel_id: null });
    // A second try works and starts from scratch.
    const player = await s.pool.join({ guildId: gid, channelId: channelId(8), play: http.data });
    expect(s.emulator.player(s.sessionId, gid)?.track?.info.identifier).toBe(http.data.info.identifier);
    expect(player.isPlaying).toBe(true);
  });

  it('joining a guild that has a player returns the same player without a new voice update', async () => {
    cluster = await startCluster(1);
    const c = cluster;
    const gid = guildId(9);
    const first = await c.pool.join({ guildId: gid, channelId: channelId(9) });
    const sent = c.connector.sent.length;
    const requests = c.emulators[0]!.requestCount('player');
    const second = await c.pool.join({ guildId: gid, channelId: channelId(9) });
    expect(second).toBe(first);
    expect(c.connector.sent).toHaveLength(sent);
    expect(c.emulators[0]!.requestCount('player')).toBe(requests);
    expect(c.pool.players.size).toBe(1);
  });

  it('joining a guild with another channel moves the bot there', async () => {
    cluster = await startCluster(1);
    const c = cluster;
    const gid = guildId(10);
    const track = await longTrack(c.pool);
    const first = await c.pool.join({ guildId: gid, channelId: channelId(10), play: track });
    const second = await c.pool.join({ guildId: gid, channelId: channelId(11) });
    expect(second).toBe(first);
    expect(c.connector.sent.at(-1)).toMatchObject({ guild_id: gid, channel_id: channelId(11) });
    await waitFor(() => c.emulators[0]!.player(sessionOf(c), gid)?.voice.channelId === channelId(11), {
      what: 'new channel on Lavalink',
    });
    expect(first.voice.channelId).toBe(channelId(11));
    // Still playing the same track.
    expect(c.emulators[0]!.player(sessionOf(c), gid)?.track?.info.identifier).toBe(track.info.identifier);
  });

  it('validates ids before talking to Discord', async () => {
    cluster = await startCluster(1);
    await expect(cluster.pool.join({ guildId: 'not-a-snowflake', channelId: channelId(1) })).rejects.toThrow(
      /guildId/,
    );
    await expect(cluster.pool.join({ guildId: guildId(1), channelId: '' })).rejects.toThrow(/channelId/);
    expect(cluster.connector.sent).toEqual([]);
  });
});
