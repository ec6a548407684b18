import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { ErrorCodes, TrackCodecError } from '../../../src/errors.js';
import type { Track } from '../../../src/protocol/track.js';
import {
  decodeTrack,
  decodeTrackDetailed,
  encodeTrack,
  readLavaSrcFields,
  readProbeInfo,
  writeLavaSrcFields,
  writeProbeInfo,
  type EncodableTrackInfo,
  type TrackBlobVersion,
} from '../../../src/protocol/track-codec.js';
import { loadTrackVectors } from '../../fixtures/track-vectors.js';

const vectors = loadTrackVectors();

// Any UTF-16 code unit (lone surrogates included), astral characters, and NUL made likely.
const anyUnit = fc.oneof(
  fc.integer({ min: 0, max: 0xffff }).map((unit) => String.fromCharCode(unit)),
  fc.integer({ min: 0x10000, max: 0x10ffff }).map((codePoint) => String.fromCodePoint(codePoint)),
  fc.constantFrom('\u0000', 'é', '猫', '🌿', 'a'),
);
const text = fc.oneof(
  fc.string({ unit: anyUnit, maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
);
const nullableText = fc.option(text, { nil: null });
const millis = fc.oneof(fc.maxSafeNat(), fc.constant(Number.MAX_SAFE_INTEGER), fc.nat(1_000_000));

const trackInfo: fc.Arbitrary<EncodableTrackInfo & { position: number }> = fc.record({
  title: text,
  author: text,
  length: millis,
  identifier: text,
  isStream: fc.boolean(),
  uri: nullableText,
  artworkUrl: nullableText,
  isrc: nullableText,
  sourceName: text,
  position: millis,
});
const version = fc.constantFrom<TrackBlobVersion>(1, 2, 3);
const sourceSpecific = fc.uint8Array({ maxLength: 64 });

/** Decoding either yields a well-formed Track or throws a TrackCodecError with the decode code. */
function decodesOrFailsCleanly(encoded: string): Track | null {
  try {
    const track = decodeTrack(encoded);
    const { info } = track;
    for (const field of [info.title, info.author, info.identifier, info.sourceName]) {
      expect(typeof field).toBe('string');
    }
    for (const value of [info.length, info.position]) {
      expect(Number.isSafeInteger(value) && value >= 0).toBe(true);
    }
    expect(info.isSeekable).toBe(!info.isStream);
    return track;
  } catch (error) {
    if (!(error instanceof TrackCodecError)) throw error;
    expect(error.code).toBe(ErrorCodes.TrackDecode);
    return null;
  }
}

describe('track codec properties', () => {
  it('round-trips arbitrary tracks through encode and decode', () => {
    fc.assert(
      fc.property(trackInfo, version, sourceSpecific, (info, v, bytes) => {
        const encoded = encodeTrack(info, { version: v, sourceSpecific: bytes });
        const decoded = decodeTrackDetailed(encoded);
        expect(decoded.version).toBe(v);
        expect(decoded.info).toEqual({
          ...info,
          isSeekable: !info.isStream,
          uri: v >= 2 ? info.uri : null,
          artworkUrl: v >= 3 ? info.artworkUrl : null,
          isrc: v >= 3 ? info.isrc : null,
        });
        expect(Array.from(decoded.sourceSpecific)).toEqual(Array.from(bytes));
        expect(encodeTrack(decoded.info, { version: v, sourceSpecific: decoded.sourceSpecific })).toBe(
          encoded,
        );
      }),
      { numRuns: 500 },
    );
  });

  it('round-trips probe info and LavaSrc fields', () => {
    fc.assert(
      fc.property(text, (probeInfo) => {
        expect(readProbeInfo(writeProbeInfo(probeInfo))).toBe(probeInfo);
      }),
    );
    const lavaSrc = fc.record({
      albumName: nullableText,
      albumUrl: nullableText,
      artistUrl: nullableText,
      artistArtworkUrl: nullableText,
      previewUrl: nullableText,
      isPreview: fc.boolean(),
    });
    fc.assert(
      fc.property(lavaSrc, (fields) => {
        expect(readLavaSrcFields(writeLavaSrcFields(fields))).toEqual(fields);
      }),
    );
  });

  it('never throws anything but a TrackCodecError on random bytes or strings', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        decodesOrFailsCleanly(Buffer.from(bytes).toString('base64'));
      }),
      { numRuns: 1000 },
    );
    fc.assert(
      fc.property(fc.string(), (input) => void decodesOrFailsCleanly(input)),
      { numRuns: 500 },
    );
  });

  it('never throws anything but a TrackCodecError on mutated or truncated real blobs', () => {
    const blobs = vectors.map((v) => Buffer.from(v.encoded, 'base64'));
    const mutation = fc.record({
      blob: fc.constantFrom(...blobs),
      edits: fc.array(fc.record({ at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }), { maxLength: 4 }),
      cut: fc.option(fc.nat()),
    });
    fc.assert(
      fc.property(mutation, ({ blob, edits, cut }) => {
        const bytes = Buffer.from(blob);
        for (const { at, value } of edits) bytes[at % bytes.length] = value;
        const mutated = cut === null ? bytes : bytes.subarray(0, cut % (bytes.length + 1));
        decodesOrFailsCleanly(mutated.toString('base64'));
      }),
      { numRuns: 2000 },
    );
  });

  it('rejects base64 text with a foreign character, and never throws anything else', () => {
    const edit = fc.record({
      encoded: fc.constantFrom(...vectors.map((v) => v.encoded)),
      at: fc.nat(),
      char: fc.string({ unit: 'binary-ascii', minLength: 1, maxLength: 1 }),
    });
    fc.assert(
      fc.property(edit, ({ encoded, at, char }) => {
        const i = at % encoded.length;
        const result = decodesOrFailsCleanly(encoded.slice(0, i) + char + encoded.slice(i + 1));
        if (!/[A-Za-z0-9+/=]/.test(char)) expect(result).toBeNull();
      }),
      { numRuns: 1000 },
    );
  });
});
