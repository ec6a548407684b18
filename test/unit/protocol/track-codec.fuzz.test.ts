/**
 * Track codec fuzzing beyond track-codec.property.test.ts: optional fields left out, source-specific
 * bytes (probe info, LavaSrc) carried through whole blobs, and encoding of wrongly typed or oversized
 * fields, which must either succeed or fail with ERR_TRACK_ENCODE, exactly as an independent oracle says.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { ErrorCodes, TrackCodecError } from '../../../src/errors.js';
import {
  decodeTrackDetailed,
  encodeTrack,
  readLavaSrcFields,
  readProbeInfo,
  writeLavaSrcFields,
  writeProbeInfo,
  type EncodableTrackInfo,
  type EncodeTrackOptions,
} from '../../../src/protocol/track-codec.js';

const text = fc.string({ unit: 'binary', maxLength: 24 });
const millis = fc.oneof(fc.maxSafeNat(), fc.nat(1_000_000));
const version = fc.constantFrom(1 as const, 2 as const, 3 as const);

/** Track fields with every optional one maybe left out. */
const sparseInfo = fc.record(
  {
    title: text,
    author: text,
    length: millis,
    identifier: text,
    isStream: fc.boolean(),
    uri: fc.option(text, { nil: null }),
    artworkUrl: fc.option(text, { nil: null }),
    isrc: fc.option(text, { nil: null }),
    sourceName: text,
    position: millis,
  },
  { requiredKeys: ['title', 'author', 'length', 'identifier', 'isStream', 'sourceName'] },
);

// A string over writeUTF's 65535-byte limit: 2 bytes per `é` in modified UTF-8.
const TOO_LONG = 'é'.repeat(40_000);
const badText = fc.constantFrom<unknown>(null, undefined, 1, true, {}, [], TOO_LONG, '\u0000'.repeat(32_768));
const badNumber = fc.constantFrom<unknown>(-1, 0.5, NaN, Infinity, -Infinity, '1', null, 1e300, 2 ** 53);

/** A field that is valid or, one time in three, anything. */
const maybeBad = (valid: fc.Arbitrary<unknown>, bad: fc.Arbitrary<unknown>) =>
  fc.oneof({ weight: 2, arbitrary: valid }, { weight: 1, arbitrary: bad });

const anyInfo = fc.record(
  {
    title: maybeBad(text, badText),
    author: maybeBad(text, badText),
    length: maybeBad(millis, badNumber),
    identifier: maybeBad(text, badText),
    isStream: maybeBad(fc.boolean(), fc.constantFrom<unknown>(0, 'true', null)),
    uri: maybeBad(fc.option(text, { nil: null }), badText),
    artworkUrl: maybeBad(fc.option(text, { nil: null }), badText),
    isrc: maybeBad(fc.option(text, { nil: null }), badText),
    sourceName: maybeBad(text, badText),
    position: maybeBad(millis, badNumber),
  },
  { requiredKeys: [] },
);
const anyOptions = fc.record(
  {
    version: maybeBad(version, fc.constantFrom<unknown>(0, 4, '3', null, 2.5)),
    sourceSpecific: maybeBad(
      fc.uint8Array({ maxLength: 16 }),
      fc.constantFrom<unknown>([1, 2], 'ab', {}, null),
    ),
  },
  { requiredKeys: [] },
);

/** Bytes in Java's modified UTF-8, counted independently of java-data.ts. */
function utfBytes(value: string): number {
  let bytes = 0;
  for (const unit of Array.from({ length: value.length }, (_, i) => value.charCodeAt(i))) {
    bytes += unit === 0 || (unit >= 0x80 && unit < 0x800) ? 2 : unit < 0x80 ? 1 : 3;
  }
  return bytes;
}

const fitsText = (v: unknown) => typeof v === 'string' && utfBytes(v) <= 0xffff;
const fitsNullable = (v: unknown) => v === null || v === undefined || fitsText(v);
const fitsLong = (v: unknown) => typeof v === 'number' && Number.isInteger(v) && v >= 0;

/** Whether encodeTrack must succeed on these fields; `null` and `undefined` options and position mean defaults. */
function encodable(info: Record<string, unknown>, options: Record<string, unknown>): boolean {
  const v = options.version ?? 3;
  if (v !== 1 && v !== 2 && v !== 3) return false;
  const bytes = options.sourceSpecific;
  return (
    (bytes == null || bytes instanceof Uint8Array) &&
    typeof info.isStream === 'boolean' &&
    ['title', 'author', 'identifier', 'sourceName'].every((k) => fitsText(info[k])) &&
    (v < 2 || fitsNullable(info.uri)) &&
    (v < 3 || (fitsNullable(info.artworkUrl) && fitsNullable(info.isrc))) &&
    fitsLong(info.length) &&
    fitsLong(info.position ?? 0)
  );
}

describe('track codec fuzzing', () => {
  it('round-trips tracks whose optional fields and version are left out', () => {
    fc.assert(
      fc.property(sparseInfo, fc.option(version, { nil: undefined }), (info, v) => {
        const decoded = decodeTrackDetailed(encodeTrack(info, v === undefined ? {} : { version: v }));
        const effective = v ?? 3;
        expect(decoded.version).toBe(effective);
        expect(decoded.info).toEqual({
          title: info.title,
          author: info.author,
          length: info.length,
          identifier: info.identifier,
          isStream: info.isStream,
          isSeekable: !info.isStream,
          uri: effective >= 2 ? (info.uri ?? null) : null,
          artworkUrl: effective >= 3 ? (info.artworkUrl ?? null) : null,
          isrc: effective >= 3 ? (info.isrc ?? null) : null,
          sourceName: info.sourceName,
          position: info.position ?? 0,
        });
      }),
      { numRuns: 500 },
    );
  });

  it('carries probe info and LavaSrc fields through whole blobs of every version', () => {
    const lavaSrc = fc.record(
      {
        albumName: fc.option(text, { nil: null }),
        albumUrl: fc.option(text, { nil: null }),
        artistUrl: fc.option(text, { nil: null }),
        artistArtworkUrl: fc.option(text, { nil: null }),
        previewUrl: fc.option(text, { nil: null }),
        isPreview: fc.boolean(),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(sparseInfo, version, text, lavaSrc, (info, v, probe, fields) => {
        const probeBlob = encodeTrack(info, { version: v, sourceSpecific: writeProbeInfo(probe) });
        expect(readProbeInfo(decodeTrackDetailed(probeBlob).sourceSpecific)).toBe(probe);
        const lavaSrcBlob = encodeTrack(info, { version: v, sourceSpecific: writeLavaSrcFields(fields) });
        expect(readLavaSrcFields(decodeTrackDetailed(lavaSrcBlob).sourceSpecific)).toEqual({
          albumName: null,
          albumUrl: null,
          artistUrl: null,
          artistArtworkUrl: null,
          previewUrl: null,
          isPreview: false,
          ...fields,
        });
      }),
      { numRuns: 300 },
    );
  });

  it('encodes exactly the fields that fit, and fails on the others with ERR_TRACK_ENCODE only', () => {
    fc.assert(
      fc.property(anyInfo, anyOptions, (info, options) => {
        let encoded: string | null = null;
        try {
          encoded = encodeTrack(info as unknown as EncodableTrackInfo, options as EncodeTrackOptions);
        } catch (error) {
          if (!(error instanceof TrackCodecError)) throw error;
          expect(error.code).toBe(ErrorCodes.TrackEncode);
        }
        expect(encoded !== null, JSON.stringify({ info, options }).slice(0, 300)).toBe(
          encodable(info, options),
        );
        if (encoded !== null) {
          const decoded = decodeTrackDetailed(encoded);
          expect(decoded.info.title).toBe(info.title);
          expect(decoded.info.position).toBe(Math.min(Number(info.position ?? 0), Number.MAX_SAFE_INTEGER));
        }
      }),
      { numRuns: 1500 },
    );
  });
});
