import { Client } from 'oceanic.js';
import type { Shard } from 'oceanic.js';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { VoicePacket } from '../../../src/connectors/connector.js';
import { oceanic } from '../../../src/connectors/oceanic.js';
import { hasCode } from '../../../src/errors.js';
import {
  BOT_ID,
  GUILD_ON_SHARD_0,
  GUILD_ON_SHARD_1,
  JOIN,
  UNKNOWN_GUILD,
  VOICE_CHANNEL,
  dispatch,
  expectedVoicePacket,
  guildCreateData,
  malformedVoicePackets,
  nonVoicePackets,
  readyData,
  voiceServerUpdate,
  voiceStateUpdate,
} from './gateway-fixtures.js';

/**
 * A real Oceanic client with real shards (spawned by its ShardManager); only the manager's
 * `tryConnect` is replaced so no socket is opened. Packets go through the shard's own packet
 * handler, the one its WebSocket message handler calls.
 */
const clients: Client[] = [];

function bootClient() {
  const client = new Client({
    auth: 'Bot fake.token.value',
    gateway: { intents: ['GUILDS', 'GUILD_VOICE_STATES'], maxShards: 2, guildCreateTimeout: 10 },
  });
  clients.push(client);
  vi.spyOn(client.shards, 'tryConnect').mockImplementation(() => undefined);
  client.shards.spawn(0);
  client.shards.spawn(1);
  const shard = (id: number): Shard => client.shards.get(id)!;
  const sent: Array<{ shardId: number; op: number; data: unknown }> = [];
  for (const id of [0, 1]) {
    vi.spyOn(shard(id), 'send').mockImplementation((op, data) => void sent.push({ shardId: id, op, data }));
  }
  // `onPacket` is private in Oceanic's types; it is what the shard's WebSocket message handler calls.
  const receive = (shardId: number, packet: unknown): void =>
    (shard(shardId) as unknown as { onPacket(packet: unknown): void }).onPacket(packet);
  /** Takes a shard through READY and its GUILD_CREATEs, as Discord does. */
  const ready = (shardId: number, guildIds: string[]): void => {
    receive(shardId, dispatch('READY', readyData(guildIds, [shardId, 2])));
    for (const id of guildIds) receive(shardId, dispatch('GUILD_CREATE', guildCreateData(id)));
  };
  return { client, sent, receive, ready };
}

afterEach(() => {
  for (const client of clients.splice(0)) client.disconnect(false);
  vi.restoreAllMocks();
});

describe('connectors.oceanic', () => {
  it('passes exactly the voice packets of the raw gateway stream', () => {
    const { client, receive, ready } = bootClient();
    ready(0, [GUILD_ON_SHARD_0]);
    ready(1, [GUILD_ON_SHARD_1]);
    const connector = oceanic(client);
    const packets: VoicePacket[] = [];
    connector.onVoicePacket((packet) => packets.push(packet));

    for (const packet of nonVoicePackets()) receive(0, packet);
    // Oceanic's handlers would throw on some malformed dispatches: surface them as Oceanic does first.
    for (const packet of malformedVoicePackets()) client.emit('packet', packet as never, 0);
    receive(0, { op: 11 }); // heartbeat ACK: not a dispatch, never surfaced
    const state = voiceStateUpdate(GUILD_ON_SHARD_0, VOICE_CHANNEL);
    const server = voiceServerUpdate(GUILD_ON_SHARD_1);
    receive(0, state);
    receive(1, server);

    expect(packets).toEqual([expectedVoicePacket(state), expectedVoicePacket(server)]);
    connector.destroy();
  });

  it('resolves waitForUserId on READY, while the client user getter still throws before it', async () => {
    const { client, ready } = bootClient();
    expect(() => client.user).toThrow();
    const connector = oceanic(client);
    expect(connector.getUserId()).toBeNull();
    const userId = connector.waitForUserId();
    const clientReady = new Promise((resolve) => client.once('ready', () => resolve(undefined)));

    ready(0, [GUILD_ON_SHARD_0]);
    ready(1, [GUILD_ON_SHARD_1]);

    await expect(userId).resolves.toBe(BOT_ID);
    await clientReady;
    expect(connector.getUserId()).toBe(BOT_ID);
    await expect(oceanic(client).waitForUserId()).resolves.toBe(BOT_ID);
  });

  it('sends op 4 on the shard that owns the guild', () => {
    const { client, sent, ready } = bootClient();
    ready(0, [GUILD_ON_SHARD_0]);
    ready(1, [GUILD_ON_SHARD_1]);
    const connector = oceanic(client);

    connector.sendVoiceStateUpdate(JOIN);
    connector.sendVoiceStateUpdate({ ...JOIN, guild_id: GUILD_ON_SHARD_0, channel_id: null });

    expect(sent).toEqual([
      { shardId: 1, op: 4, data: JOIN },
      { shardId: 0, op: 4, data: { ...JOIN, guild_id: GUILD_ON_SHARD_0, channel_id: null } },
    ]);
  });

  it('uses an explicit shard id without needing the guild map', () => {
    const { client, sent } = bootClient();

    oceanic(client).sendVoiceStateUpdate({ ...JOIN, guild_id: UNKNOWN_GUILD }, 1);

    expect(sent).toEqual([{ shardId: 1, op: 4, data: { ...JOIN, guild_id: UNKNOWN_GUILD } }]);
  });

  it('throws ERR_CONNECTOR for an unknown guild', () => {
    const { client, sent, ready } = bootClient();
    ready(0, [GUILD_ON_SHARD_0]);

    const error = captureError(() =>
      oceanic(client).sendVoiceStateUpdate({ ...JOIN, guild_id: UNKNOWN_GUILD }),
    );

    expect(hasCode(error, 'ERR_CONNECTOR')).toBe(true);
    expect((error as Error).message).toMatch(/guild-to-shard map/);
    expect(sent).toEqual([]);
  });

  it('throws ERR_CONNECTOR for a shard this client does not run', () => {
    const { client } = bootClient();

    expect(
      hasCode(
        captureError(() => oceanic(client).sendVoiceStateUpdate(JOIN, 3)),
        'ERR_CONNECTOR',
      ),
    ).toBe(true);
  });

  it('removes its listeners on destroy', () => {
    const { client, receive, ready } = bootClient();
    ready(0, [GUILD_ON_SHARD_0]);
    const before = { packet: client.listenerCount('packet'), ready: client.listenerCount('ready') };
    const connector = oceanic(client);
    const packets: VoicePacket[] = [];
    connector.onVoicePacket((packet) => packets.push(packet));
    expect(client.listenerCount('packet')).toBe(before.packet + 1);

    connector.destroy();

    expect(client.listenerCount('packet')).toBe(before.packet);
    expect(client.listenerCount('ready')).toBe(before.ready);
    receive(0, voiceStateUpdate(GUILD_ON_SHARD_0, VOICE_CHANNEL));
    expect(packets).toEqual([]);
  });

  it('rejects something that is not an Oceanic client', () => {
    expect(() => oceanic({ on: () => undefined, shards: new Map() } as never)).toThrow(TypeError);
  });
});

function captureError(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}
