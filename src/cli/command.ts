/**
 * The contract of a `lavafleet` subcommand. To add one (e.g. `demo`, `check`): write a
 * `<name>-command.ts` exporting a {@link CliCommand}, and list it in `COMMANDS` in `cli.ts`.
 */

/** Where a command writes and how it waits for the user to stop it (injectable for tests). */
export interface CliIo {
  out(line: string): void;
  err(line: string): void;
  /** Resolves when the process is asked to stop (SIGINT/SIGTERM). */
  waitForShutdown(): Promise<void>;
}

export interface CliCommand {
  name: string;
  /** One line for `lavafleet --help`. */
  summary: string;
  /** The full `lavafleet <name> --help` text. */
  help: string;
  /** Runs with the arguments after the command name; resolves with the exit code. */
  run(args: string[], io: CliIo): Promise<number>;
}

/** Exit codes shared by every command. */
export const ExitCode = {
  ok: 0,
  failure: 1,
  usage: 2,
} as const;

/** A bad flag or value: printed with a pointer to `--help`, exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}
