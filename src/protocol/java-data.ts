/**
 * The subset of Java's `DataInput`/`DataOutput` that lavaplayer track blobs use (protocol reference §9):
 * big-endian integers and "modified UTF-8" strings. Modified UTF-8 differs from UTF-8 in two ways:
 * U+0000 is written as `C0 80`, and characters outside the BMP as their two UTF-16 surrogates, three
 * bytes each.
 *
 * @internal
 */

import { ErrorCodes, TrackCodecError } from '../errors.js';

/** The most bytes one string may take: `writeUTF` prefixes it with a uint16 byte count. */
export const MAX_UTF_BYTES = 0xffff;

/** Byte length of `text` in modified UTF-8 (counted per UTF-16 code unit, as Java does). */
export function modifiedUtf8Length(text: string): number {
  let length = text.length;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    // One extra byte for U+0000 and U+0080..U+07FF, two for U+0800..U+FFFF (surrogates included).
    if (unit >= 0x80 || unit === 0) length += unit >= 0x800 ? 2 : 1;
  }
  return length;
}

/**
 * Writes `text` into `target` at `offset` and returns the offset after it. `byteLength` must be
 * {@link modifiedUtf8Length}`(text)`; when it equals `text.length` every unit is 1..0x7F, so the
 * native latin1 writer produces the same bytes faster.
 */
export function writeModifiedUtf8(text: string, byteLength: number, target: Buffer, offset: number): number {
  if (byteLength === text.length) return offset + target.write(text, offset, byteLength, 'latin1');
  let p = offset;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit > 0 && unit < 0x80) {
      target[p++] = unit;
    } else if (unit < 0x800) {
      target[p++] = 0xc0 | (unit >> 6);
      target[p++] = 0x80 | (unit & 0x3f);
    } else {
      target[p++] = 0xe0 | (unit >> 12);
      target[p++] = 0x80 | ((unit >> 6) & 0x3f);
      target[p++] = 0x80 | (unit & 0x3f);
    }
  }
  return p;
}

/**
 * Reads `bytes[start, end)` as modified UTF-8. Also accepts standard 4-byte UTF-8, which non-Java
 * encoders such as NodeLink write. Throws a {@link TrackCodecError} on malformed bytes rather than
 * inserting replacement characters, so a corrupted blob never becomes a plausible-looking title.
 */
export function decodeModifiedUtf8(bytes: Buffer, start: number, end: number, what: string): string {
  const units: number[] = [];
  let i = start;
  while (i < end) {
    const a = bytes[i]!;
    if (a < 0x80) {
      units.push(a);
      i += 1;
    } else if ((a & 0xe0) === 0xc0) {
      const b = continuation(bytes, i, 1, end, what);
      units.push(((a & 0x1f) << 6) | b);
      i += 2;
    } else if ((a & 0xf0) === 0xe0) {
      const b = continuation(bytes, i, 1, end, what);
      const c = continuation(bytes, i, 2, end, what);
      units.push(((a & 0x0f) << 12) | (b << 6) | c);
      i += 3;
    } else if ((a & 0xf8) === 0xf0) {
      const b = continuation(bytes, i, 1, end, what);
      const c = continuation(bytes, i, 2, end, what);
      const d = continuation(bytes, i, 3, end, what);
      const codePoint = ((a & 0x07) << 18) | (b << 12) | (c << 6) | d;
      if (codePoint < 0x10000 || codePoint > 0x10ffff) throw malformed(what, i);
      const offset = codePoint - 0x10000;
      units.push(0xd800 | (offset >> 10), 0xdc00 | (offset & 0x3ff));
      i += 4;
    } else {
      throw malformed(what, i);
    }
  }
  return fromCodeUnits(units);
}

/** The low 6 bits of the continuation byte `index` bytes after the lead byte at `lead`. */
function continuation(bytes: Buffer, lead: number, index: number, end: number, what: string): number {
  const at = lead + index;
  const byte = at < end ? bytes[at]! : 0;
  if ((byte & 0xc0) !== 0x80) throw malformed(what, lead);
  return byte & 0x3f;
}

// Spreading a huge array into fromCharCode could overflow the stack; 64 KiB strings are allowed.
const CHUNK = 0x2000;

function fromCodeUnits(units: number[]): string {
  if (units.length <= CHUNK) return String.fromCharCode(...units);
  let text = '';
  for (let i = 0; i < units.length; i += CHUNK) text += String.fromCharCode(...units.slice(i, i + CHUNK));
  return text;
}

function malformed(what: string, offset: number): TrackCodecError {
  return decodeError(`the ${what} has a malformed UTF-8 sequence at byte ${offset} (corrupted)`);
}

// ---- DataInput / DataOutput ------------------------------------------------------------------

const SAFE_MAX = BigInt(Number.MAX_SAFE_INTEGER);

/** Reads fields in order from `bytes[at, end)`; running past `end` is a decode error. */
export class BlobReader {
  private readonly view: DataView;
  private latin1: string | undefined;

  constructor(
    private readonly bytes: Buffer,
    public at: number,
    public end: number,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  }

  byte(what: string): number {
    this.need(1, what);
    return this.bytes[this.at++]!;
  }

  boolean(what: string): boolean {
    const value = this.byte(what);
    // Java reads any non-zero byte as true, but only 0 and 1 are ever written: anything else is corruption.
    if (value > 1) throw decodeError(`the ${what} flag is ${value}, expected 0 or 1`);
    return value === 1;
  }

  /** A non-negative int64; Java's `Long.MAX_VALUE` (a stream's length) becomes `MAX_SAFE_INTEGER`. */
  long(what: string): number {
    this.need(8, what);
    const value = this.view.getBigInt64(this.at);
    this.at += 8;
    if (value < 0n) throw decodeError(`the ${what} is negative (${value})`);
    return value >= SAFE_MAX ? Number.MAX_SAFE_INTEGER : Number(value);
  }

  /** `readUTF`: a uint16 byte count, then modified UTF-8. */
  text(what: string): string {
    this.need(2, what);
    const length = this.view.getUint16(this.at);
    this.need(2 + length, what);
    const start = this.at + 2;
    const end = start + length;
    this.at = end;
    // Most titles, ids and URLs are ASCII. One latin1 conversion of the whole blob, then cheap
    // slices, beats a native call per field (the blob's string is kept alive, but it is tiny).
    let i = start;
    while (i < end && this.bytes[i]! < 0x80) i++;
    this.latin1 ??= this.bytes.toString('latin1');
    const ascii = this.latin1.slice(start, i);
    return i === end ? ascii : ascii + decodeModifiedUtf8(this.bytes, i, end, what);
  }

  /** A presence flag, then the string when the flag is set. */
  nullableText(what: string): string | null {
    return this.boolean(what) ? this.text(what) : null;
  }

  private need(count: number, what: string): void {
    if (this.at + count > this.end) {
      const detail = `the ${what} (${count} bytes at offset ${this.at}) runs past the end of the data`;
      throw decodeError(`${detail} (truncated or corrupted)`);
    }
  }
}

/** A string with its modified UTF-8 byte length, measured once for both sizing and writing. */
export interface MeasuredText {
  value: string;
  bytes: number;
}

/** Validates a string field for `writeUTF` and measures it. */
export function measureText(field: string, value: unknown): MeasuredText {
  if (typeof value !== 'string') {
    throw encodeError(`\`${field}\` must be a string, received ${describe(value)}`);
  }
  const bytes = modifiedUtf8Length(value);
  if (bytes > MAX_UTF_BYTES) {
    throw encodeError(`\`${field}\` is ${bytes} bytes in modified UTF-8, over the limit of ${MAX_UTF_BYTES}`);
  }
  return { value, bytes };
}

/** Like {@link measureText}, with null/undefined meaning "absent". */
export function measureNullableText(field: string, value: unknown): MeasuredText | null {
  return value === null || value === undefined ? null : measureText(field, value);
}

/** Writes fields in order into a buffer sized in advance. */
export class BlobWriter {
  readonly view: DataView;
  at = 0;

  constructor(readonly buffer: Buffer) {
    this.view = new DataView(buffer.buffer, buffer.byteOffset, buffer.length);
  }

  byte(value: number): void {
    this.buffer[this.at++] = value;
  }

  long(value: bigint): void {
    this.view.setBigInt64(this.at, value);
    this.at += 8;
  }

  text(text: MeasuredText): void {
    this.view.setUint16(this.at, text.bytes);
    this.at = writeModifiedUtf8(text.value, text.bytes, this.buffer, this.at + 2);
  }

  nullableText(text: MeasuredText | null): void {
    this.byte(text === null ? 0 : 1);
    if (text !== null) this.text(text);
  }

  bytes(value: Uint8Array): void {
    this.buffer.set(value, this.at);
    this.at += value.length;
  }

  /** The written bytes as a plain Uint8Array. */
  toUint8Array(): Uint8Array {
    return new Uint8Array(this.buffer.buffer, this.buffer.byteOffset, this.at);
  }
}

/** A short description of a received value for error messages. */
export function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'number' || typeof value === 'boolean' || value == null) return String(value);
  return Array.isArray(value) ? 'an array' : `a ${typeof value}`;
}

/** A TrackCodecError for a blob that cannot be decoded. */
export function decodeError(detail: string): TrackCodecError {
  return new TrackCodecError(ErrorCodes.TrackDecode, `Invalid encoded track: ${detail}`);
}

/** A TrackCodecError for fields that cannot be encoded. */
export function encodeError(detail: string): TrackCodecError {
  return new TrackCodecError(ErrorCodes.TrackEncode, `Cannot encode track: ${detail}`);
}
