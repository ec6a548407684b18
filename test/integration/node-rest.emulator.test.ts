import WebSocket from 'ws';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AuthenticationError, ErrorCodes, LavalinkRestError, TimeoutError } from '../../src/errors.js';
import type { RestRequestEvent } from '../../src/node/node-rest-options.js';
import { NodeRest } from '../../src/node/node-rest.js';
import { LavalinkEmulator } from '../../src/testing/index.js';

const GUILD = '123456789012345678';
const voice = { token: 'token', endpoint: 'eu.discord.media', sessionId: 'voice-session', channelId: '42' };

let emulator: LavalinkEmulator;
let socket: WebSocket | undefined;
let rest: NodeRest;
let events: RestRequestEvent[];

/** Opens a Lavalink session the way a node does and returns the id of its `ready` message. */
async function openSession(): Promise<string> {
  socket = new WebSocket(emulator.wsUrl, {
    headers: { Authorization: emulator.password, 'User-Id': '1', 'Client-Name': 'lavafleet-tests/0.0.0' },
  });
  const ws = socket;
  return new Promise((resolve, reject) => {
    ws.on('error', reject);
    ws.on('message', (data: Buffer) => {
      const message = JSON.parse(data.toString('utf8')) as { op: string; sessionId?: string };
      if (message.op === 'ready' && message.sessionId !== undefined) resolve(message.sessionId);
    });
  });
}

beforeEach(async () => {
  emulator = new LavalinkEmulator();
  await emulator.start();
  events = [];
  const sessionId = await openSession();
  rest = new NodeRest({
    baseUrl: emulator.url,
    password: emulator.password,
    sessionId: () => sessionId,
    random: () => 0,
    onRequest: (event) => events.push(event),
  });
});

afterEach(async () => {
  rest.close();
  socket?.terminate();
  socket = undefined;
  await emulator.stop();
});

describe('NodeRest against the Lavalink emulator', () => {
  it('reads info, version and stats', async () => {
    expect(await rest.version()).toBe('4.2.2');
    const info = await rest.info();
    expect(info.version.semver).toBe('4.2.2');
    expect(info.sourceManagers).toContain('youtube');
    const stats = await rest.stats();
    expect(stats.players).toBe(0);
    expect(stats.frameStats).toBeUndefined();
  });

  it('loads every kind of result, stream lengths clamped, empty as null', async () => {
    const stream = await rest.loadTracks('emulator:stream?title=Radio');
    expect(stream.loadType).toBe('track');
    expect(stream.loadType === 'track' && stream.data.info.length).toBe(Number.MAX_SAFE_INTEGER);
    expect(await rest.loadTracks('ytsearch:__empty__')).toEqual({ loadType: 'empty', data: null });
    const search = await rest.loadTracks('ytsearch:lofi beats');
    expect(search.loadType === 'search' && search.data).toHaveLength(5);
    const playlist = await rest.loadTracks('emulator:playlist?count=3');
    expect(playlist.loadType === 'playlist' && playlist.data.tracks).toHaveLength(3);
    const failed = await rest.loadTracks('emulator:error?message=nope');
    expect(failed.loadType === 'error' && failed.data.message).toBe('nope');
  });

  it('decodes tracks it loaded', async () => {
    const result = await rest.loadTracks('emulator:search?count=2');
    if (result.loadType !== 'search') throw new Error(`unexpected ${result.loadType}`);
    const [first, second] = result.data;
    expect((await rest.decodeTrack(first!.encoded)).info).toEqual(first!.info);
    const decoded = await rest.decodeTracks([first!.encoded, second!.encoded]);
    expect(decoded.map((t) => t.info.title)).toEqual([first!.info.title, second!.info.title]);
  });

  it('creates, reads, updates and destroys a player', async () => {
    const result = await rest.loadTracks('emulator:track?title=Song');
    if (result.loadType !== 'track') throw new Error(`unexpected ${result.loadType}`);
    const created = await rest.updatePlayer(GUILD, {
      voice,
      track: { encoded: result.data.encoded },
      volume: 80,
    });
    expect(created).toMatchObject({ guildId: GUILD, volume: 80, paused: false });
    expect(created.track?.info.title).toBe('Song');
    const kept = await rest.updatePlayer(
      GUILD,
      { track: { encoded: null }, volume: 20 },
      { noReplace: true },
    );
    expect(kept.volume).toBe(20);
    expect((await rest.getPlayer(GUILD)).volume).toBe(20);
    expect(await rest.getPlayers()).toHaveLength(1);
    await rest.destroyPlayer(GUILD);
    const error = await rest.getPlayer(GUILD).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LavalinkRestError);
    expect(error).toMatchObject({ status: 404, lavalinkMessage: 'Player not found' });
    await expect(rest.destroyPlayer(GUILD)).resolves.toBeUndefined();
  });

  it('configures resuming', async () => {
    expect(await rest.updateSession({ resuming: true, timeout: 30 })).toEqual({
      resuming: true,
      timeout: 30,
    });
  });

  it('maps a 400 about the voice state to LavalinkRestError without retrying', async () => {
    const body = { voice: { ...voice, channelId: '' } };
    await expect(rest.updatePlayer(GUILD, body)).rejects.toMatchObject({ status: 400 });
    expect(emulator.requestCount('player')).toBe(1);
  });

  it('answers 404 for an unknown session', async () => {
    rest.sessionId = 'nosuchsession000';
    await expect(rest.getPlayers()).rejects.toMatchObject({
      status: 404,
      lavalinkMessage: 'Session not found',
    });
  });

  it('reports no route planner as null, and freeing addresses as a 500', async () => {
    expect(await rest.routePlannerStatus()).toBeNull();
    await expect(rest.freeAllAddresses({ timeoutMs: 1000 })).rejects.toMatchObject({ status: 500 });
  });

  it('retries scripted 5xx on reads but not on player updates', async () => {
    emulator.failNextRequests(2, { status: 503, route: 'stats' });
    await expect(rest.stats()).resolves.toMatchObject({ players: 0 });
    expect(emulator.requestCount('stats')).toBe(3);
    emulator.failNextRequests(1, { status: 500, route: 'player' });
    await expect(rest.updatePlayer(GUILD, { volume: 5 })).rejects.toMatchObject({
      status: 500,
      lavalinkMessage: 'Emulated failure',
    });
    expect(emulator.requestCount('player')).toBe(1);
    expect(events.filter((e) => e.route === 'stats').map((e) => e.status)).toEqual([503, 503, 200]);
  });

  it('rejects a wrong password with AuthenticationError', async () => {
    const wrong = new NodeRest({ baseUrl: emulator.url, password: 'not-the-password' });
    await expect(wrong.info()).rejects.toBeInstanceOf(AuthenticationError);
    wrong.close();
  });

  it('times out while the node is frozen', async () => {
    emulator.freeze();
    await expect(rest.info({ timeoutMs: 30 })).rejects.toBeInstanceOf(TimeoutError);
    emulator.unfreeze();
    expect(await rest.version()).toBe('4.2.2');
  });

  it('applies on thaw a request held while frozen, though its client gave up on it', async () => {
    // The request reached the server before it hung: Lavalink handles it when it thaws.
    emulator.freeze();
    const sessionId = emulator.sessions()[0]!.id;
    const controller = new AbortController();
    const given = rest.updatePlayer(GUILD, { voice, volume: 42 }, { signal: controller.signal });
    await new Promise((resolve) => setTimeout(resolve, 20)); // the request reaches the server
    controller.abort();
    await expect(given).rejects.toMatchObject({ code: ErrorCodes.Aborted });
    expect(emulator.player(sessionId, GUILD)).toBeUndefined();
    emulator.unfreeze();
    expect(await rest.version()).toBe('4.2.2'); // answered after the held request was handled
    expect(emulator.player(sessionId, GUILD)?.volume).toBe(42);
  });

  it('fails with ERR_NETWORK once the node process is killed', async () => {
    await rest.version();
    await emulator.kill();
    await expect(rest.info()).rejects.toMatchObject({ code: ErrorCodes.Network });
  });
});
