import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/cli.js';
import type { CliIo } from '../../src/cli/command.js';
import type { CheckReport } from '../../src/cli/check-command.js';
import { LavalinkEmulator } from '../../src/testing/index.js';

function captureIo(): CliIo & { lines: string[]; errors: string[] } {
  const lines: string[] = [];
  const errors: string[] = [];
  return {
    lines,
    errors,
    out: (l) => void lines.push(l),
    err: (l) => void errors.push(l),
    waitForShutdown: () => Promise.resolve(),
  };
}

let emulator: LavalinkEmulator;
beforeEach(async () => {
  emulator = new LavalinkEmulator({ password: 'secret-pw' });
  await emulator.start();
});
afterEach(() => emulator.stop());

describe('lavafleet check', () => {
  it('reports a healthy node with version, info, stats, latency, resume and a load', async () => {
    const io = captureIo();
    const code = await runCli(
      ['check', emulator.url, '--password', 'secret-pw', '--load', 'ytsearch:hello', '--json'],
      io,
    );
    expect(code).toBe(0);
    const report = JSON.parse(io.lines.join('\n')) as CheckReport;
    expect(report).toMatchObject({ healthy: true, problems: [], version: '4.2.2', canResume: true });
    expect(report.info?.sourceManagers).toContain('youtube');
    expect(report.stats?.cpu.cores).toBeGreaterThan(0);
    expect(report.latencyMs).not.toBeNull();
    expect(report.load).toEqual({ query: 'ytsearch:hello', loadType: 'search', tracks: 5 });
  });

  it('prints a readable report', async () => {
    const io = captureIo();
    expect(await runCli(['check', emulator.url, '--password', 'secret-pw'], io)).toBe(0);
    expect(io.lines.join('\n')).toMatch(/healthy: .*\n {2}version +4\.2\.2/);
  });

  it('says when sessions do not resume', async () => {
    await emulator.stop();
    emulator = new LavalinkEmulator({ password: 'secret-pw', sessionSupport: false });
    await emulator.start();
    const io = captureIo();
    await runCli(['check', emulator.url, '--password', 'secret-pw', '--json'], io);
    expect((JSON.parse(io.lines.join('\n')) as CheckReport).canResume).toBe(false);
  });

  it('fails with a wrong password, without printing it', async () => {
    const io = captureIo();
    const code = await runCli(['check', emulator.url, '--password', 'not-the-password'], io);
    expect(code).toBe(1);
    expect(io.lines.join('\n')).toMatch(/password is wrong/);
    expect(io.lines.join('\n')).not.toContain('not-the-password');
  });

  it('fails on an unreachable node and names the cause', async () => {
    const url = emulator.url;
    await emulator.kill();
    const io = captureIo();
    expect(await runCli(['check', url, '--timeout', '500'], io)).toBe(1);
    expect(io.lines.join('\n')).toMatch(/cannot connect: .*ECONNREFUSED/);
  });

  it.each([[[]], [['a', 'b']], [['h:1', '--timeout', 'x']], [['h:1', '--nope']], [['ftp://h:1']]])(
    'rejects bad usage %j with exit 2',
    async (args) => {
      const io = captureIo();
      expect(await runCli(['check', ...args], io)).toBe(2);
      expect(io.errors.join('\n')).toMatch(/--help/);
    },
  );
});
