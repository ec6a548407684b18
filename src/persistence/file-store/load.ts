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

/** Creates the directory when missing and loads it; corrupt files are reported and set aside. */
export async function loadDirectory(
  directory: string,
  report: (error: LavafleetError) => void,
): Promise<LoadedState> {
  await mkdir(directory, { recursive: true });
  const bases: Found[] = [];
  const segments: Found[] = [];
  let lastSeq = 0;
  for (const name of await readdir(directory)) {
    if (name.endsWith(TEMP_SUFFIX)) {
      await rm(join(directory, name), { force: true }); // an unfinished write that was never acknowledged
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
    const loaded = await readValid(directory, base, report);
    if (!loaded) continue;
    apply(state.entries, loaded.operations);
    state.baseSeq = base.seq;
    break;
  }
  for (const base of bases) {
    if (base.seq < state.baseSeq) await rm(join(directory, fileName('base', base.seq)), { force: true });
  }
  for (const segment of segments) {
    if (segment.seq <= state.baseSeq) {
      // Already merged into the base: a compaction stopped before it finished deleting.
      await rm(join(directory, fileName('segment', segment.seq)), { force: true });
      continue;
    }
    const loaded = await readValid(directory, segment, report);
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
): Promise<{ operations: Operation[]; bytes: number } | null> {
  const name = fileName(found.kind, found.seq);
  const path = join(directory, name);
  const contents = await readFile(path);
  try {
    return { operations: decodeFile(contents, found.kind, found.seq), bytes: contents.length };
  } catch (cause) {
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
