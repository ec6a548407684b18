/** Flag parsing shared by the subcommands: every mistake becomes a UsageError (exit code 2). */
import { parseArgs } from 'node:util';
import type { ParseArgsConfig } from 'node:util';
import { UsageError } from './command.js';

/** `node:util` parseArgs (strict by default), with its errors turned into UsageErrors. */
export function parseFlags<const T extends ParseArgsConfig>(config: T): ReturnType<typeof parseArgs<T>> {
  try {
    return parseArgs(config); // strict by default: unknown flags and bad values throw
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

/** An integer flag within [min, max], or undefined when absent. */
export function integerFlag(
  flag: string,
  value: string | undefined,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (value.trim() === '' || !Number.isInteger(number) || number < min || number > max) {
    throw new UsageError(`${flag} expects an integer from ${min} to ${max}, received '${value}'`);
  }
  return number;
}

/** A string flag that must not be empty. */
export function nonEmpty(flag: string, value: string): string {
  if (value === '') throw new UsageError(`${flag} must not be empty`);
  return value;
}
