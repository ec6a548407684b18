import { describe, expect, it } from 'vitest';
import { ErrorCodes } from '../../../src/errors.js';
import { parsePlayerSnapshot } from '../../../src/persistence/snapshot.js';
import { savedPlayer } from '../../fixtures/persist-snapshots.js';

const GUILD = '200000000000000001';
const KEY = `lavafleet/1/players/${GUILD}`;

function withField(field: string, value: unknown): string {
  return JSON.stringify({ ...savedPlayer(GUILD), [field]: value });
}

function rejection(raw: string, key = KEY): Error {
  try {
    parsePlayerSnapshot(key, raw);
  } catch (error) {
    return error as Error;
  }
  throw new Error('parsePlayerSnapshot accepted the entry');
}

describe('parsePlayerSnapshot', () => {
  it('reads back what was saved', () => {
    const saved = savedPlayer(GUILD, { paused: true, volume: 40, data: { requester: 'a' } });
    expect(parsePlayerSnapshot(KEY, JSON.stringify(saved))).toEqual(saved);
  });

  it('treats a missing session id as unknown', () => {
    const { sessionId: _sessionId, ...withoutSession } = savedPlayer(GUILD);
    expect(parsePlayerSnapshot(KEY, JSON.stringify(withoutSession)).sessionId).toBeNull();
  });

  it('keeps an idle player (no track)', () => {
    expect(parsePlayerSnapshot(KEY, withField('track', null)).track).toBeNull();
  });

  it.each([
    ['not JSON', '{"v":1,', /not JSON/],
    ['a JSON array', '[]', /not a JSON object/],
    ['JSON null', 'null', /not a JSON object/],
    ['an unknown version', withField('v', 2), /unknown snapshot version 2/],
    ['a missing version', withField('v', undefined), /unknown snapshot version/],
    ['a numeric guild id', withField('guildId', 1), /`guildId` is not a string/],
    ['a guild id that is no snowflake', withField('guildId', 'abc'), /not a snowflake/],
    ['a string position', withField('position', '1000'), /`position` is not a number/],
    ['a missing timestamp', withField('timestamp', undefined), /`timestamp` is not a number/],
    ['a numeric paused', withField('paused', 0), /`paused` is not a boolean/],
    ['a missing voice', withField('voice', null), /`voice` is missing/],
    ['a track without its blob', withField('track', { info: {} }), /`track` is not a track/],
    ['a missing queue', withField('queue', undefined), /`queue` is missing/],
    ['missing filters', withField('filters', null), /`filters` is missing/],
    ['a numeric session id', withField('sessionId', 5), /`sessionId` is not a string/],
    ['node sessions that are not strings', withField('nodeSessions', { a: 1 }), /`nodeSessions` is not/],
    ['node sessions as an array', withField('nodeSessions', ['a']), /`nodeSessions` is not/],
  ])('rejects %s with ERR_STORE naming the key', (_what, raw, message) => {
    const error = rejection(raw);
    expect(error).toMatchObject({ code: ErrorCodes.Store });
    expect(error.message).toContain(KEY);
    expect(error.message).toMatch(message);
  });

  it('rejects an entry filed under another guild', () => {
    expect(
      rejection(JSON.stringify(savedPlayer(GUILD)), 'lavafleet/1/players/200000000000000002').message,
    ).toMatch(/does not match the key/);
  });

  it('keeps the JSON error as the cause', () => {
    expect(rejection('{').cause).toBeInstanceOf(SyntaxError);
  });
});
