/**
 * The on-disk format of the FileStore. A directory holds one base snapshot and the segments written
 * after it; every file is
 *
 * ```
 * lavafleet-store v1 <kind> <seq, 16 digits> <body bytes, 16 digits> <sha256 of body, 64 hex>\n
 * <body: one JSON array per line>
 * ```
 *
 * The header has a fixed length so it can be written last, once the body's length and hash are known,
 * which lets a large base be streamed. Base lines are `["key","value"]`; segment lines are the same,
 * with `null` as the value of a deleted key. A file whose header, length or hash does not match is
 * corrupt and is never applied.
 * @internal
 */
import { createHash } from 'node:crypto';

/** `base` holds every entry as of its sequence number; `segment` holds the changes of one commit. */
export type FileKind = 'base' | 'segment';

/** One change: a value to set, or null to delete. */
export type Operation = [key: string, value: string | null];

const MAGIC = 'lavafleet-store v1';
const SEQ_DIGITS = 16;
const KIND_LETTER: Record<FileKind, string> = { base: 'B', segment: 'S' };
const HEADER_PATTERN = /^lavafleet-store v1 ([BS]) (\d{16}) (\d{16}) ([0-9a-f]{64})\n$/;
const NAME_PATTERN = /^(base|segment)-(\d{16})\.lfstore$/;

/** Byte length of every header, newline included. */
export const HEADER_BYTES = Buffer.byteLength(header('base', 0, 0, '0'.repeat(64)));

/** The header line for a body of `length` bytes whose SHA-256 is `sha256`. */
export function header(kind: FileKind, seq: number, length: number, sha256: string): string {
  return `${MAGIC} ${KIND_LETTER[kind]} ${pad(seq)} ${pad(length)} ${sha256}\n`;
}

/** The file name of a base or segment. */
export function fileName(kind: FileKind, seq: number): string {
  return `${kind}-${pad(seq)}.lfstore`;
}

/** Reads a file name back into kind and sequence number, or null for any other file. */
export function parseFileName(name: string): { kind: FileKind; seq: number } | null {
  const match = NAME_PATTERN.exec(name);
  if (!match) return null;
  return { kind: match[1] as FileKind, seq: Number(match[2]) };
}

/** One body line. */
export function encodeLine(key: string, value: string | null): string {
  return `${JSON.stringify([key, value])}\n`;
}

/**
 * Checks a whole file against its header and its name and returns its operations; throws an Error
 * saying what is wrong otherwise.
 */
export function decodeFile(contents: Buffer, kind: FileKind, seq: number): Operation[] {
  const head = contents.subarray(0, HEADER_BYTES).toString('latin1');
  const match = HEADER_PATTERN.exec(head);
  if (!match) throw new Error('the header is missing or malformed');
  if (match[1] !== KIND_LETTER[kind] || Number(match[2]) !== seq) {
    throw new Error(`the header says ${match[1]} ${Number(match[2])}, which does not match the file name`);
  }
  const body = contents.subarray(HEADER_BYTES);
  if (body.length !== Number(match[3])) {
    throw new Error(`the body has ${body.length} bytes where the header promises ${Number(match[3])}`);
  }
  if (createHash('sha256').update(body).digest('hex') !== match[4]) {
    throw new Error('the checksum does not match the contents');
  }
  return parseBody(body.toString('utf8'), kind);
}

function parseBody(text: string, kind: FileKind): Operation[] {
  const operations: Operation[] = [];
  let start = 0;
  while (start < text.length) {
    const end = text.indexOf('\n', start);
    if (end === -1) throw new Error('the last line is not terminated');
    const line: unknown = JSON.parse(text.slice(start, end));
    if (!isOperation(line) || (kind === 'base' && line[1] === null)) {
      throw new Error(`line ${operations.length + 1} is not a valid entry`);
    }
    operations.push(line);
    start = end + 1;
  }
  return operations;
}

function isOperation(line: unknown): line is Operation {
  return (
    Array.isArray(line) &&
    line.length === 2 &&
    typeof line[0] === 'string' &&
    (typeof line[1] === 'string' || line[1] === null)
  );
}

function pad(value: number): string {
  return String(value).padStart(SEQ_DIGITS, '0');
}
