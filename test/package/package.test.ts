/**
 * The packed package works from both `import` and `require`: pack it (npm test builds first), unpack
 * it into a node_modules inside the repo (so `ws` resolves from ours), and load every subpath in a
 * fresh Node process each way.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '..', '..');
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(root, '.tmp-pack-'));
  const tarball = execFileSync('npm', ['pack', '--silent', '--pack-destination', dir], {
    cwd: root,
    encoding: 'utf8',
  })
    .trim()
    .split('\n')
    .pop()!;
  const target = join(dir, 'node_modules', 'lavafleet');
  mkdirSync(target, { recursive: true });
  execFileSync('tar', ['-xzf', join(dir, tarball), '-C', target, '--strip-components=1']);
}, 60_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const checks = `
  const main = M.main, testing = M.testing, redis = M.redis, prometheus = M.prometheus;
  const track = main.encodeTrack({ title: 't', author: 'a', length: 1000, identifier: 'id', isStream: false, sourceName: 'youtube' });
  const out = {
    pool: typeof main.Pool, node: typeof main.Node, decoded: main.decodeTrack(track).info.title,
    errors: new main.LavafleetError('X', 'm') instanceof Error, connectors: Object.keys(main.connectors).sort().join(','),
    emulator: typeof testing.LavalinkEmulator, testConnector: typeof testing.TestConnector, redis: typeof redis.RedisStore,
    prometheus: typeof prometheus.registerPoolMetrics, prometheusPrefix: prometheus.DEFAULT_PROMETHEUS_OPTIONS.prefix,
  };
  console.log(JSON.stringify(out));
`;

const expected = {
  pool: 'function',
  node: 'function',
  decoded: 't',
  errors: true,
  connectors: 'custom,discordJs,eris,oceanic',
  emulator: 'function',
  testConnector: 'function',
  redis: 'function',
  prometheus: 'function',
  prometheusPrefix: 'lavafleet_',
};

function run(file: string, source: string): unknown {
  writeFileSync(join(dir, file), source);
  return JSON.parse(execFileSync(process.execPath, [join(dir, file)], { cwd: dir, encoding: 'utf8' }));
}

describe('the packed package', () => {
  it('loads every subpath with import (ESM)', () => {
    const source = `
      const M = { main: await import('lavafleet'), testing: await import('lavafleet/testing'), redis: await import('lavafleet/redis'), prometheus: await import('lavafleet/prometheus') };
      ${checks}`;
    expect(run('esm.mjs', source)).toEqual(expected);
  });

  it('loads every subpath with require (CommonJS)', () => {
    const source = `
      const M = { main: require('lavafleet'), testing: require('lavafleet/testing'), redis: require('lavafleet/redis'), prometheus: require('lavafleet/prometheus') };
      ${checks}`;
    expect(run('cjs.cjs', source)).toEqual(expected);
  });

  it('keeps prom-client out of the core, and external (not bundled) in lavafleet/prometheus', () => {
    const dist = join(dir, 'node_modules', 'lavafleet', 'dist');
    for (const file of ['index.js', 'index.cjs', 'testing/index.js', 'redis.js'])
      expect(readFileSync(join(dist, file), 'utf8')).not.toMatch(/prom-client/);
    expect(readFileSync(join(dist, 'prometheus.js'), 'utf8')).toMatch(/from ['"]prom-client['"]/);
    expect(readFileSync(join(dist, 'prometheus.cjs'), 'utf8')).toMatch(/require\(['"]prom-client['"]\)/);
  });

  it('runs the CLI bin', () => {
    const help = execFileSync(
      process.execPath,
      [join(dir, 'node_modules', 'lavafleet', 'dist', 'cli', 'main.js'), '--help'],
      {
        encoding: 'utf8',
      },
    );
    expect(help).toMatch(/emulator/);
  });
});
