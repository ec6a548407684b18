/** Options of the FileStore: types, defaults and the one resolver. */
import { type LavafleetError, invalidOption } from '../../errors.js';
import { requireBoolean, requireNumber, requireObject, requireString } from '../../util/validate.js';

/** Resolved options of a `FileStore`. */
export interface FileStoreOptions {
  /** Directory that holds the store's files; created with its parents on first use. */
  readonly directory: string;
  /**
   * Whether to fsync files and the directory before acknowledging a write. Without it a write still
   * survives a process crash, but not a power cut or kernel panic.
   * @defaultValue true
   */
  readonly fsync: boolean;
  /**
   * Compact once the segments written since the last base reach this many bytes.
   * @defaultValue 16_777_216 (16 MiB)
   */
  readonly compactAfterBytes: number;
  /**
   * Compact once this many segments were written since the last base.
   * @defaultValue 64
   */
  readonly compactAfterSegments: number;
  /**
   * Opens the directory to read only, next to the process that owns it (to look into a running
   * bot's store): nothing on disk is touched (no leftovers tidied, no compaction, no corrupt file set
   * aside) and writes are refused. It shows the directory as it was when first read. A second
   * writer on one directory would delete the owner's unfinished writes as a crash's leftovers.
   * @defaultValue false
   */
  readonly readOnly: boolean;
  /**
   * Receives errors that belong to no call: a corrupt file skipped on open, a failed background
   * compaction (it is retried later).
   * @defaultValue emits the error as a process warning
   */
  readonly onError: (error: LavafleetError) => void;
}

/** FileStore options as a user writes them: `directory` required, the rest optional. */
export type FileStoreInput = Pick<FileStoreOptions, 'directory'> & {
  [K in Exclude<keyof FileStoreOptions, 'directory'>]?: FileStoreOptions[K] | undefined;
};

/** Defaults of the optional {@link FileStoreOptions}. */
export const DEFAULT_FILE_STORE_OPTIONS = Object.freeze({
  fsync: true,
  compactAfterBytes: 16 * 1024 * 1024,
  compactAfterSegments: 64,
  readOnly: false,
  onError: (error: LavafleetError): void => process.emitWarning(error),
});

/** Resolves and validates {@link FileStoreInput}; throws a TypeError/RangeError naming a bad option. */
export function resolveFileStoreOptions(input: FileStoreInput): Readonly<FileStoreOptions> {
  requireObject('FileStore options', input);
  const onError = input.onError ?? DEFAULT_FILE_STORE_OPTIONS.onError;
  if (typeof onError !== 'function') throw invalidOption('type', 'onError', 'a function', onError);
  const size = { min: 1, integer: true };
  return Object.freeze({
    directory: requireString('directory', input.directory),
    fsync: requireBoolean('fsync', input.fsync ?? DEFAULT_FILE_STORE_OPTIONS.fsync),
    compactAfterBytes: requireNumber(
      'compactAfterBytes',
      input.compactAfterBytes ?? DEFAULT_FILE_STORE_OPTIONS.compactAfterBytes,
      size,
    ),
    compactAfterSegments: requireNumber(
      'compactAfterSegments',
      input.compactAfterSegments ?? DEFAULT_FILE_STORE_OPTIONS.compactAfterSegments,
      size,
    ),
    readOnly: requireBoolean('readOnly', input.readOnly ?? DEFAULT_FILE_STORE_OPTIONS.readOnly),
    onError,
  });
}
