import { describe, expect, it, vi } from 'vitest';
import type { VoicePacket, VoiceStateUpdatePayload } from '../../../src/connectors/connector.js';
import { custom } from '../../../src/connectors/custom.js';
import { connectors } from '../../../src/connectors/index.js';
import { hasCode } from '../../../src/errors.js';
import {
  BOT_ID,
  GUILD_ON_SHARD_0,
  JOIN,
  VOICE_CHANNEL,
  dispatch,
  expectedVoicePacket,
  malformedVoicePackets,
  nonVoicePackets,
  readyData,
  voiceServerUpdate,
  voiceStateUpdate,
} from './gateway-fixtures.js';

const noSend = (): void => undefined;

describe('connectors.custom', () => {
  it('is exposed on the connectors object with the other factories', () => {
    expect(Object.keys(connectors).sort()).toEqual(['custom', 'discordJs', 'eris', 'oceanic']);
    expect(connectors.custom).toBe(custom);
    expect(Object.isFrozen(connectors)).toBe(true);
  });

  it('passes exactly the voice packets given to handlePacket', () => {
    const connector = custom({ userId: BOT_ID, send: noSend });
    const packets: VoicePacket[] = [];
    connector.onVoicePacket((packet) => packets.push(packet));

    for (const packet of [...nonVoicePackets(), ...malformedVoicePackets(), null, 'text', 42]) {
      connector.handlePacket(packet);
    }
    const state = voiceStateUpdate(GUILD_ON_SHARD_0, VOICE_CHANNEL);
    const leave = voiceStateUpdate(GUILD_ON_SHARD_0, null);
    const server = voiceServerUpdate(GUILD_ON_SHARD_0, null);
    for (const packet of [state, leave, server]) connector.handlePacket(packet);

    expect(packets).toEqual([state, leave, server].map(expectedVoicePacket));
  });

  it('sends through `send` with the guild id, the four op 4 fields and the shard id', async () => {
    const send = vi.fn<
      (guildId: string, payload: VoiceStateUpdatePayload, shardId?: number) => Promise<void>
    >(() => Promise.resolve());
    const connector = custom({ userId: BOT_ID, send });

    await connector.sendVoiceStateUpdate({ ...JOIN, extra: true } as typeof JOIN, 3);
    await connector.sendVoiceStateUpdate(JOIN);

    expect(send.mock.calls).toEqual([
      [JOIN.guild_id, JOIN, 3],
      [JOIN.guild_id, JOIN, undefined],
    ]);
  });

  it('passes the rejection of an async `send` to the caller', async () => {
    const failure = new Error('gateway closed');
    const connector = custom({ userId: BOT_ID, send: () => Promise.reject(failure) });

    await expect(connector.sendVoiceStateUpdate(JOIN)).rejects.toBe(failure);
  });

  describe('user id', () => {
    it('answers a string at once', async () => {
      const connector = custom({ userId: BOT_ID, send: noSend });
      expect(connector.getUserId()).toBe(BOT_ID);
      await expect(connector.waitForUserId()).resolves.toBe(BOT_ID);
    });

    it('reads a function again on later packets until it answers', async () => {
      let userId: string | null = null;
      const connector = custom({ userId: () => userId, send: noSend });
      expect(connector.getUserId()).toBeNull();
      const waiting = connector.waitForUserId();

      connector.handlePacket(dispatch('GUILD_CREATE', { id: GUILD_ON_SHARD_0 }));
      userId = BOT_ID;
      connector.handlePacket(dispatch('GUILD_CREATE', { id: GUILD_ON_SHARD_0 }));

      await expect(waiting).resolves.toBe(BOT_ID);
    });

    it('learns the id from a READY dispatch', async () => {
      const connector = custom({ userId: () => null, send: noSend });
      const waiting = connector.waitForUserId();

      connector.handlePacket(dispatch('READY', readyData([])));

      await expect(waiting).resolves.toBe(BOT_ID);
      expect(connector.getUserId()).toBe(BOT_ID);
    });

    it('awaits an async function once and caches its answer', async () => {
      const read = vi.fn(() => Promise.resolve<string | null>(BOT_ID));
      const connector = custom({ userId: read, send: noSend });

      await expect(connector.waitForUserId()).resolves.toBe(BOT_ID);
      expect(connector.getUserId()).toBe(BOT_ID);
      expect(read).toHaveBeenCalledTimes(1);
    });

    it('keeps waiting when an async function answers null, without calling it in a loop', async () => {
      const read = vi.fn(() => Promise.resolve<string | null>(null));
      const connector = custom({ userId: read, send: noSend });
      const waiting = connector.waitForUserId();
      await new Promise((resolve) => setImmediate(resolve));
      expect(read).toHaveBeenCalledTimes(1);

      connector.handlePacket(dispatch('READY', readyData([])));

      await expect(waiting).resolves.toBe(BOT_ID);
    });

    it('rejects waiters with ERR_CONNECTOR when an async function rejects', async () => {
      const cause = new Error('REST down');
      const connector = custom({ userId: () => Promise.reject(cause), send: noSend });

      const error: unknown = await connector.waitForUserId().catch((failure: unknown) => failure);

      expect(hasCode(error, 'ERR_CONNECTOR')).toBe(true);
      expect((error as Error).cause).toBe(cause);
    });
  });

  describe('listeners', () => {
    it('keeps two subscriptions of one function apart', () => {
      const connector = custom({ userId: BOT_ID, send: noSend });
      const listener = vi.fn();
      const off = connector.onVoicePacket(listener);
      connector.onVoicePacket(listener);

      off();
      connector.handlePacket(voiceStateUpdate(GUILD_ON_SHARD_0, VOICE_CHANNEL));

      expect(listener).toHaveBeenCalledTimes(1);
    });

    it('calls every listener even when one throws, then rethrows its error', () => {
      const connector = custom({ userId: BOT_ID, send: noSend });
      const failure = new Error('listener bug');
      const after = vi.fn();
      connector.onVoicePacket(() => {
        throw failure;
      });
      connector.onVoicePacket(after);

      expect(() => connector.handlePacket(voiceStateUpdate(GUILD_ON_SHARD_0, VOICE_CHANNEL))).toThrow(
        failure,
      );
      expect(after).toHaveBeenCalledTimes(1);
    });

    it('aggregates the errors of several throwing listeners', () => {
      const connector = custom({ userId: BOT_ID, send: noSend });
      for (const message of ['first', 'second']) {
        connector.onVoicePacket(() => {
          throw new Error(message);
        });
      }

      expect(() => connector.handlePacket(voiceServerUpdate(GUILD_ON_SHARD_0))).toThrow(AggregateError);
    });
  });

  it('on destroy drops listeners, rejects waiters and refuses to send', async () => {
    const send = vi.fn();
    const connector = custom({ userId: () => null, send });
    const listener = vi.fn();
    connector.onVoicePacket(listener);
    const waiting = connector.waitForUserId();

    connector.destroy();
    connector.destroy();

    await expect(waiting).rejects.toMatchObject({ code: 'ERR_CONNECTOR', message: /destroyed/ });
    await expect(connector.waitForUserId()).rejects.toMatchObject({ code: 'ERR_CONNECTOR' });
    connector.handlePacket(voiceStateUpdate(GUILD_ON_SHARD_0, VOICE_CHANNEL));
    expect(listener).not.toHaveBeenCalled();
    expect(() => connector.sendVoiceStateUpdate(JOIN)).toThrow(/destroyed/);
    expect(send).not.toHaveBeenCalled();
  });

  it.each([
    ['options', null, /`options`/],
    ['userId', { userId: '', send: noSend }, /`userId`/],
    ['userId', { userId: 42, send: noSend }, /`userId`/],
    ['send', { userId: BOT_ID }, /`send`/],
    ['name', { userId: BOT_ID, send: noSend, name: 1 }, /`name`/],
  ])('rejects an invalid %s', (_option, options, message) => {
    expect(() => custom(options as never)).toThrow(message);
    expect(() => custom(options as never)).toThrow(TypeError);
  });

  it('uses the given name', () => {
    expect(custom({ userId: BOT_ID, send: noSend, name: 'detritus' }).name).toBe('detritus');
    expect(custom({ userId: BOT_ID, send: noSend }).name).toBe('custom');
  });
});
