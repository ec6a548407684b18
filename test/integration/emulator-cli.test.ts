import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/cli.js';
import type { CliIo } from '../../src/cli/command.js';
import { parseEmulatorArgs } from '../../src/cli/emulator-command.js';

function fakeIo() {
  const out: string[] = [];
  const err: string[] = [];
  let stop!: () => void;
  const stopped = new Promise<void>((resolve) => (stop = resolve));
  let started!: () => void;
  const waiting = new Promise<void>((resolve) => (started = resolve));
  const io: CliIo = {
    out: (line) => void out.push(line),
    err: (line) => void err.push(line),
    waitForShutdown: () => {
      started();
      return stopped;
    },
  };
  return { io, out, err, stop, waiting };
}

describe('lavafleet CLI', () => {
  it('lists commands with --help and refuses unknown ones', async () => {
    const help = fakeIo();
    expect(await runCli(['--help'], help.io)).toBe(0);
    expect(help.out.join('\n')).toMatch(/emulator\s+Run a Lavalink emulator/);
    const none = fakeIo();
    expect(await runCli([], none.io)).toBe(2);
    const unknown = fakeIo();
    expect(await runCli(['nope'], unknown.io)).toBe(2);
    expect(unknown.err.join('\n')).toContain("unknown command 'nope'");
  });

  it('parses emulator flags and rejects bad ones clearly', async () => {
    expect(
      parseEmulatorArgs([
        '--port=0',
        '--password',
        'pw',
        '--player-update-interval',
        '100',
        '--stats-interval',
        '2000',
        '--no-session-support',
        '--host',
        '127.0.0.1',
      ]),
    ).toEqual({
      port: 0,
      password: 'pw',
      playerUpdateIntervalMs: 100,
      statsIntervalMs: 2000,
      sessionSupport: false,
      host: '127.0.0.1',
    });
    expect(parseEmulatorArgs([])).toEqual({ port: 2333 });
    expect(parseEmulatorArgs(['-h'])).toBe('help');
    for (const args of [
      ['--port', 'abc'],
      ['--port', '70000'],
      ['--stats-interval', '0'],
      ['--bogus'],
      ['extra'],
    ]) {
      const run = fakeIo();
      expect(await runCli(['emulator', ...args], run.io)).toBe(2);
      expect(run.err.join('\n')).toMatch(/lavafleet emulator: .*\n.*--help/);
    }
  });

  it('runs the emulator until shutdown', async () => {
    const run = fakeIo();
    const exit = runCli(['emulator', '--port', '0', '--password', 'secret'], run.io);
    await run.waiting;
    const url = /listening on (\S+)/.exec(run.out.join('\n'))?.[1];
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(run.out.join('\n')).not.toContain('secret');
    const version = await fetch(`${url}/version`, { headers: { Authorization: 'secret' } });
    expect(await version.text()).toBe('4.2.2');
    run.stop();
    expect(await exit).toBe(0);
    expect(run.out.at(-1)).toBe('Emulator stopped.');
    await expect(fetch(`${url}/version`)).rejects.toThrow();
  });

  it('stops gracefully on SIGTERM when run as a process', async () => {
    const main = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));
    const tsx = fileURLToPath(new URL('../../node_modules/.bin/tsx', import.meta.url));
    const child = spawn(tsx, [main, 'emulator', '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    await new Promise<void>((resolve, reject) => {
      child.once('exit', () => reject(new Error(`exited early: ${output}`)));
      child.stdout.on('data', () => {
        if (output.includes('Ctrl+C')) resolve();
      });
    });
    const url = /listening on (\S+)/.exec(output)![1]!;
    expect((await fetch(`${url}/version`, { headers: { Authorization: 'youshallnotpass' } })).status).toBe(
      200,
    );
    const code = new Promise<number | null>((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    expect(await code).toBe(0);
    expect(output).toContain('Emulator stopped.');
  });
});
