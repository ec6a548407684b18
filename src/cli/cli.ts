/** The `lavafleet` command line: a small dispatcher over the subcommands in `COMMANDS`. */
import type { CliCommand, CliIo } from './command.js';
import { ExitCode, UsageError } from './command.js';
import { checkCommand } from './check-command.js';
import { demoCommand } from './demo-command.js';
import { emulatorCommand } from './emulator-command.js';

/** Every subcommand, in the order `--help` lists them. */
export const COMMANDS: readonly CliCommand[] = [demoCommand, checkCommand, emulatorCommand];

function usage(): string {
  const width = Math.max(...COMMANDS.map((command) => command.name.length));
  const lines = COMMANDS.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`);
  return [
    'Usage: lavafleet <command> [options]',
    '',
    'Commands:',
    ...lines,
    '',
    "Run 'lavafleet <command> --help' for a command's options.",
  ].join('\n');
}

/** Runs the CLI with `argv` (without node and the script) and resolves with the exit code. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined) {
    io.err(usage());
    return ExitCode.usage;
  }
  if (name === '--help' || name === '-h' || name === 'help') {
    io.out(usage());
    return ExitCode.ok;
  }
  const command = COMMANDS.find((candidate) => candidate.name === name);
  if (command === undefined) {
    io.err(`lavafleet: unknown command '${name}'.\n\n${usage()}`);
    return ExitCode.usage;
  }
  try {
    return await command.run(rest, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(
        `lavafleet ${command.name}: ${error.message}\nRun 'lavafleet ${command.name} --help' for the options.`,
      );
      return ExitCode.usage;
    }
    io.err(`lavafleet ${command.name}: ${error instanceof Error ? error.message : String(error)}`);
    return ExitCode.failure;
  }
}

/** The real terminal and signals. */
export function processIo(): CliIo {
  return {
    out: (line) => void process.stdout.write(`${line}\n`),
    err: (line) => void process.stderr.write(`${line}\n`),
    waitForShutdown: () =>
      new Promise((resolve) => {
        const stop = (): void => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          resolve();
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      }),
  };
}
