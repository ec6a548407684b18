/**
 * Writing a store file so that a crash at any moment leaves either the old state or the new file
 * complete: write a temporary file in the same directory, fsync it, rename it over the target, and
 * fsync the directory so the rename itself survives a power cut.
 * @internal
 */
import { createHash, randomBytes } from 'node:crypto';
import { open, rename, rm, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { HEADER_BYTES, fileName, header, type FileKind } from './format.js';

/** Suffix of temporary files: any such file found on open is left over from a crash. */
export const TEMP_SUFFIX = '.tmp';

/**
 * Streams `chunks` into a new base or segment file and renames it into place; returns the file size.
 * The directory is not synced here (see {@link syncDirectory}).
 */
export async function writeStoreFile(
  directory: string,
  kind: FileKind,
  seq: number,
  chunks: Iterable<string>,
  isFsyncEnabled: boolean,
): Promise<number> {
  const name = fileName(kind, seq);
  const temp = join(directory, `${name}.${randomBytes(6).toString('hex')}${TEMP_SUFFIX}`);
  let bodyBytes = 0;
  try {
    const handle = await open(temp, 'wx');
    try {
      const hash = createHash('sha256');
      for (const chunk of chunks) {
        const buffer = Buffer.from(chunk, 'utf8');
        hash.update(buffer);
        await writeAll(handle, buffer, HEADER_BYTES + bodyBytes);
        bodyBytes += buffer.length;
      }
      // The header goes in last: until then the file fails validation, whatever a crash leaves.
      await writeAll(handle, Buffer.from(header(kind, seq, bodyBytes, hash.digest('hex')), 'latin1'), 0);
      if (isFsyncEnabled) await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, join(directory, name));
  } catch (error) {
    await rm(temp, { force: true }).catch(() => undefined); // the write error below is the one that matters
    throw error;
  }
  return HEADER_BYTES + bodyBytes;
}

/** Makes renames and deletions in `directory` durable. */
export async function syncDirectory(directory: string): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(directory, 'r');
    await handle.sync();
  } catch (error) {
    // Windows cannot open or fsync a directory; NTFS journals the rename itself.
    if (process.platform === 'win32' && isCode(error, ['EISDIR', 'EPERM', 'EACCES'])) return;
    throw error;
  } finally {
    await handle?.close();
  }
}

/** Whether `error` is a Node system error with one of `codes`. */
export function isCode(error: unknown, codes: readonly string[]): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && codes.includes(code);
}

async function writeAll(handle: FileHandle, buffer: Buffer, position: number): Promise<void> {
  let offset = 0;
  while (offset < buffer.length) {
    const { bytesWritten } = await handle.write(buffer, offset, buffer.length - offset, position + offset);
    offset += bytesWritten;
  }
}
