/**
 * `pool.load()` against the emulator's catalogue: typed results, default search source, and the LFU
 * cache in front of `/v4/loadtracks`.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ErrorCodes } from '../../src/errors.js';
import type { PoolOptions } from '../../src/pool/pool-options.js';
import type { LoadResult } from '../../src/protocol/track.js';
import { startCluster } from '../helpers/cluster.js';
import type { Cluster } from '../helpers/cluster.js';

let cluster: Cluster | undefined;
afterEach(async () => {
  await cluster?.close();
  cluster = undefined;
});

async function start(pool: Partial<PoolOptions> = {}): Promise<Cluster> {
  cluster = await startCluster(1, { pool });
  return cluster;
}

function loads(c: Cluster): number {
  return c.emulators[0]!.requestCount('loadTracks');
}

/** Narrows a load result to one load type, failing the test otherwise. */
function as<T extends LoadResult['loadType']>(
  result: LoadResult,
  loadType: T,
): Extract<LoadResult, { loadType: T }> {
  expect(result.loadType).toBe(loadType);
  return result as Extract<LoadResult, { loadType: T }>;
}

describe('pool.load results', () => {
  it('track', async () => {
    const c = await start();
    const result = as(await c.pool.load('emulator:track?title=One&author=Me&length=123000'), 'track');
    expect(result.data.info).toMatchObject({
      title: 'One',
      author: 'Me',
      length: 123_000,
      isStream: false,
      sourceName: 'youtube',
    });
    expect(typeof result.data.encoded).toBe('string');
    expect(result.data.userData).toEqual({});
  });

  it('a URL passes through unchanged', async () => {
    const c = await start();
    const result = as(await c.pool.load('https://www.youtube.com/watch?v=dQw4w9WgXcQ'), 'track');
    expect(result.data.info.identifier).toBe('dQw4w9WgXcQ');
    expect(result.data.info.uri).toBe('https://www.youtube.com/watch?v=dQw4w9WgXcQ');
  });

  it('playlist', async () => {
    const c = await start();
    const result = as(await c.pool.load('emulator:playlist?count=3&name=Mix&selected=1'), 'playlist');
    expect(result.data.info).toEqual({ name: 'Mix', selectedTrack: 1 });
    expect(result.data.tracks).toHaveLength(3);
    expect(result.data.pluginInfo).toEqual({});
  });

  it('search', async () => {
    const c = await start();
    const result = as(await c.pool.load('ytsearch:lofi beats'), 'search');
    expect(result.data).toHaveLength(5);
    expect(result.data[0]!.info.title).toBe('lofi beats (result 1)');
  });

  it('empty', async () => {
    const c = await start();
    expect(await c.pool.load('ytsearch:__empty__')).toEqual({ loadType: 'empty', data: null });
  });

  it('error, with the exception fields', async () => {
    const c = await start();
    const result = as(
      await c.pool.load('emulator:error?message=Video%20unavailable&severity=common'),
      'error',
    );
    expect(result.data).toMatchObject({ message: 'Video unavailable', severity: 'common' });
    expect(result.data.cause).toContain('Video unavailable');
  });

  it('a word before a colon is part of the query, a source prefix is not', async () => {
    const c = await start();
    const searched = as(await c.pool.load('nosuchsource:hello'), 'search');
    expect(searched.data[0]!.info.sourceName).toBe('youtube');
    // A known search prefix is not searched again on the default source.
    const sc = as(await c.pool.load('scsearch:hello'), 'search');
    expect(sc.data[0]!.info.sourceName).toBe('soundcloud');
  });

  it('a query without prefix is searched on defaultSearchSource', async () => {
    const c = await start();
    const youtube = as(await c.pool.load('  never gonna give you up  '), 'search');
    expect(youtube.data[0]!.info).toMatchObject({
      title: 'never gonna give you up (result 1)',
      sourceName: 'youtube',
    });
    // Per call, by source name or prefix.
    const soundcloud = as(await c.pool.load('never gonna', { source: 'soundcloud' }), 'search');
    expect(soundcloud.data[0]!.info.sourceName).toBe('soundcloud');
    const prefixed = as(await c.pool.load('never gonna', { source: 'scsearch' }), 'search');
    expect(prefixed.data[0]!.info.sourceName).toBe('soundcloud');
  });

  it('defaultSearchSource can be set on the pool', async () => {
    const c = await start({ defaultSearchSource: 'soundcloud' });
    const result = as(await c.pool.load('ambient'), 'search');
    expect(result.data[0]!.info.sourceName).toBe('soundcloud');
  });

  it('a Lavalink error answer rejects with a typed REST error', async () => {
    const c = await start();
    c.emulators[0]!.failNextRequests(5, { route: 'loadTracks', status: 400 });
    await expect(c.pool.load('emulator:track')).rejects.toMatchObject({
      code: ErrorCodes.RestError,
      status: 400,
    });
  });
});

describe('pool.load cache', () => {
  it('serves a repeated load from memory and counts a hit', async () => {
    const c = await start();
    const first = await c.pool.load('emulator:track?title=Cached');
    const requests = loads(c);
    const before = c.pool.metrics().cache!;
    const second = await c.pool.load('emulator:track?title=Cached');
    expect(loads(c)).toBe(requests);
    expect(second).toEqual(first);
    const after = c.pool.metrics().cache!;
    expect(after.hits - before.hits).toBe(1);
    expect(after.misses).toBe(before.misses);
    expect(after.size).toBeGreaterThanOrEqual(1);
  });

  it('shares one entry between spellings of the same search', async () => {
    const c = await start();
    await c.pool.load('Daft Punk');
    const requests = loads(c);
    await c.pool.load('ytsearch:daft   punk');
    await c.pool.load('  DAFT PUNK ');
    expect(loads(c)).toBe(requests);
    expect(c.pool.metrics().cache!.hits).toBe(2);
  });

  it('hands out copies: changing a result does not change the cache', async () => {
    const c = await start();
    const first = as(await c.pool.load('emulator:track?title=Mine'), 'track');
    first.data.info.title = 'changed';
    first.data.userData.mine = true;
    const second = as(await c.pool.load('emulator:track?title=Mine'), 'track');
    expect(second.data.info.title).toBe('Mine');
    expect(second.data.userData).toEqual({});
  });

  it('does not cache errors or empty results', async () => {
    const c = await start();
    const requests = loads(c);
    await c.pool.load('emulator:error?message=nope');
    await c.pool.load('emulator:error?message=nope');
    await c.pool.load('ytsearch:__empty__');
    await c.pool.load('ytsearch:__empty__');
    expect(loads(c) - requests).toBe(4);
    expect(c.pool.metrics().cache!.hits).toBe(0);
    expect(c.pool.metrics().cache!.size).toBe(0);
  });

  it('can be disabled', async () => {
    const c = await start({ cache: false });
    const requests = loads(c);
    await c.pool.load('emulator:track?title=x');
    await c.pool.load('emulator:track?title=x');
    expect(loads(c) - requests).toBe(2);
    expect(c.pool.metrics().cache).toBeNull();
    expect(c.pool.cache).toBeNull();
  });

  it('player.play(query) goes through the cache too', async () => {
    const c = await start();
    await c.pool.load('emulator:track?title=Replay');
    const requests = loads(c);
    const player = await c.pool.join({
      guildId: '200000000000000001',
      channelId: '300000000000000001',
      play: 'emulator:track?title=Replay',
    });
    expect(loads(c)).toBe(requests);
    expect(player.track?.info.title).toBe('Replay');
  });
});
