/**
 * The play queue of one player: the current track, the upcoming tracks, a bounded history and a
 * loop mode. Plain data with no I/O: the player drives it, persistence snapshots it.
 *
 * Tracks are kept by reference, exactly as given, so the player can recognise them.
 */
import { invalidOption } from '../errors.js';
import { MAY_START_NEXT, type TrackEndReason } from '../protocol/messages.js';
import type { Track } from '../protocol/track.js';
import { requireNumber, requireObject } from '../util/validate.js';

/** How the queue repeats: not at all, the current track, or the whole queue. */
export type LoopMode = 'off' | 'track' | 'queue';

/** Every loop mode, in menu order. */
export const LOOP_MODES: readonly LoopMode[] = Object.freeze(['off', 'track', 'queue']);

/** Options of a {@link Queue}. */
export interface QueueOptions {
  /**
   * How many finished tracks {@link Queue.history} keeps for {@link Queue.previous}; 0 keeps none.
   * @defaultValue 50
   */
  historyLimit?: number;
  /**
   * The loop mode to start with.
   * @defaultValue 'off'
   */
  loop?: LoopMode;
}

/** Default {@link QueueOptions}. */
export const DEFAULT_QUEUE_OPTIONS: Readonly<Required<QueueOptions>> = Object.freeze({
  historyLimit: 50,
  loop: 'off',
});

/** Where {@link Queue.add} inserts tracks. */
export interface AddOptions {
  /**
   * Index among the upcoming tracks to insert at: 0 plays next, `size` appends.
   * @defaultValue the end of the queue
   */
  position?: number;
}

/** Extra facts about how a track ended, for {@link Queue.onTrackEnd}. */
export interface TrackEndOptions {
  /**
   * The track failed (a `TrackExceptionEvent` preceded the end), so it is treated like `loadFailed`.
   * @defaultValue false
   */
  failed?: boolean;
}

/** Where playback is, as {@link Queue.advancePast} works it out. */
export interface QueuePosition {
  /** The track playing (the queue's current track). */
  track: Track;
  /** Position in the track, in ms. */
  position: number;
}

/** A plain-JSON snapshot of a queue, as produced by {@link Queue.toJSON}. */
export interface QueueSnapshot {
  current: Track | null;
  tracks: Track[];
  history: Track[];
  loop: LoopMode;
  historyLimit: number;
}

/**
 * A music queue. `next()` advances automatically (honouring the loop mode), `skip()` and
 * `previous()` are the user's explicit moves, and `version` grows on every change.
 */
export class Queue implements Iterable<Track> {
  /** How many finished tracks {@link history} keeps. */
  readonly historyLimit: number;
  #current: Track | null = null;
  #upcoming: Track[] = [];
  #history: Track[] = [];
  #loop: LoopMode;
  #version = 0;

  constructor(options: QueueOptions = {}) {
    requireObject('options', options);
    this.historyLimit = requireNumber(
      'historyLimit',
      options.historyLimit ?? DEFAULT_QUEUE_OPTIONS.historyLimit,
      { min: 0, integer: true },
    );
    this.#loop = requireLoop('loop', options.loop ?? DEFAULT_QUEUE_OPTIONS.loop);
  }

  /**
   * Rebuilds a queue from {@link toJSON} output; throws a TypeError on anything else. `intern` maps
   * each parsed track to the one object to keep for it (see `createTrackInterner`), so that queues
   * restored together share equal tracks instead of holding a parsed copy each.
   */
  static fromJSON(snapshot: unknown, intern: (track: Track) => Track = (track) => track): Queue {
    const data = requireObject('snapshot', snapshot);
    const queue = new Queue({
      historyLimit: requireNumber('snapshot.historyLimit', data.historyLimit, { min: 0, integer: true }),
      loop: requireLoop('snapshot.loop', data.loop),
    });
    // Everything is checked before anything is interned: a bad snapshot leaves the interner as it was.
    const current = data.current === null ? null : requireTrack('snapshot.current', data.current);
    const upcoming = requireTrackList('snapshot.tracks', data.tracks);
    const history = requireTrackList('snapshot.history', data.history);
    queue.#current = current === null ? null : intern(current);
    queue.#upcoming = upcoming.map((track) => intern(track));
    queue.#history = history
      .slice(Math.max(0, history.length - queue.historyLimit))
      .map((track) => intern(track));
    return queue;
  }

  /** The track playing now, or `null`. */
  get current(): Track | null {
    return this.#current;
  }

  /** The upcoming tracks, next first (a live read-only view: copy it to keep it). */
  get tracks(): readonly Track[] {
    return this.#upcoming;
  }

  /** Finished tracks, newest last, at most {@link historyLimit} (a live read-only view). */
  get history(): readonly Track[] {
    return this.#history;
  }

  /** The loop mode; setting an unknown mode throws a TypeError. */
  get loop(): LoopMode {
    return this.#loop;
  }

  set loop(mode: LoopMode) {
    if (requireLoop('loop', mode) === this.#loop) return;
    this.#loop = mode;
    this.#touch();
  }

  /** Grows by one on every change: persistence compares it to tell whether the queue is dirty. */
  get version(): number {
    return this.#version;
  }

  /** Number of upcoming tracks (the current track is not counted). */
  get size(): number {
    return this.#upcoming.length;
  }

  /** Whether there are no upcoming tracks (a track may still be playing). */
  get isEmpty(): boolean {
    return this.#upcoming.length === 0;
  }

  /** The upcoming track at `index`; negative counts from the end, like `Array.prototype.at`. */
  at(index: number): Track | undefined {
    return this.#upcoming.at(index);
  }

  /** Index of a track among the upcoming ones, compared by reference; -1 when absent. */
  indexOf(track: Track): number {
    return this.#upcoming.indexOf(track);
  }

  /** Iterates over the upcoming tracks, next first. */
  [Symbol.iterator](): IterableIterator<Track> {
    return this.#upcoming.values();
  }

  /** Inserts one or more tracks (at the end by default) and returns the new size. */
  add(tracks: Track | readonly Track[], options: AddOptions = {}): number {
    const list = isTrackList(tracks) ? tracks : [tracks];
    list.forEach((track, i) => requireTrack(list === tracks ? `tracks[${i}]` : 'track', track));
    const position =
      options.position === undefined
        ? this.#upcoming.length
        : requireNumber('position', options.position, { min: 0, max: this.#upcoming.length, integer: true });
    if (list.length === 0) return this.size;
    // Chunked so that a very large playlist cannot overflow the argument stack of splice().
    for (let i = 0; i < list.length; i += CHUNK) {
      this.#upcoming.splice(position + i, 0, ...list.slice(i, i + CHUNK));
    }
    this.#touch();
    return this.size;
  }

  /** Removes and returns the upcoming track at `index`; throws a RangeError for a bad index. */
  remove(index: number): Track {
    const [removed] = this.#upcoming.splice(this.#index('index', index), 1) as [Track];
    this.#touch();
    return removed;
  }

  /** Removes every upcoming track the predicate accepts and returns them in queue order. */
  removeWhere(predicate: (track: Track, index: number) => boolean): Track[] {
    if (typeof predicate !== 'function') throw invalidOption('type', 'predicate', 'a function', predicate);
    // Ask first, change after: a throwing predicate leaves the queue untouched.
    const verdicts = this.#upcoming.map((track, i) => predicate(track, i));
    const removed = this.#upcoming.filter((_, i) => verdicts[i] === true);
    if (removed.length === 0) return removed;
    this.#upcoming = this.#upcoming.filter((_, i) => verdicts[i] !== true);
    this.#touch();
    return removed;
  }

  /** Moves the upcoming track at `from` to index `to` and returns it. */
  move(from: number, to: number): Track {
    const source = this.#index('from', from);
    const target = this.#index('to', to);
    const [track] = this.#upcoming.splice(source, 1) as [Track];
    this.#upcoming.splice(target, 0, track);
    if (source !== target) this.#touch();
    return track;
  }

  /** Removes every upcoming track (not the current one, not the history); returns how many. */
  clear(): number {
    const count = this.#upcoming.length;
    if (count === 0) return 0;
    this.#upcoming = [];
    this.#touch();
    return count;
  }

  /** Forgets the history; returns how many tracks it held. */
  clearHistory(): number {
    const count = this.#history.length;
    if (count === 0) return 0;
    this.#history = [];
    this.#touch();
    return count;
  }

  /** Shuffles the upcoming tracks in place (Fisher–Yates); `random` must return numbers in [0, 1). */
  shuffle(random: () => number = Math.random): void {
    if (typeof random !== 'function') throw invalidOption('type', 'random', 'a function', random);
    const tracks = this.#upcoming;
    for (let i = tracks.length - 1; i > 0; i--) {
      const r = random();
      if (typeof r !== 'number' || !(r >= 0 && r < 1)) {
        throw invalidOption('range', 'random', 'a function returning numbers from 0 (inclusive) to 1', r);
      }
      const j = Math.floor(r * (i + 1));
      [tracks[i], tracks[j]] = [tracks[j] as Track, tracks[i] as Track];
    }
    if (tracks.length > 1) this.#touch();
  }

  /**
   * Automatic advance when the current track is over: loop 'track' keeps it, otherwise it goes to
   * the history (and, with loop 'queue', to the end of the queue) and the next track becomes current.
   * Returns the new current track, `null` when the queue ran out.
   */
  next(): Track | null {
    if (this.#loop === 'track' && this.#current !== null) return this.#current;
    return this.#advance(true);
  }

  /**
   * Explicit skip of `count` tracks. Ignores loop 'track' (the user asked to move on); with loop
   * 'queue' the queue rotates, otherwise tracks jumped over are dropped. Skipping past the end leaves
   * no current track and returns `null`. Only the track that was current enters the history.
   */
  skip(count = 1): Track | null {
    requireNumber('count', count, { min: 1, integer: true });
    const hasCurrent = this.#current !== null;
    const cycle = hasCurrent ? [this.#current as Track, ...this.#upcoming] : [...this.#upcoming];
    if (cycle.length === 0) return null;
    if (hasCurrent) this.#remember(this.#current as Track);
    // From an empty player the first step only takes the first track, hence the offset.
    const steps = hasCurrent ? count : count - 1;
    if (this.#loop === 'queue') {
      const k = steps % cycle.length;
      this.#upcoming = [...cycle.slice(k), ...cycle.slice(0, k)];
    } else {
      this.#upcoming = cycle.slice(steps);
    }
    this.#current = this.#upcoming.shift() ?? null;
    this.#touch();
    return this.#current;
  }

  /**
   * Goes back: the newest history entry becomes current and the current track returns to the front
   * of the queue. With loop 'queue' the copy that `next()` re-appended is taken out again. Returns
   * `null` and changes nothing when the history is empty.
   */
  previous(): Track | null {
    const track = this.#history.pop();
    if (track === undefined) return null;
    if (this.#loop === 'queue') {
      const copy = this.#upcoming.lastIndexOf(track);
      if (copy !== -1) this.#upcoming.splice(copy, 1);
    }
    if (this.#current !== null) this.#upcoming.unshift(this.#current);
    this.#current = track;
    this.#touch();
    return track;
  }

  /**
   * Makes `track` current directly (the player played it outside the queue). The interrupted track
   * goes to the history, not back into the queue; `null` means nothing plays. Returns the old current.
   */
  replaceCurrent(track: Track | null): Track | null {
    const old = this.#current;
    if (track === old) return old;
    this.#current = track === null ? null : requireTrack('track', track);
    if (old !== null) this.#remember(old);
    this.#touch();
    return old;
  }

  /**
   * Call on `TrackEndEvent`. Advances only when `MAY_START_NEXT[reason]` is true and returns the
   * track to play, else returns `null` without change. A track that failed (`loadFailed`, or
   * `failed: true`) is dropped: never repeated by loop 'track', re-queued by loop 'queue' or kept in
   * the history, so a broken track cannot loop forever.
   */
  onTrackEnd(reason: TrackEndReason, options: TrackEndOptions = {}): Track | null {
    if (MAY_START_NEXT[reason] !== true) return null;
    if (reason === 'loadFailed' || options.failed === true) return this.#advance(false);
    return this.next();
  }

  /**
   * Replays the automatic advances of tracks that ended unseen (the bot was down while playback time
   * ran on): the current track ended `overrunMs` ago, in track time. Each step is {@link next}, so
   * loop modes and the history behave as if every end had been seen; a stream, or a track longer than
   * what is left, stops the walk. Returns the track playing now and the position into it, or `null`
   * when the queue ran out.
   */
  advancePast(overrunMs: number): QueuePosition | null {
    let remaining = this.#withoutWholeTurns(
      requireNumber('overrunMs', overrunMs, { min: 0, max: Number.MAX_VALUE }),
    );
    // Loop 'track' (or loop 'queue' over tracks with no length) would repeat the same step forever.
    const repeats = this.#loop === 'track' || (this.#loop === 'queue' && this.#turnMs() === 0);
    for (let track = this.next(); track !== null; track = this.next()) {
      const length = lengthOf(track);
      if (remaining < length) return { track, position: remaining };
      if (repeats) return { track, position: length > 0 ? remaining % length : 0 };
      remaining -= length;
    }
    return null;
  }

  /** A plain-JSON snapshot (fresh arrays, same Track objects); {@link Queue.fromJSON} restores it. */
  toJSON(): QueueSnapshot {
    return {
      current: this.#current,
      tracks: [...this.#upcoming],
      history: [...this.#history],
      loop: this.#loop,
      historyLimit: this.historyLimit,
    };
  }

  #advance(keepFinished: boolean): Track | null {
    const finished = this.#current;
    if (finished === null && this.#upcoming.length === 0) return null;
    if (finished !== null && keepFinished) {
      this.#remember(finished);
      if (this.#loop === 'queue') this.#upcoming.push(finished);
    }
    this.#current = this.#upcoming.shift() ?? null;
    this.#touch();
    return this.#current;
  }

  /**
   * With loop 'queue', a whole turn of the queue leaves it as it was except for the history: drops the
   * whole turns from `overrunMs` but those needed to refill the history, so the walk stays short.
   */
  #withoutWholeTurns(overrunMs: number): number {
    if (this.#loop !== 'queue' || this.#current === null) return overrunMs;
    const turnMs = this.#turnMs();
    if (!(turnMs > 0 && Number.isFinite(turnMs))) return overrunMs;
    const turnLength = this.#upcoming.length + 1;
    const kept = Math.ceil(this.historyLimit / turnLength);
    const dropped = Math.floor(overrunMs / turnMs) - kept;
    return dropped > 0 ? overrunMs - dropped * turnMs : overrunMs;
  }

  /** Playback time of one turn of the queue (current and upcoming); Infinity with a stream in it. */
  #turnMs(): number {
    let total = this.#current === null ? 0 : lengthOf(this.#current);
    for (const track of this.#upcoming) total += lengthOf(track);
    return total;
  }

  #remember(track: Track): void {
    if (this.historyLimit === 0) return;
    this.#history.push(track);
    if (this.#history.length > this.historyLimit) this.#history.shift();
  }

  #index(option: string, value: number): number {
    if (this.#upcoming.length === 0) {
      throw invalidOption('range', option, 'an index of an upcoming track, but the queue is empty', value);
    }
    return requireNumber(option, value, { min: 0, max: this.#upcoming.length - 1, integer: true });
  }

  #touch(): void {
    this.#version++;
  }
}

const CHUNK = 10_000;

/** Playback time of a track: endless for a stream; a saved length that is not a number counts as 0. */
function lengthOf(track: Track): number {
  const { isStream, length } = track.info;
  if (isStream) return Infinity;
  return typeof length === 'number' && length > 0 ? length : 0;
}

function isTrackList(value: Track | readonly Track[]): value is readonly Track[] {
  return Array.isArray(value);
}

function requireLoop(option: string, value: unknown): LoopMode {
  if (!(LOOP_MODES as readonly unknown[]).includes(value)) {
    throw invalidOption('type', option, `one of ${LOOP_MODES.map((m) => `'${m}'`).join(', ')}`, value);
  }
  return value as LoopMode;
}

function requireTrack(option: string, value: unknown): Track {
  const track = requireObject(option, value);
  if (typeof track.encoded !== 'string') {
    throw invalidOption('type', `${option}.encoded`, 'a string', track.encoded);
  }
  for (const key of ['info', 'pluginInfo', 'userData']) requireObject(`${option}.${key}`, track[key]);
  return value as Track;
}

function requireTrackList(option: string, value: unknown): Track[] {
  if (!Array.isArray(value)) throw invalidOption('type', option, 'an array of tracks', value);
  return value.map((track: unknown, i) => requireTrack(`${option}[${i}]`, track));
}
