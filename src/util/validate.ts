import { invalidOption } from '../errors.js';

/** Option validators: each throws a TypeError/RangeError naming the option and the value received. */

export function requireString(option: string, value: unknown, { allowEmpty = false } = {}): string {
  if (typeof value !== 'string' || (!allowEmpty && value.length === 0)) {
    throw invalidOption('type', option, allowEmpty ? 'a string' : 'a non-empty string', value);
  }
  return value;
}

export function requireBoolean(option: string, value: unknown): boolean {
  if (typeof value !== 'boolean') throw invalidOption('type', option, 'a boolean', value);
  return value;
}

/** A finite number within [min, max]; `integer` demands a whole number. */
export function requireNumber(
  option: string,
  value: unknown,
  {
    min = -Infinity,
    max = Infinity,
    integer = false,
  }: { min?: number; max?: number; integer?: boolean } = {},
): number {
  if (typeof value !== 'number' || Number.isNaN(value)) {
    throw invalidOption('type', option, 'a number', value);
  }
  if (
    (integer && !Number.isInteger(value)) ||
    value < min ||
    value > max ||
    (!Number.isFinite(value) && max !== Infinity)
  ) {
    const range = `${integer ? 'an integer' : 'a number'} from ${min} to ${max}`;
    throw invalidOption('range', option, range, value);
  }
  return value;
}

/** A Discord snowflake: a string of 1 to 20 digits. */
export function requireSnowflake(option: string, value: unknown): string {
  if (typeof value !== 'string' || !/^\d{1,20}$/.test(value) || value === '0') {
    throw invalidOption('type', option, 'a Discord snowflake (a string of digits)', value);
  }
  return value;
}

export function requireObject(option: string, value: unknown): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalidOption('type', option, 'an object', value);
  }
  return value as Record<string, unknown>;
}
