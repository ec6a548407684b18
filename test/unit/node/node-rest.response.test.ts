import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { AuthenticationError, ErrorCodes, LavafleetError, LavalinkRestError } from '../../../src/errors.js';
import type { HttpResponse } from '../../../src/node/http-transport.js';
import { appendQuery, shortPath } from '../../../src/node/http-transport.js';
import {
  errorFromResponse,
  readAny,
  readLoadResult,
  readPlayer,
  readPlayers,
  readRoutePlanner,
  readText,
  readTrack,
  readTracks,
} from '../../../src/node/rest-response.js';

const context = { method: 'GET', path: '/v4/info' };
const LONG_MAX = '9223372036854775807';

function response(status: number, body: string, headers: Record<string, string> = {}): HttpResponse {
  return { status, body, message: { headers } as unknown as IncomingMessage };
}

function trackJson(length: string): string {
  return (
    `{"encoded":"QAAA","info":{"identifier":"x","isSeekable":false,"author":"a","length":${length},` +
    `"isStream":true,"position":0,"title":"t","uri":null,"artworkUrl":null,"isrc":null,"sourceName":"http"},` +
    `"pluginInfo":{},"userData":{}}`
  );
}

function playerJson(track: string): string {
  return (
    `{"guildId":"1","track":${track},"volume":100,"paused":false,` +
    `"state":{"time":1,"position":0,"connected":true,"ping":5},` +
    `"voice":{"token":"t","endpoint":"e","sessionId":"s"},"filters":{}}`
  );
}

describe('errorFromResponse', () => {
  it('carries Lavalink’s message, reason and trace', () => {
    const body = JSON.stringify({
      timestamp: 1,
      status: 404,
      error: 'Not Found',
      message: 'Session not found',
      trace: 'java.lang.Exception\n\tat x',
      path: '/v4/sessions/abc/players',
    });
    const error = errorFromResponse(response(404, body), { method: 'GET', path: '/v4/sessions/abc/players' });
    expect(error).toBeInstanceOf(LavalinkRestError);
    expect(error).toMatchObject({
      code: ErrorCodes.RestError,
      status: 404,
      method: 'GET',
      path: '/v4/sessions/abc/players',
      lavalinkMessage: 'Session not found',
      reason: 'Not Found',
      trace: 'java.lang.Exception\n\tat x',
    });
    expect(error.message).toContain('Session not found');
  });

  it.each([401, 403])('maps an empty %i to AuthenticationError', (status) => {
    const error = errorFromResponse(response(status, ''), context);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error.message).toMatch(/password is wrong/);
    expect(error.message).toContain('GET /v4/info');
  });

  it('keeps a 403 with a JSON error body (a plugin’s own refusal) as LavalinkRestError', () => {
    const body = JSON.stringify({ status: 403, error: 'Forbidden', message: 'Not allowed', path: '/x' });
    expect(errorFromResponse(response(403, body), context)).toBeInstanceOf(LavalinkRestError);
  });

  it('describes a non-JSON error body with the reason phrase and an excerpt', () => {
    const error = errorFromResponse(response(502, `<html>${'x'.repeat(1000)}</html>`), context);
    expect(error).toBeInstanceOf(LavalinkRestError);
    expect((error as LavalinkRestError).reason).toBe('Bad Gateway');
    expect((error as LavalinkRestError).lavalinkMessage).toBeNull();
    expect(error.message).toContain('<html>');
    expect(error.message.length).toBeLessThan(400);
  });

  it('shortens long paths in errors', () => {
    const path = `/v4/loadtracks?identifier=${'a'.repeat(5000)}`;
    const error = errorFromResponse(response(500, ''), { method: 'GET', path }) as LavalinkRestError;
    expect(error.path.length).toBeLessThanOrEqual(161);
    expect(error.path.endsWith('…')).toBe(true);
    expect(error.message.length).toBeLessThan(300);
  });
});

describe('readers', () => {
  it('reject a body that is not JSON with ERR_INVALID_RESPONSE, the status and an excerpt', () => {
    let caught: unknown;
    try {
      readTrack(response(200, 'Whitelabel Error Page'), context);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(LavafleetError);
    expect(caught).toMatchObject({ code: ErrorCodes.InvalidResponse });
    expect((caught as Error).message).toMatch(/200.*Whitelabel Error Page/);
  });

  it.each([
    ['a track', readTrack, '{"encoded":1}'],
    ['tracks', readTracks, '{}'],
    ['a load result', readLoadResult, '{"data":null}'],
    ['a player', readPlayer, '[]'],
    ['players', readPlayers, 'null'],
  ] as const)('reject JSON that is not %s', (_, reader, body) => {
    expect(() => reader(response(200, body), context)).toThrow(
      expect.objectContaining({ code: ErrorCodes.InvalidResponse }) as Error,
    );
  });

  it('clamp Long.MAX_VALUE stream lengths and keep real lengths', () => {
    expect(readTrack(response(200, trackJson(LONG_MAX)), context).info.length).toBe(Number.MAX_SAFE_INTEGER);
    expect(readTrack(response(200, trackJson('212000')), context).info.length).toBe(212000);
    const tracks = readTracks(response(200, `[${trackJson(LONG_MAX)},${trackJson('1')}]`), context);
    expect(tracks.map((t) => t.info.length)).toEqual([Number.MAX_SAFE_INTEGER, 1]);
    const player = readPlayer(response(200, playerJson(trackJson(LONG_MAX))), context);
    expect(player.track?.info.length).toBe(Number.MAX_SAFE_INTEGER);
    const players = readPlayers(response(200, `[${playerJson(trackJson(LONG_MAX))}]`), context);
    expect(players[0]?.track?.info.length).toBe(Number.MAX_SAFE_INTEGER);
  });

  it('clamp every load result kind', () => {
    const track = readLoadResult(
      response(200, `{"loadType":"track","data":${trackJson(LONG_MAX)}}`),
      context,
    );
    expect(track.loadType === 'track' && track.data.info.length).toBe(Number.MAX_SAFE_INTEGER);
    const search = readLoadResult(
      response(200, `{"loadType":"search","data":[${trackJson(LONG_MAX)}]}`),
      context,
    );
    expect(search.loadType === 'search' && search.data[0]?.info.length).toBe(Number.MAX_SAFE_INTEGER);
    const playlist = readLoadResult(
      response(
        200,
        `{"loadType":"playlist","data":{"info":{"name":"p","selectedTrack":-1},"pluginInfo":{},` +
          `"tracks":[${trackJson(LONG_MAX)}]}}`,
      ),
      context,
    );
    expect(playlist.loadType === 'playlist' && playlist.data.tracks[0]?.info.length).toBe(
      Number.MAX_SAFE_INTEGER,
    );
  });

  it('normalise `empty` data to null whether the server sends null or {}', () => {
    expect(readLoadResult(response(200, '{"loadType":"empty","data":null}'), context)).toEqual({
      loadType: 'empty',
      data: null,
    });
    expect(readLoadResult(response(200, '{"loadType":"empty","data":{}}'), context)).toEqual({
      loadType: 'empty',
      data: null,
    });
  });

  it('pass unknown load types through untouched', () => {
    const body = '{"loadType":"album","data":{"tracks":[],"x":1}}';
    expect(readLoadResult(response(200, body), context)).toEqual(JSON.parse(body));
  });

  it('read the route planner: null on 204, the object otherwise', () => {
    expect(readRoutePlanner(response(204, ''), context)).toBeNull();
    const status = {
      class: 'RotatingIpRoutePlanner',
      details: { ipBlock: { type: 'Inet6Address', size: '18446744073709551616' }, failingAddresses: [] },
    };
    expect(readRoutePlanner(response(200, JSON.stringify(status)), context)).toEqual(status);
  });

  it('read plain text and reject an empty version', () => {
    expect(readText(response(200, '4.2.2\n'), context)).toBe('4.2.2');
    expect(() => readText(response(200, ''), context)).toThrow(/empty/);
  });

  it('read any body by content type', () => {
    expect(readAny(response(204, ''), context)).toBeUndefined();
    expect(readAny(response(200, '{"a":1}', { 'content-type': 'application/json' }), context)).toEqual({
      a: 1,
    });
    expect(readAny(response(200, 'hello', { 'content-type': 'text/plain' }), context)).toBe('hello');
  });
});

describe('path helpers', () => {
  it('appendQuery encodes values and skips null and undefined', () => {
    expect(appendQuery('/x', { a: 'b c', n: 1, t: true, u: undefined, z: null })).toBe(
      '/x?a=b%20c&n=1&t=true',
    );
    expect(appendQuery('/x?y=1', { a: '&' })).toBe('/x?y=1&a=%26');
    expect(appendQuery('/x', undefined)).toBe('/x');
  });

  it('shortPath keeps short paths and cuts long ones', () => {
    expect(shortPath('/v4/info')).toBe('/v4/info');
    expect(shortPath(`/${'x'.repeat(500)}`)).toHaveLength(161);
  });
});
