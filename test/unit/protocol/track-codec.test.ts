import { describe, expect, it } from 'vitest';

import { ErrorCodes, TrackCodecError } from '../../../src/errors.js';
import {
  decodeTrack,
  decodeTrackDetailed,
  encodeTrack,
  readLavaSrcFields,
  readProbeInfo,
  writeLavaSrcFields,
  writeProbeInfo,
  type EncodableTrackInfo,
} from '../../../src/protocol/track-codec.js';
import { loadTrackVectors } from '../../fixtures/track-vectors.js';

const vectors = loadTrackVectors();

const base: EncodableTrackInfo = {
  title: 'Title',
  author: 'Author',
  length: 212_000,
  identifier: 'dQw4w9WgXcQ',
  isStream: false,
  uri: 'https://example.com/t',
  artworkUrl: 'https://example.com/a.jpg',
  isrc: 'USRC17607839',
  sourceName: 'youtube',
  position: 1234,
};

/** A raw message: header with `flags` and the exact size, then the given parts. */
function blob(parts: (number[] | Buffer)[], flags = 1): string {
  const body = Buffer.concat(parts.map((part) => Buffer.from(part)));
  const header = Buffer.alloc(4);
  header.writeUInt32BE(((flags << 30) | body.length) >>> 0);
  return Buffer.concat([header, body]).toString('base64');
}
const utf = (bytes: number[] | string): Buffer => {
  const data = typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : Buffer.from(bytes);
  return Buffer.concat([Buffer.from([data.length >> 8, data.length & 0xff]), data]);
};
const long = (value: bigint): Buffer => {
  const out = Buffer.alloc(8);
  out.writeBigInt64BE(value);
  return out;
};
/** A valid version-3 message with overridable parts, for building one defect at a time. */
function v3(over: { title?: Buffer; length?: bigint; isStream?: number; position?: bigint } = {}): string {
  const { title = utf('t'), length = 1000n, isStream = 0, position = 0n } = over;
  const flags = [isStream, 0, 0, 0]; // isStream, then uri, artworkUrl and isrc absent
  return blob([[3], title, utf('a'), long(length), utf('id'), flags, utf('http'), long(position)]);
}

function codecError(run: () => unknown): TrackCodecError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(TrackCodecError);
    return error as TrackCodecError;
  }
  throw new Error('expected a TrackCodecError');
}
const decodeFails = (input: unknown, message: RegExp): void => {
  const error = codecError(() => decodeTrack(input as string));
  expect(error.code).toBe(ErrorCodes.TrackDecode);
  expect(error.message).toMatch(message);
};
const encodeFails = (info: unknown, message: RegExp, options?: unknown): void => {
  const error = codecError(() => encodeTrack(info as EncodableTrackInfo, options as never));
  expect(error.code).toBe(ErrorCodes.TrackEncode);
  expect(error.message).toMatch(message);
};
const bytesOf = (encoded: string): Buffer => Buffer.from(encoded, 'base64');

describe('track vectors', () => {
  it('loads all 25 vectors', () => {
    expect(vectors).toHaveLength(25);
  });

  it.each(vectors.map((v, i) => [i, v] as const))(
    'vector %i decodes and re-encodes byte for byte',
    (_, v) => {
      const track = decodeTrack(v.encoded);
      expect(track).toEqual({
        encoded: v.encoded,
        info: { ...v.info, isSeekable: !v.info.isStream },
        pluginInfo: {},
        userData: {},
      });
      const detailed = decodeTrackDetailed(v.encoded);
      expect(detailed.version).toBe(v.version);
      expect(detailed.info).toEqual(track.info);
      expect(encodeTrack(v.info, { version: v.version, sourceSpecific: detailed.sourceSpecific })).toBe(
        v.encoded,
      );
      if (v.sourceSpecific === undefined) expect(detailed.sourceSpecific).toHaveLength(0);
    },
  );

  it.each(vectors.filter((v) => v.sourceSpecific !== undefined))(
    'source-specific helpers match $info.sourceName vector',
    (v) => {
      const { sourceSpecific } = decodeTrackDetailed(v.encoded);
      const { probeInfo, ...lavaSrc } = v.sourceSpecific!;
      if (probeInfo !== undefined) {
        expect(readProbeInfo(sourceSpecific)).toBe(probeInfo);
        expect(writeProbeInfo(probeInfo)).toEqual(sourceSpecific);
        expect(readLavaSrcFields(sourceSpecific)).toBeNull();
      } else {
        expect(readLavaSrcFields(sourceSpecific)).toEqual(lavaSrc);
        expect(writeLavaSrcFields(lavaSrc)).toEqual(sourceSpecific);
        expect(readProbeInfo(sourceSpecific)).toBeNull();
      }
    },
  );

  it('returns source-specific bytes that do not share Node’s buffer pool', () => {
    const { sourceSpecific } = decodeTrackDetailed(vectors.find((v) => v.sourceSpecific)!.encoded);
    expect(sourceSpecific.buffer.byteLength).toBe(sourceSpecific.length);
  });
});

describe('versions', () => {
  it('writes version 3 by default, with the versioned flag', () => {
    const bytes = bytesOf(encodeTrack(base));
    expect(bytes[0]).toBe(0x40);
    expect(bytes[4]).toBe(3);
    expect(decodeTrackDetailed(encodeTrack(base)).info).toEqual({ ...base, isSeekable: true });
  });

  it('round-trips version 2 without artworkUrl and isrc', () => {
    const decoded = decodeTrackDetailed(encodeTrack(base, { version: 2 }));
    expect(decoded.version).toBe(2);
    expect(decoded.info).toMatchObject({ uri: base.uri, artworkUrl: null, isrc: null, position: 1234 });
  });

  it('writes version 1 unversioned (no version byte, no uri) and reads it back', () => {
    const encoded = encodeTrack(base, { version: 1 });
    expect(bytesOf(encoded)[0]).toBe(0);
    const decoded = decodeTrackDetailed(encoded);
    expect(decoded.version).toBe(1);
    expect(decoded.info).toMatchObject({ title: 'Title', uri: null, artworkUrl: null, isrc: null });
    expect(encodeTrack(decoded.info, { version: 1 })).toBe(encoded);
  });

  it('reads a versioned blob whose version byte is 1', () => {
    const encoded = blob([[1], utf('t'), utf('a'), long(5n), utf('id'), [0], utf('local'), long(7n)]);
    expect(decodeTrackDetailed(encoded)).toMatchObject({ version: 1, info: { length: 5, position: 7 } });
  });
});

describe('strings', () => {
  const roundTrip = (title: string): string => decodeTrack(encodeTrack({ ...base, title })).info.title;

  it('writes astral characters as a surrogate pair of 3-byte sequences, never 4-byte UTF-8', () => {
    const bytes = bytesOf(encodeTrack({ ...base, title: '🌿' }));
    expect(bytes.subarray(5, 13)).toEqual(Buffer.from([0, 6, 0xed, 0xa0, 0xbc, 0xed, 0xbc, 0xbf]));
    expect(roundTrip('a🌿b🎵')).toBe('a🌿b🎵');
  });

  it('writes U+0000 as C0 80', () => {
    const bytes = bytesOf(encodeTrack({ ...base, title: 'a\u0000b' }));
    expect(bytes.subarray(5, 11)).toEqual(Buffer.from([0, 4, 0x61, 0xc0, 0x80, 0x62]));
    expect(roundTrip('\u0000a\u0000')).toBe('\u0000a\u0000');
  });

  it('round-trips 2- and 3-byte characters and lone surrogates', () => {
    for (const title of ['João', '猫 シ Corp', 'Ω≈ç√∫', '\ud800x', 'x\udfff', 'é'.repeat(30_000)]) {
      expect(roundTrip(title)).toBe(title);
    }
  });

  it('accepts standard 4-byte UTF-8 as NodeLink writes it', () => {
    const title = utf([0x41, 0xf0, 0x9f, 0x8c, 0xbf]);
    expect(decodeTrack(v3({ title })).info.title).toBe('A🌿');
  });

  it.each([
    ['a lone continuation byte', [0x80]],
    ['a cut 2-byte sequence', [0x41, 0xc3]],
    ['a cut 3-byte sequence', [0xe3, 0x81]],
    ['a bad continuation', [0xe3, 0x41, 0x81]],
    ['an overlong 4-byte form', [0xf0, 0x80, 0x80, 0x80]],
    ['a code point above U+10FFFF', [0xf4, 0x90, 0x80, 0x80]],
    ['a 5-byte lead', [0xf8, 0x88, 0x80, 0x80, 0x80]],
  ])('rejects %s', (_, bytes) => {
    decodeFails(v3({ title: utf(bytes) }), /title has a malformed UTF-8 sequence/);
  });

  it('allows 65535 bytes and rejects more, counting modified UTF-8 bytes', () => {
    expect(roundTrip('x'.repeat(65_535))).toHaveLength(65_535);
    encodeFails({ ...base, title: 'x'.repeat(65_536) }, /`title` is 65536 bytes.*65535/);
    encodeFails({ ...base, author: '猫'.repeat(21_846) }, /`author` is 65538 bytes/);
    encodeFails({ ...base, isrc: '\u0000'.repeat(32_768) }, /`isrc` is 65536 bytes/);
  });
});

describe('numbers', () => {
  it('maps a stream’s Long.MAX_VALUE length to MAX_SAFE_INTEGER and back', () => {
    const stream = { ...base, isStream: true, length: Number.MAX_SAFE_INTEGER };
    const encoded = encodeTrack(stream);
    expect(bytesOf(encoded).includes(long(0x7fffffffffffffffn))).toBe(true);
    const { info } = decodeTrack(encoded);
    expect(info).toMatchObject({ length: Number.MAX_SAFE_INTEGER, isStream: true, isSeekable: false });
    expect(encodeTrack(info)).toBe(encoded);
    expect(encodeTrack({ ...stream, length: 2 ** 60 })).toBe(encoded);
  });

  it('keeps large safe values exact and defaults position to 0', () => {
    const { position: _, ...noPosition } = base;
    const info = decodeTrack(encodeTrack({ ...noPosition, length: Number.MAX_SAFE_INTEGER - 1 })).info;
    expect(info).toMatchObject({ length: Number.MAX_SAFE_INTEGER - 1, position: 0 });
  });

  it('reads position from the last 8 bytes, skipping unknown source bytes', () => {
    const encoded = encodeTrack(base, { sourceSpecific: Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9]) });
    expect(decodeTrack(encoded).info).toEqual({ ...base, isSeekable: true });
    expect(Array.from(decodeTrackDetailed(encoded).sourceSpecific)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });
});

describe('decoding bad input', () => {
  const valid = vectors[0]!.encoded;

  it.each([123, null, undefined, {}, Buffer.from(valid, 'base64')])('rejects a non-string (%s)', (input) => {
    decodeFails(input, /expected a base64 string/);
  });

  it('rejects an empty string', () => decodeFails('', /empty/));

  it.each([
    [
      'junk character',
      `${valid.slice(0, 10)}!${valid.slice(11)}`,
      /invalid base64 character "!" at index 10/,
    ],
    ['whitespace', ` ${valid}`, /invalid base64 character " "/],
    ['URL-safe alphabet', valid.replace('QAAA', 'QA-_'), /invalid base64 character "-"/],
    ['padding in the middle', `QAAA=${valid.slice(4)}`, /invalid base64 character "="/],
    ['wrong padding', `${valid.slice(0, -2)}=`, /invalid base64 length/],
    ['a dangling character', `${valid.slice(0, -2)}AAA`, /invalid base64 length/],
  ])('rejects invalid base64: %s', (_, input, message) => decodeFails(input, message));

  it('rejects a truncated blob (declared size larger than the data)', () => {
    decodeFails(valid.slice(0, 80), /declares 141 bytes but 56 follow \(truncated\)/);
    decodeFails('QAA=', /too short for the 4-byte header/);
  });

  it('rejects a string length past the end of the fields', () => {
    decodeFails(
      v3({ title: Buffer.from([0xff, 0xff, 0x41]) }),
      /title \(65537 bytes at offset 5\) runs past/,
    );
    // The trailing 8 bytes are the position, never read as a field.
    const noIdentifier = blob([[3], utf('t'), utf('a'), long(1n), long(0n)]);
    decodeFails(noIdentifier, /identifier \(2 bytes at offset 19\) runs past the end of the data/);
  });

  it.each([0, 4, 255])('rejects unknown version %i', (version) => {
    decodeFails(blob([[version], Buffer.alloc(40)]), new RegExp(`unsupported version ${version}`));
  });

  it('rejects unknown header flags', () => decodeFails(v3().replace(/^Q/, 'g'), /unknown header flags 2/));

  it('rejects negative lengths and positions', () => {
    decodeFails(v3({ length: -1n }), /length is negative \(-1\)/);
    decodeFails(v3({ position: -5n }), /position is negative/);
  });

  it('rejects a message too short for the position', () => {
    decodeFails(blob([[3, 0, 0, 0, 0, 0, 0, 0]]), /8-byte message is too short/);
    decodeFails(blob([[0, 0, 0, 0, 0, 0, 0]], 0), /7-byte message is too short/);
  });

  it('rejects a boolean byte other than 0 or 1', () => {
    decodeFails(v3({ isStream: 2 }), /isStream flag is 2, expected 0 or 1/);
  });

  it('ignores bytes after the declared message, as lavaplayer does', () => {
    const padded = Buffer.concat([bytesOf(valid), Buffer.from([9, 9, 9])]).toString('base64');
    expect(decodeTrack(padded).info).toEqual(decodeTrack(valid).info);
  });

  it('accepts unpadded base64 (Java does)', () => {
    expect(decodeTrack(valid.replace(/=+$/, '')).info).toEqual(decodeTrack(valid).info);
  });
});

describe('encoding bad input', () => {
  it.each([
    ['length', NaN],
    ['length', Infinity],
    ['length', -1],
    ['length', 1.5],
    ['length', '100'],
    ['position', -1],
    ['position', NaN],
  ])('rejects %s = %s', (field, value) => {
    encodeFails({ ...base, [field]: value }, new RegExp(`\`${field}\` must be a non-negative integer`));
  });

  it.each(['title', 'author', 'identifier', 'sourceName'])('rejects a non-string %s', (field) => {
    encodeFails({ ...base, [field]: 42 }, new RegExp(`\`${field}\` must be a string, received 42`));
    encodeFails({ ...base, [field]: undefined }, new RegExp(`\`${field}\` must be a string`));
  });

  it('rejects other invalid fields and options', () => {
    encodeFails({ ...base, uri: 5 }, /`uri` must be a string/);
    encodeFails({ ...base, isStream: 'yes' }, /`isStream` must be a boolean/);
    encodeFails(null, /expected an object/);
    encodeFails(base, /unknown version 4/, { version: 4 });
    encodeFails(base, /`sourceSpecific` must be a Uint8Array/, { sourceSpecific: [1, 2] });
  });
});

describe('source-specific helpers', () => {
  it('round-trips probe info with parameters', () => {
    expect(readProbeInfo(writeProbeInfo('matroska/webm|codec=opus'))).toBe('matroska/webm|codec=opus');
    expect(readProbeInfo(new Uint8Array(0))).toBeNull();
    expect(readProbeInfo(Uint8Array.from([0, 9, 0x41]))).toBeNull();
    expect(() => writeProbeInfo('x'.repeat(70_000))).toThrow(TrackCodecError);
  });

  it('reads older LavaSrc blobs that lack some or all extra fields', () => {
    const none = readLavaSrcFields(new Uint8Array(6)); // five absent strings, isPreview false
    expect(none && Object.values(none)).toEqual([null, null, null, null, null, false]);
    expect(writeLavaSrcFields({})).toEqual(new Uint8Array(6));
    expect(readLavaSrcFields(new Uint8Array(0))).toEqual(none);
    const albumOnly = writeLavaSrcFields({ albumName: 'Album' }).subarray(0, 8);
    expect(readLavaSrcFields(albumOnly)).toEqual({ ...none, albumName: 'Album' });
  });

  it('round-trips LavaSrc fields through a track and rejects foreign layouts', () => {
    const fields = { albumName: 'Ålbum', albumUrl: null, artistUrl: 'u', previewUrl: 'p', isPreview: true };
    const sourceSpecific = writeLavaSrcFields(fields);
    const decoded = decodeTrackDetailed(encodeTrack({ ...base, sourceName: 'spotify' }, { sourceSpecific }));
    expect(readLavaSrcFields(decoded.sourceSpecific)).toEqual({ ...fields, artistArtworkUrl: null });
    expect(readLavaSrcFields(Uint8Array.from([7]))).toBeNull();
    expect(() => writeLavaSrcFields({ isPreview: 1 as unknown as boolean })).toThrow(TrackCodecError);
  });
});
