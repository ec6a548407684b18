/**
 * Keeps the node password out of errors. lavafleet never writes it into one, but a server or a proxy
 * in front of it may echo request headers in a body, and bodies are quoted in error messages.
 */

/** Passwords shorter than this are not redacted: replacing every "pw" in a message would garble it. */
export const MIN_REDACTED_LENGTH = 4;
const REDACTED = '[redacted]';
const MAX_DEPTH = 8;

/**
 * Replaces every occurrence of `secret` in an error's message, stack, own string properties and cause
 * chain, in place; returns the error.
 */
export function redactSecret<T>(error: T, secret: string): T {
  if (secret.length >= MIN_REDACTED_LENGTH) redactObject(error, secret, new Set(), 0);
  return error;
}

function redactObject(value: unknown, secret: string, seen: Set<object>, depth: number): void {
  if (typeof value !== 'object' || value === null || seen.has(value) || depth > MAX_DEPTH) return;
  seen.add(value);
  const target = value as Record<string, unknown>;
  const keys = new Set([...Object.getOwnPropertyNames(target), 'message', 'stack']);
  for (const key of keys) {
    let field: unknown;
    try {
      field = target[key];
    } catch {
      continue; // a throwing getter: nothing to redact there
    }
    if (typeof field === 'string') {
      if (field.includes(secret)) {
        try {
          Object.defineProperty(target, key, { value: field.split(secret).join(REDACTED) });
        } catch {
          // a frozen or non-configurable property: leave it
        }
      }
    } else if (key !== 'message' && key !== 'stack') redactObject(field, secret, seen, depth + 1);
  }
}
