import { readFile } from 'node:fs/promises';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { toVoicePacket } from '../../../src/connectors/connector.js';
import type { VoicePacket } from '../../../src/connectors/connector.js';
import { DEFAULT_TEST_USER_ID, TestConnector } from '../../../src/testing/test-connector.js';
import type { TestConnectorOptions } from '../../../src/testing/test-connector.js';

const GUILD = '81384788765712384';
const OTHER_GUILD = '81384788769906688';
const CHANNEL = '81384788765712390';
const OTHER_CHANNEL = '81384788765712391';
const join = { guild_id: GUILD, channel_id: CHANNEL, self_mute: false, self_deaf: true };

const flushMicrotasks = () => new Promise((resolve) => setImmediate(resolve));

function record(options?: TestConnectorOptions) {
  const connector = new TestConnector(options);
  const packets: VoicePacket[] = [];
  connector.onVoicePacket((packet) => packets.push(packet));
  return { connector, packets, types: () => packets.map(({ t }) => t) };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('TestConnector', () => {
  it('answers a join with VOICE_STATE_UPDATE then VOICE_SERVER_UPDATE, asynchronously', async () => {
    const { connector, packets, types } = record();

    connector.sendVoiceStateUpdate(join);
    expect(packets).toEqual([]);
    await flushMicrotasks();

    expect(types()).toEqual(['VOICE_STATE_UPDATE', 'VOICE_SERVER_UPDATE']);
    expect(packets[0]!.d).toEqual({
      guild_id: GUILD,
      channel_id: CHANNEL,
      user_id: DEFAULT_TEST_USER_ID,
      session_id: expect.stringMatching(/^[0-9a-f]{32}$/) as unknown,
      self_deaf: true,
      self_mute: false,
    });
    expect(packets[1]!.d).toEqual({
      guild_id: GUILD,
      token: expect.stringMatching(/^[0-9a-f]{16}$/) as unknown,
      endpoint: 'emulated.discord.media',
    });
    for (const packet of packets) expect(toVoicePacket(packet)).toEqual(packet);
  });

  it('reports its user id at once', async () => {
    const connector = new TestConnector({ userId: '42' });
    expect(connector.getUserId()).toBe('42');
    await expect(connector.waitForUserId()).resolves.toBe('42');
    expect(new TestConnector().getUserId()).toBe(DEFAULT_TEST_USER_ID);
  });

  it('keeps one session id per guild and draws a new token per voice server', async () => {
    const { connector, packets } = record({ endpoint: 'voice.test:443' });

    connector.sendVoiceStateUpdate(join);
    connector.sendVoiceStateUpdate({ ...join, channel_id: OTHER_CHANNEL });
    connector.sendVoiceStateUpdate({ ...join, guild_id: OTHER_GUILD });
    await flushMicrotasks();

    const states = packets.filter((packet) => packet.t === 'VOICE_STATE_UPDATE').map(({ d }) => d);
    const servers = packets.filter((packet) => packet.t === 'VOICE_SERVER_UPDATE').map(({ d }) => d);
    expect(states[0]!.session_id).toBe(states[1]!.session_id);
    expect(states[2]!.session_id).not.toBe(states[0]!.session_id);
    expect(connector.sessionIdOf(GUILD)).toBe(states[0]!.session_id);
    expect(new Set(servers.map((server) => server.token)).size).toBe(3);
    expect(servers.every((server) => server.endpoint === 'voice.test:443')).toBe(true);
  });

  it('answers a leave with VOICE_STATE_UPDATE only', async () => {
    const { connector, packets, types } = record();

    connector.sendVoiceStateUpdate({ ...join, channel_id: null });
    await flushMicrotasks();

    expect(types()).toEqual(['VOICE_STATE_UPDATE']);
    expect(packets[0]!.d).toMatchObject({ guild_id: GUILD, channel_id: null });
  });

  it('answers after delayMs', () => {
    vi.useFakeTimers();
    const { connector, types } = record({ delayMs: 200 });

    connector.sendVoiceStateUpdate(join);
    vi.advanceTimersByTime(199);
    expect(types()).toEqual([]);
    vi.advanceTimersByTime(1);

    expect(types()).toEqual(['VOICE_STATE_UPDATE', 'VOICE_SERVER_UPDATE']);
  });

  it('sends a null endpoint first, then the real one a delay later', () => {
    vi.useFakeTimers();
    const { connector, packets } = record({ delayMs: 50, nullEndpointFirst: true });

    connector.sendVoiceStateUpdate(join);
    vi.advanceTimersByTime(50);
    expect(packets.map(({ t, d }) => [t, 'endpoint' in d ? d.endpoint : d.channel_id])).toEqual([
      ['VOICE_STATE_UPDATE', CHANNEL],
      ['VOICE_SERVER_UPDATE', null],
    ]);
    vi.advanceTimersByTime(50);

    expect(packets[2]).toMatchObject({ t: 'VOICE_SERVER_UPDATE', d: { endpoint: 'emulated.discord.media' } });
  });

  it('sends a null endpoint first with no delay too', async () => {
    const { connector, packets } = record({ nullEndpointFirst: true });

    connector.sendVoiceStateUpdate(join);
    await flushMicrotasks();

    expect(packets.slice(1).map(({ d }) => ('endpoint' in d ? d.endpoint : undefined))).toEqual([
      null,
      'emulated.discord.media',
    ]);
  });

  it('logs every update in `sent`, with only the op 4 fields', async () => {
    const { connector } = record();

    connector.sendVoiceStateUpdate({ ...join, extra: 1 } as typeof join);
    connector.sendVoiceStateUpdate({ ...join, channel_id: null });
    await flushMicrotasks();

    expect(connector.sent).toEqual([join, { ...join, channel_id: null }]);
  });

  it('moveTo emits VOICE_STATE_UPDATE with the new channel and the same session, now', async () => {
    const { connector, packets } = record();
    connector.sendVoiceStateUpdate(join);
    await flushMicrotasks();

    connector.moveTo(GUILD, OTHER_CHANNEL);

    expect(packets[2]).toEqual({
      t: 'VOICE_STATE_UPDATE',
      d: { ...packets[0]!.d, channel_id: OTHER_CHANNEL },
    });
  });

  it('disconnect emits VOICE_STATE_UPDATE with a null channel, now', async () => {
    const { connector, packets } = record();
    connector.sendVoiceStateUpdate(join);
    await flushMicrotasks();

    connector.disconnect(GUILD);

    expect(packets[2]).toMatchObject({ t: 'VOICE_STATE_UPDATE', d: { guild_id: GUILD, channel_id: null } });
    expect(packets).toHaveLength(3);
  });

  it('changeServer emits VOICE_SERVER_UPDATE with a new token and the chosen endpoint', async () => {
    const { connector, packets } = record();
    connector.sendVoiceStateUpdate(join);
    await flushMicrotasks();

    connector.changeServer(GUILD, { endpoint: 'other.discord.media' });
    connector.changeServer(GUILD);

    const servers = packets.filter((packet) => packet.t === 'VOICE_SERVER_UPDATE').map(({ d }) => d);
    expect(servers.map((server) => server.endpoint)).toEqual([
      'emulated.discord.media',
      'other.discord.media',
      'emulated.discord.media',
    ]);
    expect(new Set(servers.map((server) => server.token)).size).toBe(3);
  });

  it('failNext leaves the next updates unanswered but logged', async () => {
    const { connector, types } = record();
    connector.failNext(2);

    connector.sendVoiceStateUpdate(join);
    connector.sendVoiceStateUpdate(join);
    await flushMicrotasks();
    expect(types()).toEqual([]);
    connector.sendVoiceStateUpdate(join);
    await flushMicrotasks();

    expect(types()).toEqual(['VOICE_STATE_UPDATE', 'VOICE_SERVER_UPDATE']);
    expect(connector.sent).toHaveLength(3);
  });

  it('a dropped join leaves the emulated voice state unchanged', async () => {
    const { connector, packets } = record();
    connector.failNext();
    connector.sendVoiceStateUpdate(join);
    await flushMicrotasks();

    connector.moveTo(GUILD, OTHER_CHANNEL);

    expect(packets[0]!.d).toMatchObject({ channel_id: OTHER_CHANNEL, self_deaf: false });
  });

  it('unsubscribes a listener', async () => {
    const connector = new TestConnector();
    const listener = vi.fn();
    const off = connector.onVoicePacket(listener);

    off();
    connector.sendVoiceStateUpdate(join);
    await flushMicrotasks();

    expect(listener).not.toHaveBeenCalled();
  });

  it('destroy cancels pending answers and refuses new updates', () => {
    vi.useFakeTimers();
    const { connector, types } = record({ delayMs: 10 });
    connector.sendVoiceStateUpdate(join);

    connector.destroy();
    vi.advanceTimersByTime(100);

    expect(types()).toEqual([]);
    expect(vi.getTimerCount()).toBe(0);
    expect(() => connector.sendVoiceStateUpdate(join)).toThrow(/destroyed/);
  });

  it('rethrows a listener error from a test hook after calling the other listeners', () => {
    const connector = new TestConnector();
    const after = vi.fn();
    connector.onVoicePacket(() => {
      throw new Error('listener bug');
    });
    connector.onVoicePacket(after);

    expect(() => connector.disconnect(GUILD)).toThrow('listener bug');
    expect(after).toHaveBeenCalledTimes(1);
  });

  it.each([
    [{ userId: 'bot' }, /`userId`/],
    [{ endpoint: '' }, /`endpoint`/],
    [{ delayMs: -1 }, /`delayMs`/],
    [{ delayMs: Number.NaN }, /`delayMs`/],
    [{ nullEndpointFirst: 'yes' }, /`nullEndpointFirst`/],
  ])('rejects invalid options %o', (options, message) => {
    expect(() => new TestConnector(options as TestConnectorOptions)).toThrow(message);
  });

  it('rejects an invalid failNext count', () => {
    expect(() => new TestConnector().failNext(-1)).toThrow(RangeError);
  });

  it('imports nothing from the client at runtime (type-only imports)', async () => {
    const source = await readFile(new URL('../../../src/testing/test-connector.ts', import.meta.url), 'utf8');
    const runtimeImports = [...source.matchAll(/^import (?!type )[^;]*? from '([^']+)'/gm)].map(
      (match) => match[1],
    );
    expect(runtimeImports).toEqual(['node:crypto']);
  });
});
