/**
 * Discord voice events (moves, kicks, voice server changes) and Lavalink's WebSocketClosedEvent
 * policy, against the emulator and the TestConnector.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Player } from '../../src/player/player.js';
import { MAX_VOICE_RECOVERIES } from '../../src/player/voice-close-policy.js';
import { channelId, guildId, longTrack, startCluster } from '../helpers/cluster.js';
import type { Cluster } from '../helpers/cluster.js';
import { nextEvent, recordEvents, waitFor } from '../helpers/events.js';

let cluster: Cluster | undefined;
afterEach(async () => {
  await cluster?.close();
  cluster = undefined;
});

async function setup(
  i: number,
  play = true,
): Promise<{ c: Cluster; player: Player; gid: string; sid: string }> {
  cluster = await startCluster(1);
  const c = cluster;
  const gid = guildId(i);
  const track = play ? await longTrack(c.pool) : undefined;
  const player = await c.pool.join({
    guildId: gid,
    channelId: channelId(i),
    ...(track ? { play: track } : {}),
  });
  return { c, player, gid, sid: player.node.sessionId! };
}

function serverVoice(c: Cluster, sid: string, gid: string) {
  return c.emulators[0]!.player(sid, gid)?.voice;
}

describe('Discord voice events', () => {
  it('bot moved to another channel: the new channelId is sent to Lavalink', async () => {
    const { c, player, gid, sid } = await setup(1);
    const before = serverVoice(c, sid, gid)!;
    c.connector.moveTo(gid, channelId(99));
    await waitFor(() => serverVoice(c, sid, gid)?.channelId === channelId(99), {
      what: 'channel on Lavalink',
    });
    expect(player.voice.channelId).toBe(channelId(99));
    expect(serverVoice(c, sid, gid)).toMatchObject({
      token: before.token,
      sessionId: before.sessionId,
      endpoint: before.endpoint,
    });
    expect(player.isDestroyed).toBe(false);
    // The bot did not ask to move: no op 4 from lavafleet.
    expect(c.connector.sent).toHaveLength(1);
  });

  it('disconnected by a moderator: the player is destroyed with reason voiceDisconnected', async () => {
    const { c, player, gid, sid } = await setup(2);
    const destroyed = nextEvent(c.pool, 'playerDestroyed');
    c.connector.disconnect(gid);
    expect(await destroyed).toEqual({ player, reason: 'voiceDisconnected' });
    expect(player.isDestroyed).toBe(true);
    expect(c.pool.getPlayer(gid)).toBeUndefined();
    expect(c.emulators[0]!.player(sid, gid)).toBeUndefined();
    // Discord already removed the bot: no leave is sent.
    expect(c.connector.sent.filter((p) => p.channel_id === null)).toEqual([]);
  });

  it('voice server change: the new endpoint and token are sent to Lavalink', async () => {
    const { c, player, gid, sid } = await setup(3);
    const oldToken = serverVoice(c, sid, gid)!.token;
    c.connector.changeServer(gid, { endpoint: 'c-ams08-abcd.discord.media' });
    await waitFor(() => serverVoice(c, sid, gid)?.endpoint === 'c-ams08-abcd.discord.media', {
      what: 'endpoint on Lavalink',
    });
    const voice = serverVoice(c, sid, gid)!;
    expect(voice.token).not.toBe(oldToken);
    expect(voice.token).toBe(player.voice.token);
    expect(voice.channelId).toBe(channelId(3));
    expect(player.voice.region).toBe('ams');
  });

  it('a voice server update with a null endpoint is held until the real one', async () => {
    const { c, gid, sid } = await setup(4);
    const requests = c.emulators[0]!.requestCount('player');
    c.connector.changeServer(gid, { endpoint: null });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(c.emulators[0]!.requestCount('player')).toBe(requests);
    c.connector.changeServer(gid, { endpoint: 'us-east123.discord.media:443' });
    await waitFor(() => serverVoice(c, sid, gid)?.endpoint === 'us-east123.discord.media:443', {
      what: 'endpoint on Lavalink',
    });
  });
});

describe('WebSocketClosedEvent policy', () => {
  it('4006 (session invalid): rejoins through Discord and sends the new voice to Lavalink', async () => {
    const { c, player, gid, sid } = await setup(10);
    const oldToken = serverVoice(c, sid, gid)!.token;
    const closed = nextEvent(c.pool, 'voiceClosed');
    c.emulators[0]!.voiceClose(sid, gid, 4006, 'Session no longer valid');
    expect(await closed).toEqual({
      player,
      code: 4006,
      reason: 'Session no longer valid',
      byRemote: true,
      action: 'rejoin',
    });
    await waitFor(() => c.connector.sent.length === 2, { what: 'a new op 4' });
    expect(c.connector.sent[1]).toEqual({
      guild_id: gid,
      channel_id: channelId(10),
      self_deaf: true,
      self_mute: false,
    });
    await waitFor(
      () =>
        c.emulators[0]!.player(sid, gid)?.state.connected === true &&
        serverVoice(c, sid, gid)?.token !== oldToken,
      {
        what: 'voice reconnected with a new token',
      },
    );
    expect(player.isDestroyed).toBe(false);
  });

  it('4014 (disconnected): waits for Discord to say what happened', async () => {
    const { c, player, gid, sid } = await setup(11);
    const requests = c.emulators[0]!.requestCount('player');
    const closed = nextEvent(c.pool, 'voiceClosed');
    c.emulators[0]!.voiceClose(sid, gid, 4014, 'Disconnected');
    expect(await closed).toMatchObject({ code: 4014, action: 'wait' });
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(c.connector.sent).toHaveLength(1);
    expect(c.emulators[0]!.requestCount('player')).toBe(requests);
    expect(player.isDestroyed).toBe(false);
    // Discord then says the bot was kicked: that destroys it.
    const destroyed = nextEvent(c.pool, 'playerDestroyed');
    c.connector.disconnect(gid);
    expect((await destroyed).reason).toBe('voiceDisconnected');
  });

  it('4015 (voice server crashed): sends the same voice state to Lavalink again', async () => {
    const { c, player, gid, sid } = await setup(12);
    const voice = serverVoice(c, sid, gid);
    const requests = c.emulators[0]!.requestCount('player');
    const closed = nextEvent(c.pool, 'voiceClosed');
    c.emulators[0]!.voiceClose(sid, gid, 4015, 'Voice server crashed');
    expect(await closed).toMatchObject({ code: 4015, action: 'reconnect' });
    await waitFor(() => c.emulators[0]!.player(sid, gid)?.state.connected === true, {
      what: 'voice reconnected',
    });
    expect(c.emulators[0]!.requestCount('player') - requests).toBe(1);
    expect(serverVoice(c, sid, gid)).toEqual(voice);
    expect(c.connector.sent).toHaveLength(1);
    expect(player.isDestroyed).toBe(false);
  });

  it('4017 (DAVE required): destroys the player', async () => {
    const { c, player, gid, sid } = await setup(13);
    const events = recordEvents(c.pool, ['voiceClosed', 'playerDestroyed']);
    const destroyed = nextEvent(c.pool, 'playerDestroyed');
    c.emulators[0]!.voiceClose(sid, gid, 4017, 'E2EE/DAVE protocol required');
    expect(await destroyed).toEqual({ player, reason: 'voiceClosed' });
    expect(events.names()).toEqual(['voiceClosed', 'playerDestroyed']);
    expect(events.log[0]![1]).toMatchObject({ code: 4017, action: 'destroy' });
    await waitFor(() => c.emulators[0]!.player(sid, gid) === undefined, {
      what: 'player removed on Lavalink',
    });
    expect(c.connector.sent.at(-1)).toMatchObject({ guild_id: gid, channel_id: null });
  });

  it('an unknown code repeated: reconnects up to the maximum, then destroys', async () => {
    const { c, player, gid, sid } = await setup(14);
    const closed = recordEvents(c.pool, ['voiceClosed']);
    const destroyed = nextEvent(c.pool, 'playerDestroyed');
    for (let i = 0; i <= MAX_VOICE_RECOVERIES; i++) {
      const next = nextEvent(c.pool, 'voiceClosed');
      c.emulators[0]!.voiceClose(sid, gid, 4999, 'unknown');
      await next;
    }
    expect(await destroyed).toEqual({ player, reason: 'voiceClosed' });
    expect(closed.log.map(([, payload]) => (payload as { action: string }).action)).toEqual([
      ...Array<string>(MAX_VOICE_RECOVERIES).fill('reconnect'),
      'destroy',
    ]);
  });

  it('a track start resets the count of recoveries in a row', async () => {
    const { c, player, gid, sid } = await setup(15);
    const closed = recordEvents(c.pool, ['voiceClosed']);
    for (let i = 0; i < MAX_VOICE_RECOVERIES; i++) {
      const next = nextEvent(c.pool, 'voiceClosed');
      c.emulators[0]!.voiceClose(sid, gid, 1006);
      await next;
    }
    const started = nextEvent(c.pool, 'trackStart');
    await player.play(await longTrack(c.pool, 'other'));
    await started;
    const next = nextEvent(c.pool, 'voiceClosed');
    c.emulators[0]!.voiceClose(sid, gid, 1006);
    expect(await next).toMatchObject({ action: 'reconnect' });
    expect(closed.log).toHaveLength(MAX_VOICE_RECOVERIES + 1);
    expect(player.isDestroyed).toBe(false);
  });
});
