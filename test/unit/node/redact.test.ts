import { describe, expect, it } from 'vitest';
import { LavafleetError } from '../../../src/errors.js';
import { MIN_REDACTED_LENGTH, redactSecret } from '../../../src/node/redact.js';

describe('redactSecret', () => {
  it('replaces the secret in the message, the stack, string fields and the cause chain', () => {
    const cause = new Error('inner s3cret!');
    const error = new LavafleetError('ERR_REST', 'outer s3cret! and s3cret!', { cause });
    Object.assign(error, { body: 'x s3cret! y' });
    const same = redactSecret(error, 's3cret!');
    expect(same).toBe(error);
    expect(error.message).toBe('outer [redacted] and [redacted]');
    expect(error.stack).not.toContain('s3cret!');
    expect((error as unknown as { body: string }).body).toBe('x [redacted] y');
    expect(cause.message).toBe('inner [redacted]');
  });

  it('survives cycles, non-errors and frozen objects', () => {
    const a: Record<string, unknown> = { text: 'pass1234' };
    a.self = a;
    expect(redactSecret(a, 'pass1234')).toEqual(expect.objectContaining({ text: '[redacted]' }));
    expect(redactSecret('pass1234', 'pass1234')).toBe('pass1234');
    expect(redactSecret(null, 'pass1234')).toBeNull();
    const frozen = Object.freeze({ text: 'pass1234' });
    expect(redactSecret(frozen, 'pass1234').text).toBe('pass1234');
  });

  it(`leaves passwords shorter than ${MIN_REDACTED_LENGTH} characters alone`, () => {
    const error = new Error('type pw here');
    redactSecret(error, 'pw');
    expect(error.message).toBe('type pw here');
  });
});
