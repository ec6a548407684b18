/**
 * Opening a FileStore directory: load the newest valid base, apply the segments written after it in
 * order, and tidy up what a crash or an interrupted compaction left behind.
 * @internal
 */
import { mkdir, readFile, readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { LavafleetError } from '../../errors.js';
import { STORE_ERROR_CODE } from '../state-store.js';
import { TEMP_SUFFIX } from './atomic-file.js';
import { decodeFile, fileName, parseFileName, type FileKind, type Operation } from './format.js';

/** A segment applied on top of the base. */
export interface SegmentInfo {
  readonly seq: number;
  readonly bytes: number;
}

/** What a directory holds once opened. */
export interface LoadedState {
  readonly entries: Map<string, string>;
  /** Sequence number of the base in use; 0 when there is none. */
  baseSeq: number;
  /** The highest sequence number any file in the directory uses; the next segment gets one more. */
  lastSeq: number;
  /** Segments newer than the base, oldest first. */
  segments: SegmentInfo[];
}

interface Found {
  readonly kind: FileKind;
  readonly seq: number;
}

/** Suffix given to a file that failed validation, so it is kept for inspection but never read again. */
export const CORRUPT_SUFFIX = '.corrupt';

/**
 * Creates the directory when missing and loads it; corrupt files are reported and set aside. With
 * `readOnly`, nothing on disk changes: a missing directory is empty, and leftovers stay where they
 * are (they may be the owner's writes in progress).
 */
export async function loadDirectory(
  directory: string,
  report: (error: LavafleetError) => void,
  { readOnly = false }: { readOnly?: boolean } = {},
): Promise<LoadedState> {
  // Read only, a file listed may be gone when read: the owner's compaction merged it into a new base
  // meanwhile. The next listing has that base.
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await loadOnce(directory, report, readOnly);
    } catch (error) {
      const vanished = (error as { code?: unknown }).code === 'ENOENT';
      if (!readOnly || !vanished || attempt >= READ_ONLY_ATTEMPTS) throw error;
    }
  }
}

/** How many times a read-only open lists the directory again after a file vanished under it. */
const READ_ONLY_ATTEMPTS = 5;

async function loadOnce(
  directory: string,
  report: (error: LavafleetError) => void,
  readOnly: boolean,
): Promise<LoadedState> {
  const remove = (name: string) =>
    readOnly ? Promise.resolve() : rm(join(directory, name), { force: true });
  let names: string[];
  if (readOnly)
    names = await readdir(directory).catch((error: unknown) => {
      if ((error as { code?: unknown }).code === 'ENOENT') return []; // nothing written yet
      throw error;
    });
  else {
    await mkdir(directory, { recursive: true });
    names = await readdir(directory);
  }
  const bases: Found[] = [];
  const segments: Found[] = [];
  let lastSeq = 0;
  for (const name of names) {
    if (name.endsWith(TEMP_SUFFIX)) {
      await remove(name); // an unfinished write that was never acknowledged
      continue;
    }
    const found = parseFileName(name);
    if (!found) continue;
    lastSeq = Math.max(lastSeq, found.seq);
    (found.kind === 'base' ? bases : segments).push(found);
  }
  bases.sort((a, b) => b.seq - a.seq);
  segments.sort((a, b) => a.seq - b.seq);

  const state: LoadedState = { entries: new Map(), baseSeq: 0, lastSeq, segments: [] };
  for (const base of bases) {
    const loaded = await readValid(directory, base, report, readOnly);
    if (!loaded) continue;
    apply(state.entries, loaded.operations);
    state.baseSeq = base.seq;
    break;
  }
  for (const base of bases) {
    if (base.seq < state.baseSeq) await remove(fileName('base', base.seq));
  }
  for (const segment of segments) {
    if (segment.seq <= state.baseSeq) {
      // Already merged into the base: a compaction stopped before it finished deleting.
      await remove(fileName('segment', segment.seq));
      continue;
    }
    const loaded = await readValid(directory, segment, report, readOnly);
    if (!loaded) continue;
    apply(state.entries, loaded.operations);
    state.segments.push({ seq: segment.seq, bytes: loaded.bytes });
  }
  return state;
}

/** Applies operations in order to `entries`. */
export function apply(entries: Map<string, string>, operations: Iterable<Operation>): void {
  for (const [key, value] of operations) {
    if (value === null) entries.delete(key);
    else entries.set(key, value);
  }
}

async function readValid(
  directory: string,
  found: Found,
  report: (error: LavafleetError) => void,
  readOnly: boolean,
): Promise<{ operations: Operation[]; bytes: number } | null> {
  const name = fileName(found.kind, found.seq);
  const path = join(directory, name);
  const contents = await readFile(path);
  try {
    return { operations: decodeFile(contents, found.kind, found.seq), bytes: contents.length };
  } catch (cause) {
    if (readOnly) return null; // perhaps half written by the owner: not this reader's to judge
    await rename(path, `${path}${CORRUPT_SUFFIX}`);
    report(
      new LavafleetError(
        STORE_ERROR_CODE,
        `Skipped the corrupt store file ${path} (${(cause as Error).message}); the rest of the store loaded, ` +
          `but the ${found.kind === 'base' ? 'entries' : 'changes'} it held are lost. It was renamed to ` +
          `${name}${CORRUPT_SUFFIX}: check the disk, then delete it.`,
        { cause },
      ),
    );
    return null;
  }
}
