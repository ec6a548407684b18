import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/cli.js';
import type { CliIo } from '../../src/cli/command.js';
import { parseDemoArgs } from '../../src/cli/demo-command.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const RUN_TIMEOUT_MS = 25_000;

function fakeIo() {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = {
    out: (line) => void out.push(line),
    err: (line) => void err.push(line),
    waitForShutdown: () => new Promise<void>(() => undefined),
  };
  return { io, out, err };
}

/** Runs `lavafleet demo` as its own process, as `npm run demo` does (tsx from node_modules). */
function runDemoProcess(args: string[]): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'demo', ...args], {
    cwd: ROOT,
    env: { ...process.env, NO_COLOR: '1' },
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), RUN_TIMEOUT_MS);
  return new Promise((resolve) => {
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

describe('lavafleet demo', () => {
  it('parses its flags and rejects bad ones clearly', async () => {
    expect(parseDemoArgs([])).toEqual({ durationMs: 30_000, guilds: 240, live: false, color: false });
    expect(parseDemoArgs(['--fast', '--guilds', '12'])).toMatchObject({ durationMs: 8_000, guilds: 12 });
    expect(parseDemoArgs(['--duration=40'])).toMatchObject({ durationMs: 40_000 });
    expect(parseDemoArgs([], { isTty: true, noColor: false })).toMatchObject({ live: true, color: true });
    expect(parseDemoArgs(['--plain'], { isTty: true, noColor: false })).toMatchObject({ live: false });
    expect(parseDemoArgs(['-h'])).toBe('help');
    for (const args of [
      ['--duration', '2'],
      ['--duration', 'soon'],
      ['--guilds', '0'],
      ['--fast', '--duration', '10'],
      ['--bogus'],
      ['extra'],
    ]) {
      const run = fakeIo();
      expect(await runCli(['demo', ...args], run.io)).toBe(2);
      expect(run.err.join('\n')).toMatch(/lavafleet demo: .*\n.*--help/);
    }
    const help = fakeIo();
    expect(await runCli(['demo', '--help'], help.io)).toBe(0);
    expect(help.out.join('\n')).toMatch(/--duration <seconds>[\s\S]*--fast[\s\S]*--plain[\s\S]*lost/);
    const list = fakeIo();
    expect(await runCli(['--help'], list.io)).toBe(0);
    expect(list.out.join('\n')).toMatch(/demo\s+Watch a simulated bot/);
  });

  // Ran 1 in 4 red under load until Node stopped emitting the playerUpdates Lavalink sends right
  // after a resume, before the re-sync (see restore-track-ended.test.ts): 34 runs green since.
  it(
    'rides out node kills, a blip and a bot restart without losing a guild',
    async () => {
      const { code, output } = await runDemoProcess(['--fast', '--plain']);
      const summary = output.slice(output.indexOf('Summary:'));
      expect(summary, output).toMatch(/players lost\s+0 of 240/);
      expect(summary).toMatch(/players restored\s+240 after the bot restart/);
      expect(summary).toMatch(/timeline\s+6\/6 steps/);
      expect(summary).toContain('Result: PASS');
      expect(code).toBe(0);
      // The plain view logs every step with its outcome.
      expect(output).toMatch(/kill node-1: .*\n.*→ \d+ players moved/);
      expect(output).toMatch(/blip node-2: .*\n.*→ session resumed/);
    },
    RUN_TIMEOUT_MS + 5_000,
  );
});
