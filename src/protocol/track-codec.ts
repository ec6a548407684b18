/**
 * Local codec for lavaplayer's encoded track blobs (protocol reference §9), so a client can read a
 * track's fields or build a blob without a REST round trip to `/v4/decodetrack`.
 */

import { TrackCodecError } from '../errors.js';
import {
  BlobReader,
  BlobWriter,
  decodeError,
  describe,
  encodeError,
  measureNullableText,
  measureText,
  type MeasuredText,
} from './java-data.js';
import type { Track, TrackInfo } from './track.js';

/** A blob version: 1 has no uri, 2 adds uri, 3 (what current servers write) adds artworkUrl and isrc. */
export type TrackBlobVersion = 1 | 2 | 3;

/** Everything stored in an encoded track. */
export interface DecodedTrack {
  version: TrackBlobVersion;
  info: TrackInfo;
  /** Opaque bytes the source manager wrote between `sourceName` and the trailing position. */
  sourceSpecific: Uint8Array;
  encoded: string;
}

/** The track fields {@link encodeTrack} stores; `isSeekable` is derived, never stored. */
export interface EncodableTrackInfo {
  title: string;
  author: string;
  /** Length in ms; `Number.MAX_SAFE_INTEGER` or more is written as Java's `Long.MAX_VALUE` (a stream). */
  length: number;
  identifier: string;
  isStream: boolean;
  uri?: string | null | undefined;
  artworkUrl?: string | null | undefined;
  isrc?: string | null | undefined;
  sourceName: string;
  /** @defaultValue 0 */
  position?: number | undefined;
}

/** Options of {@link encodeTrack}. */
export interface EncodeTrackOptions {
  /** @defaultValue 3 */
  version?: TrackBlobVersion | undefined;
  /** Bytes the source manager reads back, e.g. from {@link writeProbeInfo}. @defaultValue empty */
  sourceSpecific?: Uint8Array | undefined;
}

const HEADER_BYTES = 4;
const POSITION_BYTES = 8;
const VERSIONED_FLAG = 1;
const MAX_MESSAGE_BYTES = 0x3fffffff;
const LONG_MAX = 0x7fffffffffffffffn;
const EMPTY = new Uint8Array(0);

// The standard alphabet (Java's Base64.getDecoder) and up to two padding characters.
const BASE64_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const BASE64_TEXT = /^[A-Za-z0-9+/]*={0,2}$/;

/** Decodes a base64 lavaplayer track blob locally (no REST); `isSeekable` is `!isStream`. */
export function decodeTrack(encoded: string): Track {
  const { info } = decodeBlob(encoded, false);
  return { encoded, info, pluginInfo: {}, userData: {} };
}

/** Decodes a track blob with its format details: version and source-specific bytes. */
export function decodeTrackDetailed(encoded: string): DecodedTrack {
  const { version, info, sourceSpecific } = decodeBlob(encoded, true);
  return { version, info, sourceSpecific, encoded };
}

/**
 * Encodes track fields to a base64 blob (version 3 unless told otherwise). Fields the chosen
 * version cannot store are left out: `uri` below 2, `artworkUrl` and `isrc` below 3.
 */
export function encodeTrack(info: EncodableTrackInfo, options: EncodeTrackOptions = {}): string {
  const plan = planTrack(info, options);
  const out = new BlobWriter(Buffer.allocUnsafe(HEADER_BYTES + plan.size));
  // Version 1 predates the version byte, so it is written unversioned, as old lavaplayer did.
  out.view.setUint32(0, plan.version > 1 ? ((VERSIONED_FLAG << 30) | plan.size) >>> 0 : plan.size);
  out.at = HEADER_BYTES;
  if (plan.version > 1) out.byte(plan.version);
  out.text(plan.title);
  out.text(plan.author);
  out.long(plan.length);
  out.text(plan.identifier);
  out.byte(plan.isStream ? 1 : 0);
  for (const text of plan.versionedTexts) out.nullableText(text);
  out.text(plan.sourceName);
  out.bytes(plan.sourceSpecific);
  out.long(plan.position);
  return out.buffer.toString('base64');
}

/**
 * Reads the probe info (`mp3`, `matroska/webm`, …, maybe `|parameters`) of http/local tracks; null
 * when the bytes are not exactly one string, as with other sources.
 */
export function readProbeInfo(sourceSpecific: Uint8Array): string | null {
  const reader = readerOver(sourceSpecific);
  if (reader === null || reader.at === reader.end) return null;
  try {
    const probeInfo = reader.text('probe info');
    // Other layouts (LavaSrc's starts with a flag byte) can parse as a shorter string; exactness tells.
    return reader.at === reader.end ? probeInfo : null;
  } catch (error) {
    if (error instanceof TrackCodecError) return null;
    throw error;
  }
}

/** Builds the source-specific bytes of an http/local track from its probe info. */
export function writeProbeInfo(probeInfo: string): Uint8Array {
  const text = measureText('probeInfo', probeInfo);
  // Buffer.alloc, unlike allocUnsafe, never hands out a slice of the shared pool.
  const out = new BlobWriter(Buffer.alloc(2 + text.bytes));
  out.text(text);
  return out.toUint8Array();
}

/** The extra fields LavaSrc sources (spotify, deezer, applemusic, …) store after `sourceName`. */
export interface LavaSrcFields {
  albumName: string | null;
  albumUrl: string | null;
  artistUrl: string | null;
  artistArtworkUrl: string | null;
  previewUrl: string | null;
  isPreview: boolean;
}

const LAVASRC_TEXT_FIELDS = ['albumName', 'albumUrl', 'artistUrl', 'artistArtworkUrl', 'previewUrl'] as const;

/**
 * Reads LavaSrc's extra fields. Older blobs lack some or all of them (LavaSrc added them later), so
 * missing trailing fields read as null/false; returns null when the bytes are not in LavaSrc's layout.
 */
export function readLavaSrcFields(sourceSpecific: Uint8Array): LavaSrcFields | null {
  const reader = readerOver(sourceSpecific);
  if (reader === null) return null;
  const fields: LavaSrcFields = {
    albumName: null,
    albumUrl: null,
    artistUrl: null,
    artistArtworkUrl: null,
    previewUrl: null,
    isPreview: false,
  };
  try {
    for (const name of LAVASRC_TEXT_FIELDS) {
      if (reader.at === reader.end) return fields;
      fields[name] = reader.nullableText(name);
    }
    if (reader.at < reader.end) fields.isPreview = reader.boolean('isPreview');
    return fields;
  } catch (error) {
    if (error instanceof TrackCodecError) return null;
    throw error;
  }
}

/** Builds the source-specific bytes of a LavaSrc track; omitted fields are written as null/false. */
export function writeLavaSrcFields(fields: Partial<LavaSrcFields>): Uint8Array {
  const texts = LAVASRC_TEXT_FIELDS.map((name) => measureNullableText(name, fields[name]));
  const isPreview = fields.isPreview ?? false;
  if (typeof isPreview !== 'boolean') throw encodeError(`\`isPreview\` must be a boolean`);
  let size = 1;
  for (const text of texts) size += text === null ? 1 : 3 + text.bytes;
  const out = new BlobWriter(Buffer.alloc(size));
  for (const text of texts) out.nullableText(text);
  out.byte(isPreview ? 1 : 0);
  return out.toUint8Array();
}

// ---- decoding --------------------------------------------------------------------------------

function decodeBlob(encoded: string, withSourceSpecific: boolean): Omit<DecodedTrack, 'encoded'> {
  const bytes = base64ToBytes(encoded);
  const { reader, version } = readHeader(bytes);
  // Properties are evaluated in source order, which is the order they are stored in.
  const info: TrackInfo = {
    title: reader.text('title'),
    author: reader.text('author'),
    length: reader.long('length'),
    identifier: reader.text('identifier'),
    isStream: reader.boolean('isStream'),
    uri: version >= 2 ? reader.nullableText('uri') : null,
    artworkUrl: version >= 3 ? reader.nullableText('artworkUrl') : null,
    isrc: version >= 3 ? reader.nullableText('isrc') : null,
    sourceName: reader.text('sourceName'),
    isSeekable: false,
    position: 0,
  };
  info.isSeekable = !info.isStream;
  const fieldsEnd = reader.end;
  // Copied so callers never hold a view into Node's shared Buffer pool.
  const sourceSpecific = withSourceSpecific ? new Uint8Array(bytes.subarray(reader.at, fieldsEnd)) : EMPTY;
  // Position is taken from the last 8 bytes, so fields of sources we do not know are skipped unread.
  reader.at = fieldsEnd;
  reader.end = fieldsEnd + POSITION_BYTES;
  info.position = reader.long('position');
  return { version, info, sourceSpecific };
}

/** Checks the header and returns a reader over the fields (the message minus its trailing position). */
function readHeader(bytes: Buffer): { reader: BlobReader; version: TrackBlobVersion } {
  if (bytes.length < HEADER_BYTES) {
    throw decodeError(`only ${bytes.length} bytes, too short for the 4-byte header`);
  }
  const header = bytes.readUInt32BE(0);
  const flags = header >>> 30;
  const size = header & MAX_MESSAGE_BYTES;
  if (flags > VERSIONED_FLAG) throw decodeError(`unknown header flags ${flags} (corrupted)`);
  // Bytes after the message are ignored, like lavaplayer's MessageInput reading one message.
  const available = bytes.length - HEADER_BYTES;
  if (size > available) {
    throw decodeError(`the header declares ${size} bytes but ${available} follow (truncated)`);
  }
  const versioned = flags === VERSIONED_FLAG;
  if (size < POSITION_BYTES + (versioned ? 1 : 0)) {
    throw decodeError(`the ${size}-byte message is too short to hold the fields and position`);
  }
  const reader = new BlobReader(bytes, HEADER_BYTES, HEADER_BYTES + size - POSITION_BYTES);
  const version = versioned ? reader.byte('version') : 1;
  if (version < 1 || version > 3) throw decodeError(`unsupported version ${version} (known: 1, 2, 3)`);
  return { reader, version: version as TrackBlobVersion };
}

function base64ToBytes(encoded: unknown): Buffer {
  if (typeof encoded !== 'string') {
    throw decodeError(`expected a base64 string, received ${describe(encoded)}`);
  }
  if (encoded.length === 0) throw decodeError('the string is empty');
  let end = encoded.length;
  if (encoded.charCodeAt(end - 1) === 0x3d) end -= encoded.charCodeAt(end - 2) === 0x3d ? 2 : 1;
  // Buffer.from(…, 'base64') skips characters it does not know, which would hide corruption. The
  // anchored character-class regex measured faster than a charCode loop; the search below only
  // runs to name the offending character.
  if (!BASE64_TEXT.test(encoded)) {
    const at = [...encoded.slice(0, end)].findIndex((c) => !BASE64_ALPHABET.includes(c));
    throw decodeError(`invalid base64 character ${JSON.stringify(encoded.charAt(at))} at index ${at}`);
  }
  // Padding is optional (Java accepts both), but when present it must complete a 4-character group.
  if (end % 4 === 1 || (end !== encoded.length && encoded.length % 4 !== 0)) {
    throw decodeError(`invalid base64 length ${encoded.length} (truncated or wrongly padded)`);
  }
  return Buffer.from(encoded, 'base64');
}

function readerOver(source: Uint8Array): BlobReader | null {
  if (!(source instanceof Uint8Array)) return null;
  return new BlobReader(Buffer.from(source.buffer, source.byteOffset, source.length), 0, source.length);
}

// ---- encoding --------------------------------------------------------------------------------

function toLong(field: string, value: unknown): bigint {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw encodeError(`\`${field}\` must be a non-negative integer (ms), received ${describe(value)}`);
  }
  // Mirrors decoding: the stand-in for a stream's length goes back to Java's Long.MAX_VALUE.
  return value >= Number.MAX_SAFE_INTEGER ? LONG_MAX : BigInt(value);
}

/** Validates the fields, measures the strings and sizes the message, before anything is allocated. */
function planTrack(info: EncodableTrackInfo, options: EncodeTrackOptions) {
  if (typeof info !== 'object' || info === null || typeof options !== 'object' || options === null) {
    throw encodeError(`expected an object of track fields and an options object, received ${describe(info)}`);
  }
  const version = options.version ?? 3;
  if (version !== 1 && version !== 2 && version !== 3) {
    throw encodeError(`unknown version ${describe(version)} (known: 1, 2, 3)`);
  }
  const sourceSpecific = options.sourceSpecific ?? EMPTY;
  if (!(sourceSpecific instanceof Uint8Array)) {
    throw encodeError(`\`sourceSpecific\` must be a Uint8Array, received ${describe(sourceSpecific)}`);
  }
  if (typeof info.isStream !== 'boolean') {
    throw encodeError(`\`isStream\` must be a boolean, received ${describe(info.isStream)}`);
  }
  // uri (version >= 2), then artworkUrl and isrc (version >= 3).
  const versionedTexts: (MeasuredText | null)[] = [];
  if (version >= 2) versionedTexts.push(measureNullableText('uri', info.uri));
  if (version >= 3) versionedTexts.push(measureNullableText('artworkUrl', info.artworkUrl));
  if (version >= 3) versionedTexts.push(measureNullableText('isrc', info.isrc));
  const plan = {
    version,
    title: measureText('title', info.title),
    author: measureText('author', info.author),
    length: toLong('length', info.length),
    identifier: measureText('identifier', info.identifier),
    isStream: info.isStream,
    versionedTexts,
    sourceName: measureText('sourceName', info.sourceName),
    sourceSpecific,
    position: toLong('position', info.position ?? 0),
    size: (version > 1 ? 1 : 0) + 8 + 1 + sourceSpecific.length + POSITION_BYTES,
  };
  for (const text of [plan.title, plan.author, plan.identifier, plan.sourceName]) plan.size += 2 + text.bytes;
  for (const text of versionedTexts) plan.size += text === null ? 1 : 3 + text.bytes;
  if (plan.size > MAX_MESSAGE_BYTES) {
    throw encodeError(`the track needs ${plan.size} bytes; a blob holds at most ${MAX_MESSAGE_BYTES}`);
  }
  return plan;
}
