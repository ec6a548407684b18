import { Client, GatewayIntentBits, Routes } from 'discord.js';
import type { WebSocketShard } from 'discord.js';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { VoicePacket } from '../../../src/connectors/connector.js';
import { discordJs } from '../../../src/connectors/discord-js.js';
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
 * discord.js v14 runs its gateway through @discordjs/ws. The client is booted for real (login, its
 * WebSocketManager, its shards, its packet handlers); only the network is replaced, through the
 * documented `ws.buildStrategy` hook: the strategy records what shards would send, and the test
 * emits what @discordjs/ws would surface.
 */
class RecordingStrategy {
  readonly sent: Array<{ shardId: number; payload: unknown }> = [];
  connect(): void {}
  destroy(): void {}
  spawn(): void {}
  fetchStatus(): never {
    throw new Error('fetchStatus is not used by these tests');
  }
  send(shardId: number, payload: unknown): void {
    this.sent.push({ shardId, payload });
  }
}

interface WsManagerLike {
  emit(event: string, payload: unknown): boolean;
}

const clients: Client[] = [];

async function bootClient({ shardCount = 2 } = {}) {
  const strategy = new RecordingStrategy();
  let manager: WsManagerLike | undefined;
  const client = new Client({
    intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildVoiceStates],
    shards: Array.from({ length: shardCount }, (_, id) => id),
    shardCount,
    ws: {
      buildStrategy: (wsManager) => {
        manager = wsManager;
        return strategy;
      },
    },
  });
  clients.push(client);
  vi.spyOn(client.rest, 'get').mockImplementation((route) => {
    if (route !== Routes.gatewayBot()) throw new Error(`unexpected REST call ${route}`);
    return Promise.resolve({
      url: 'wss://gateway.discord.gg',
      shards: shardCount,
      session_start_limit: { total: 1000, remaining: 999, reset_after: 60_000, max_concurrency: 1 },
    });
  });
  await client.login('fake.token.value');
  const ws = manager!;
  /** What @discordjs/ws emits when a shard receives a dispatch. */
  const receive = (shardId: number, packet: unknown): void =>
    void ws.emit('dispatch', { data: packet, shardId });
  /** Takes a shard through READY and its GUILD_CREATEs, as Discord does. */
  const ready = (shardId: number, guildIds: string[]): void => {
    const data = readyData(guildIds, [shardId, shardCount]);
    ws.emit('ready', { data, shardId });
    receive(shardId, dispatch('READY', data));
    for (const id of guildIds) receive(shardId, dispatch('GUILD_CREATE', guildCreateData(id)));
  };
  return { client, strategy, receive, ready };
}

afterEach(async () => {
  for (const client of clients.splice(0)) await client.destroy();
  vi.restoreAllMocks();
});

describe('connectors.discordJs', () => {
  it('passes exactly the voice packets of the raw gateway stream', async () => {
    const { client, receive } = await bootClient();
    const connector = discordJs(client);
    const packets: VoicePacket[] = [];
    connector.onVoicePacket((packet) => packets.push(packet));

    for (const packet of nonVoicePackets()) receive(0, packet);
    for (const packet of malformedVoicePackets()) receive(0, packet);
    const state = voiceStateUpdate(GUILD_ON_SHARD_0, VOICE_CHANNEL);
    const server = voiceServerUpdate(GUILD_ON_SHARD_1);
    receive(0, state);
    receive(1, server);

    expect(packets).toEqual([expectedVoicePacket(state), expectedVoicePacket(server)]);
    connector.destroy();
  });

  it('resolves waitForUserId on READY and knows the user id afterwards', async () => {
    const { client, ready } = await bootClient();
    const connector = discordJs(client);
    expect(connector.getUserId()).toBeNull();
    const userId = connector.waitForUserId();
    const clientReady = new Promise((resolve) => client.once('clientReady', resolve));

    ready(0, [GUILD_ON_SHARD_0]);
    ready(1, [GUILD_ON_SHARD_1]);

    await expect(userId).resolves.toBe(BOT_ID);
    await clientReady;
    expect(connector.getUserId()).toBe(BOT_ID);
    await expect(discordJs(client).waitForUserId()).resolves.toBe(BOT_ID);
  });

  it('sends op 4 on the shard that owns the guild', async () => {
    const { client, strategy, ready } = await bootClient();
    ready(0, [GUILD_ON_SHARD_0]);
    ready(1, [GUILD_ON_SHARD_1]);
    const connector = discordJs(client);

    connector.sendVoiceStateUpdate(JOIN);
    connector.sendVoiceStateUpdate({ ...JOIN, guild_id: GUILD_ON_SHARD_0, channel_id: null });

    expect(strategy.sent).toEqual([
      { shardId: 1, payload: { op: 4, d: JOIN } },
      {
        shardId: 0,
        payload: {
          op: 4,
          d: { guild_id: GUILD_ON_SHARD_0, channel_id: null, self_mute: false, self_deaf: true },
        },
      },
    ]);
  });

  it('routes through the shard objects discord.js exposes', async () => {
    const { client, ready } = await bootClient();
    ready(0, [GUILD_ON_SHARD_0]);
    ready(1, [GUILD_ON_SHARD_1]);
    const shard1: WebSocketShard = client.guilds.cache.get(GUILD_ON_SHARD_1)!.shard;
    const send = vi.spyOn(shard1, 'send');

    discordJs(client).sendVoiceStateUpdate(JOIN);

    expect(send).toHaveBeenCalledWith({ op: 4, d: JOIN });
  });

  it('sends only the four op 4 fields', async () => {
    const { client, strategy, ready } = await bootClient();
    ready(0, [GUILD_ON_SHARD_0]);
    ready(1, [GUILD_ON_SHARD_1]);

    discordJs(client).sendVoiceStateUpdate({ ...JOIN, extra: 'nope' } as typeof JOIN);

    expect(strategy.sent[0]?.payload).toEqual({ op: 4, d: JOIN });
  });

  it('uses an explicit shard id without needing the guild cache', async () => {
    const { client, strategy } = await bootClient();

    discordJs(client).sendVoiceStateUpdate({ ...JOIN, guild_id: UNKNOWN_GUILD }, 1);

    expect(strategy.sent).toEqual([
      { shardId: 1, payload: { op: 4, d: { ...JOIN, guild_id: UNKNOWN_GUILD } } },
    ]);
  });

  it('throws ERR_CONNECTOR for a guild the client does not know', async () => {
    const { client, ready } = await bootClient();
    ready(0, [GUILD_ON_SHARD_0]);
    const connector = discordJs(client);

    const error = captureError(() => connector.sendVoiceStateUpdate({ ...JOIN, guild_id: UNKNOWN_GUILD }));

    expect(hasCode(error, 'ERR_CONNECTOR')).toBe(true);
    expect((error as Error).message).toMatch(/not in the client's guild cache.*Guilds intent/);
  });

  it('throws ERR_CONNECTOR for a shard this process does not run', async () => {
    const { client } = await bootClient({ shardCount: 2 });

    const error = captureError(() => discordJs(client).sendVoiceStateUpdate(JOIN, 5));

    expect(hasCode(error, 'ERR_CONNECTOR')).toBe(true);
    expect((error as Error).message).toMatch(/shard 5 .* not run by this process/);
  });

  it('removes its listeners on destroy and rejects pending waits', async () => {
    const { client, receive } = await bootClient();
    const before = { raw: client.listenerCount('raw'), ready: client.listenerCount('clientReady') };
    const connector = discordJs(client);
    const packets: VoicePacket[] = [];
    connector.onVoicePacket((packet) => packets.push(packet));
    const waiting = connector.waitForUserId();
    expect(client.listenerCount('raw')).toBe(before.raw + 1);

    connector.destroy();

    expect(client.listenerCount('raw')).toBe(before.raw);
    expect(client.listenerCount('clientReady')).toBe(before.ready);
    await expect(waiting).rejects.toMatchObject({ code: 'ERR_CONNECTOR' });
    receive(0, voiceStateUpdate(GUILD_ON_SHARD_0, VOICE_CHANNEL));
    expect(packets).toEqual([]);
    expect(() => connector.sendVoiceStateUpdate(JOIN)).toThrow(/destroyed/);
  });

  it('unsubscribes a single listener', async () => {
    const { client, receive } = await bootClient();
    const connector = discordJs(client);
    const kept: VoicePacket[] = [];
    const dropped: VoicePacket[] = [];
    connector.onVoicePacket((packet) => kept.push(packet));
    const off = connector.onVoicePacket((packet) => dropped.push(packet));

    off();
    receive(0, voiceStateUpdate(GUILD_ON_SHARD_0, VOICE_CHANNEL));

    expect(kept).toHaveLength(1);
    expect(dropped).toEqual([]);
    connector.destroy();
  });

  it('rejects something that is not a discord.js v14 client', () => {
    expect(() => discordJs({} as never)).toThrow(TypeError);
    const v15Like = { on: () => undefined, off: () => undefined, ws: { send: () => undefined } };
    expect(() => discordJs(v15Like as never)).toThrow(/discord\.js v14 Client/);
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
