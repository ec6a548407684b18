import { Client } from 'eris';
import type { Shard } from 'eris';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { VoicePacket } from '../../../src/connectors/connector.js';
import { eris } from '../../../src/connectors/eris.js';
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
 * A real Eris client with real shards (spawned by its ShardManager); only the shard manager's
 * `connect` is replaced so no socket is opened. Packets go through `Shard#onPacket`, the method
 * Eris calls for every decoded gateway message.
 */
const clients: Client[] = [];

function bootClient() {
  const client = new Client('Bot fake.token.value', {
    intents: ['guilds', 'guildVoiceStates'],
    maxShards: 2,
    guildCreateTimeout: 10,
  });
  clients.push(client);
  vi.spyOn(client.shards, 'connect').mockImplementation(() => undefined);
  client.shards.spawn(0);
  client.shards.spawn(1);
  const shard = (id: number): Shard => client.shards.get(id)!;
  const sent: Array<{ shardId: number; op: number; data: unknown }> = [];
  for (const id of [0, 1]) {
    vi.spyOn(shard(id), 'sendWS').mockImplementation((op, data) => void sent.push({ shardId: id, op, data }));
  }
  const receive = (shardId: number, packet: { op: number; t: string; s: number; d: unknown }): void =>
    shard(shardId).onPacket(packet);
  /** Takes a shard through READY and its GUILD_CREATEs, as Discord does. */
  const ready = (shardId: number, guildIds: string[]): void => {
    receive(shardId, dispatch('READY', readyData(guildIds, [shardId, 2])));
    for (const id of guildIds) receive(shardId, dispatch('GUILD_CREATE', guildCreateData(id)));
  };
  return { client, shard, sent, receive, ready };
}

afterEach(() => {
  for (const client of clients.splice(0)) client.disconnect({ reconnect: false });
  vi.restoreAllMocks();
});

describe('connectors.eris', () => {
  it('passes exactly the voice packets of the raw gateway stream', () => {
    const { client, shard, receive, ready } = bootClient();
    ready(0, [GUILD_ON_SHARD_0]);
    ready(1, [GUILD_ON_SHARD_1]);
    const connector = eris(client);
    const packets: VoicePacket[] = [];
    connector.onVoicePacket((packet) => packets.push(packet));

    for (const packet of nonVoicePackets()) receive(0, packet);
    // Eris itself would choke on some malformed dispatches, so they are surfaced as Eris does first.
    for (const packet of malformedVoicePackets()) shard(0).emit('rawWS', packet, 0);
    receive(0, { op: 11, t: null as never, s: null as never, d: null }); // heartbeat ACK
    const state = voiceStateUpdate(GUILD_ON_SHARD_0, VOICE_CHANNEL);
    const server = voiceServerUpdate(GUILD_ON_SHARD_1);
    receive(0, state);
    receive(1, server);

    expect(packets).toEqual([expectedVoicePacket(state), expectedVoicePacket(server)]);
    connector.destroy();
  });

  it('hands over a copy that Eris cannot mutate afterwards', () => {
    const { client, receive, ready } = bootClient();
    ready(1, [GUILD_ON_SHARD_1]);
    const connector = eris(client);
    const packets: VoicePacket[] = [];
    connector.onVoicePacket((packet) => packets.push(packet));

    const server = voiceServerUpdate(GUILD_ON_SHARD_1);
    receive(1, server);

    // Eris adds its shard object (circular) and more to the dispatch it just emitted.
    expect(server.d).toHaveProperty('shard');
    expect(packets[0]!.d).not.toHaveProperty('shard');
    expect(() => JSON.stringify(packets)).not.toThrow();
    connector.destroy();
  });

  it('resolves waitForUserId on READY', async () => {
    const { client, ready } = bootClient();
    const connector = eris(client);
    expect(connector.getUserId()).toBeNull();
    const userId = connector.waitForUserId();

    ready(0, [GUILD_ON_SHARD_0]);

    await expect(userId).resolves.toBe(BOT_ID);
    expect(connector.getUserId()).toBe(BOT_ID);
    connector.destroy();
  });

  it('answers waitForUserId at once when the client already has its user', async () => {
    const { client, ready } = bootClient();
    const clientReady = new Promise((resolve) => client.once('ready', resolve));
    ready(0, [GUILD_ON_SHARD_0]);
    // The user is known: an adapter created now answers at once.
    await expect(eris(client).waitForUserId()).resolves.toBe(BOT_ID);
    ready(1, [GUILD_ON_SHARD_1]);
    await clientReady;
  });

  it('sends op 4 on the shard that owns the guild', () => {
    const { client, sent, ready } = bootClient();
    ready(0, [GUILD_ON_SHARD_0]);
    ready(1, [GUILD_ON_SHARD_1]);
    const connector = eris(client);

    connector.sendVoiceStateUpdate(JOIN);
    connector.sendVoiceStateUpdate({ ...JOIN, guild_id: GUILD_ON_SHARD_0, channel_id: null });

    expect(sent).toEqual([
      { shardId: 1, op: 4, data: JOIN },
      { shardId: 0, op: 4, data: { ...JOIN, guild_id: GUILD_ON_SHARD_0, channel_id: null } },
    ]);
  });

  it('uses an explicit shard id without needing the guild map', () => {
    const { client, sent } = bootClient();

    eris(client).sendVoiceStateUpdate({ ...JOIN, guild_id: UNKNOWN_GUILD }, 0);

    expect(sent).toEqual([{ shardId: 0, op: 4, data: { ...JOIN, guild_id: UNKNOWN_GUILD } }]);
  });

  it('throws ERR_CONNECTOR for an unknown guild instead of falling back to shard 0', () => {
    const { client, sent, ready } = bootClient();
    ready(0, [GUILD_ON_SHARD_0]);

    const error = captureError(() => eris(client).sendVoiceStateUpdate({ ...JOIN, guild_id: UNKNOWN_GUILD }));

    expect(hasCode(error, 'ERR_CONNECTOR')).toBe(true);
    expect((error as Error).message).toMatch(/guild-to-shard map/);
    expect(sent).toEqual([]);
  });

  it('throws ERR_CONNECTOR for a shard this client does not run', () => {
    const { client } = bootClient();

    const error = captureError(() => eris(client).sendVoiceStateUpdate(JOIN, 7));

    expect(hasCode(error, 'ERR_CONNECTOR')).toBe(true);
  });

  it('removes its listeners on destroy', () => {
    const { client, receive, ready } = bootClient();
    ready(0, [GUILD_ON_SHARD_0]);
    const before = { raw: client.listenerCount('rawWS'), ready: client.listenerCount('ready') };
    const connector = eris(client);
    const packets: VoicePacket[] = [];
    connector.onVoicePacket((packet) => packets.push(packet));
    expect(client.listenerCount('rawWS')).toBe(before.raw + 1);

    connector.destroy();

    expect(client.listenerCount('rawWS')).toBe(before.raw);
    expect(client.listenerCount('ready')).toBe(before.ready);
    receive(0, voiceStateUpdate(GUILD_ON_SHARD_0, VOICE_CHANNEL));
    expect(packets).toEqual([]);
  });

  it('rejects something that is not an Eris client', () => {
    expect(() => eris({ on: () => undefined } as never)).toThrow(TypeError);
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
