/** `lavafleet emulator`: runs the Lavalink emulator until SIGINT/SIGTERM. */
import { DEFAULT_EMULATOR_OPTIONS, LavalinkEmulator } from '../testing/index.js';
import type { LavalinkEmulatorOptions } from '../testing/index.js';
import type { CliCommand, CliIo } from './command.js';
import { ExitCode } from './command.js';
import { integerFlag, nonEmpty, parseFlags } from './flags.js';

const d = DEFAULT_EMULATOR_OPTIONS;

const HELP = `Usage: lavafleet emulator [options]

Runs a Lavalink ${d.version} emulator (REST + WebSocket on one port) until Ctrl+C.

Options:
  --port <n>                     Port to listen on, 0 for a free one (default: 2333)
  --host <address>               Address to bind (default: ${d.host})
  --password <text>              Password clients must send (default: ${d.password})
  --player-update-interval <ms>  Interval of playerUpdate frames (default: ${d.playerUpdateIntervalMs})
  --stats-interval <ms>          Interval of stats frames (default: ${d.statsIntervalMs})
  --no-session-support           Act like a server without session routes (no resuming)
  -h, --help                     Show this help`;

const DEFAULT_CLI_PORT = 2333;

export const emulatorCommand: CliCommand = {
  name: 'emulator',
  summary: 'Run a Lavalink emulator with fault injection, for local bots and tests',
  help: HELP,
  run: runEmulator,
};

/** Turns the flags into emulator options; throws UsageError on anything wrong. */
export function parseEmulatorArgs(args: string[]): LavalinkEmulatorOptions | 'help' {
  const { values } = parseFlags({
    args,
    allowPositionals: false,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      password: { type: 'string' },
      'player-update-interval': { type: 'string' },
      'stats-interval': { type: 'string' },
      'no-session-support': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help === true) return 'help';
  const options: LavalinkEmulatorOptions = {
    port: integerFlag('--port', values.port, 0, 65_535) ?? DEFAULT_CLI_PORT,
  };
  if (values.host !== undefined) options.host = nonEmpty('--host', values.host);
  if (values.password !== undefined) options.password = nonEmpty('--password', values.password);
  const playerUpdate = integerFlag('--player-update-interval', values['player-update-interval'], 1);
  if (playerUpdate !== undefined) options.playerUpdateIntervalMs = playerUpdate;
  const stats = integerFlag('--stats-interval', values['stats-interval'], 1);
  if (stats !== undefined) options.statsIntervalMs = stats;
  if (values['no-session-support'] === true) options.sessionSupport = false;
  return options;
}

async function runEmulator(args: string[], io: CliIo): Promise<number> {
  const options = parseEmulatorArgs(args);
  if (options === 'help') {
    io.out(HELP);
    return ExitCode.ok;
  }
  const emulator = new LavalinkEmulator(options);
  try {
    await emulator.start();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE')
      throw new Error(`port ${options.port} is already in use; pick another with --port`);
    throw error;
  }
  const passwordHint =
    options.password === undefined ? `${d.password} (the default)` : 'the one given with --password';
  io.out(`Lavalink emulator listening on ${emulator.url}`);
  io.out(`  WebSocket: ${emulator.wsUrl}`);
  io.out(`  Password:  ${passwordHint}`);
  io.out(
    `  Sessions:  ${options.sessionSupport === false ? 'no session support (no resuming)' : 'resumable'}`,
  );
  io.out('Press Ctrl+C to stop.');
  await io.waitForShutdown();
  await emulator.stop();
  io.out('Emulator stopped.');
  return ExitCode.ok;
}
