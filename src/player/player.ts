/**
 * A player: one guild's audio on one Lavalink node. It keeps what Lavalink has (track, position,
 * paused, volume, filters, voice) so it can be re-created anywhere, interpolates the position between
 * `playerUpdate`s, advances its queue, and reacts to Discord voice events.
 */
import {
  ErrorCodes,
  LavafleetError,
  LavalinkRestError,
  asLavafleetError,
  isServerSideFailure,
} from '../errors.js';
import type { Node } from '../node/node.js';
import type { EventMessage, TrackEndReason } from '../protocol/messages.js';
import { decodeTrack } from '../protocol/track-codec.js';
import { MAY_START_NEXT } from '../protocol/messages.js';
import type { Filters } from '../protocol/filters.js';
import type { LavalinkPlayer, PlayerState, UpdatePlayerRequest } from '../protocol/player.js';
import type { JsonObject, Track } from '../protocol/track.js';
import type { Clock, TimerHandle } from '../util/clock.js';
import { requireNumber } from '../util/validate.js';
import { retry } from '../resilience/retry.js';
import { FilterBuilder, normalizeFilters, speedOf } from './filters.js';
import type { DestroyReason, MoveReason, PlayerEvents } from './player-events.js';
import { NEXT_TRACK_BACKOFF, NEXT_TRACK_RETRIES } from './next-track-retry.js';
import { PLAYER_SNAPSHOT_VERSION, estimateOverrun, estimatePosition } from './player-snapshot.js';
import type { PlayerSnapshot, TrackInterner } from './player-snapshot.js';
import { Queue } from './queue.js';
import { voiceCloseAction } from './voice-close-policy.js';
import type { VoiceConnection } from './voice-state.js';

/** What a player needs from the pool that owns it. */
export interface PlayerHost {
  readonly clock: Clock;
  emit<K extends keyof PlayerEvents>(event: K, payload: PlayerEvents[K]): void;
  emitError(error: LavafleetError): void;
  /** Loads a query and returns the track to play. */
  resolveTrack(query: string): Promise<Track>;
  /** Moves a player to `target` (or the best node) with the failover machinery. */
  move(player: Player, target: Node | undefined, reason: MoveReason): Promise<void>;
  /** Sends gateway op 4 for the player's guild. */
  sendVoiceUpdate(player: Player, channelId: string | null): Promise<void>;
  /** Removes the player from the pool. */
  forget(player: Player): void;
  /** Tells persistence the player changed. */
  markDirty(player: Player): void;
}

/** The server's `time` in a player it answered with, or -Infinity when it sent none (0, garbage). */
function serverTimeOf(reply: LavalinkPlayer | null): number {
  const time = reply?.state.time;
  return typeof time === 'number' && Number.isFinite(time) && time > 0 ? time : -Infinity;
}

/** Something to play: a loaded track, an encoded track, or a query that is loaded first. */
export type Playable = Track | { encoded: string; userData?: JsonObject } | string;

/** Options of {@link Player.play}. */
/** A re-creation slower than this is followed by a seek to where the track should be by now. */
const SLOW_RECREATE_MS = 300;
/** A catch-up seek this close to the end of a track (or closer than its re-creation took) is left out. */
const SEEK_END_MARGIN_MS = 1_000;
/**
 * A re-creation does not start a track with less than this left (ms): it starts the next one (see
 * {@link Player.recreateOn}). Not scaled by the way there: that figure can be stale (a latency spike
 * that just ended), and the catch-up already counts it once (soak seed 63: with twice the way there
 * as the margin, a move cut 1.5 s off a track's end).
 */
const RECREATE_TAIL_MS = 150;

export interface PlayOptions {
  /** Start position in ms. @defaultValue 0 */
  position?: number;
  /** Stop at this position (ms), with reason `finished`. */
  endTime?: number;
  /** Start paused. @defaultValue false */
  paused?: boolean;
  /** Player volume 0..1000. */
  volume?: number;
  /** Data attached to the track, echoed in its events. */
  userData?: JsonObject;
  /** Do nothing if a track is already playing. @defaultValue false */
  noReplace?: boolean;
}

export interface PlayerInit {
  guildId: string;
  node: Node;
  voice: VoiceConnection;
  host: PlayerHost;
  shardId?: number | null;
  selfDeaf?: boolean;
  selfMute?: boolean;
  queue?: Queue;
}

export class Player {
  readonly guildId: string;
  /** The play queue (plain data; the player advances it when tracks end). */
  readonly queue: Queue;
  #filters: FilterBuilder | null = null;
  readonly voice: VoiceConnection;
  readonly shardId: number | null;
  selfDeaf: boolean;
  selfMute: boolean;
  /** Text channel the bot reports to (carried through snapshots, unused by lavafleet). */
  textChannelId: string | null = null;
  /** The bot's own data, saved with the player. */
  data: JsonObject = {};

  #node: Node;
  #host: PlayerHost;
  #track: Track | null = null;
  #paused = false;
  #volume = 100;
  #endTime: number | null = null;
  #sentFilters: Filters = {};
  #anchorPosition = 0;
  #anchorAt = 0;
  /** Counts track changes (a replay of the same track too): see recreateOn. */
  #trackChanges = 0;
  #speed = 1;
  #connected = false;
  #ping = -1;
  #destroyed = false;
  #voiceRecoveries = 0;
  #trackFailed = false;
  #trackChangedAt = -Infinity;
  /**
   * The server's `time` in the answer to the request that started the current track on its node (a
   * play, a re-creation): its `playerUpdate`s stamped earlier are about the track before.
   */
  #startedOnServerAt = -Infinity;
  /** When the request that (re-)created the player on its node was sent (moves, re-creations). */
  #placedAt = -Infinity;
  #idleTimer: TimerHandle | undefined;
  /** The track of a play request in flight: its TrackStartEvent can arrive before the response. */
  #starting: Track | null = null;
  /** Stops the retries of a next track that a node that is up did not start. */
  #nextTrackRetry: AbortController | null = null;
  /**
   * A player restored from a store and not back on Lavalink yet. 'saved': its saved track may have
   * ended (and the tracks after it) while the bot was down, so its re-creation first catches the queue
   * up; 'queueEnded': it did and the queue ran out, so `queueEnd` is emitted once it is re-created.
   */
  #restored: 'saved' | 'queueEnded' | null = null;
  /** Re-creations in flight (see {@link handleUpdate}). */
  #recreating = 0;
  /** The track a re-creation found over (see {@link #catchUp}): its `trackEnd` follows the re-creation. */
  #endedUnseen: Track | null = null;

  /** @internal Players are created by the pool: {@link Pool.join}. */
  constructor(init: PlayerInit) {
    this.guildId = init.guildId;
    this.#node = init.node;
    this.voice = init.voice;
    this.#host = init.host;
    this.shardId = init.shardId ?? null;
    this.selfDeaf = init.selfDeaf ?? true;
    this.selfMute = init.selfMute ?? false;
    this.queue = init.queue ?? new Queue();
    this.#anchorAt = init.host.clock.now();
  }

  /**
   * The player's filters. Change them, then call {@link Player.setFilters} to send them. Built on first use:
   * most players never touch filters, and a builder per player would be most of a player's memory.
   */
  get filters(): FilterBuilder {
    if (this.#filters === null) {
      this.#filters = new FilterBuilder();
      this.#loadFilterBuilder(this.#sentFilters);
    }
    return this.#filters;
  }

  /** The node the player is on. */
  get node(): Node {
    return this.#node;
  }
  /** The track on the server, or null when idle. */
  get track(): Track | null {
    return this.#track;
  }
  get paused(): boolean {
    return this.#paused;
  }
  get volume(): number {
    return this.#volume;
  }
  get endTime(): number | null {
    return this.#endTime;
  }
  /** Whether Lavalink's voice connection to Discord is up (from the last `playerUpdate`). */
  get connected(): boolean {
    return this.#connected;
  }
  /** Lavalink's ping to Discord voice in ms, -1 when not connected. */
  get ping(): number {
    return this.#ping;
  }
  get isDestroyed(): boolean {
    return this.#destroyed;
  }
  /** Whether a track is playing (not paused). */
  get isPlaying(): boolean {
    return this.#track !== null && !this.#paused;
  }

  /** Position in ms, interpolated since the last update (paused and timescale speed accounted for). */
  get position(): number {
    return estimatePosition(
      { track: this.#track, position: this.#anchorPosition, timestamp: this.#anchorAt, paused: this.#paused },
      this.#host.clock.now(),
      this.#speed,
    );
  }

  /**
   * Plays a track now: a loaded Track, `{ encoded }`, or a query string that is loaded first. The
   * track becomes the queue's current track.
   */
  async play(input: Playable, options: PlayOptions = {}): Promise<void> {
    this.#assertAlive();
    const track = typeof input === 'string' ? await this.#host.resolveTrack(input) : toTrack(input);
    const userData = options.userData ?? track.userData;
    const body: UpdatePlayerRequest = { track: { encoded: track.encoded, userData } };
    // Lavalink takes whole ms; positions interpolated under a timescale are fractional.
    if (options.position !== undefined)
      body.position = Math.round(requireNumber('position', options.position, { min: 0 }));
    if (options.endTime !== undefined)
      body.endTime = Math.round(requireNumber('endTime', options.endTime, { min: 1 }));
    if (options.paused !== undefined) body.paused = options.paused;
    if (options.volume !== undefined)
      body.volume = requireNumber('volume', options.volume, { min: 0, max: 1000, integer: true });
    const playing = userData === track.userData ? track : { ...track, userData };
    const sentAt = this.#host.clock.now();
    const server = await this.#updateStarting(playing, body, options.noReplace === true);
    // Lavalink re-encodes the tracks it reports: compare identifiers, not blobs.
    if (options.noReplace === true && server?.track?.info.identifier !== track.info.identifier) return;
    this.#setTrack(playing);
    this.#endTime = body.endTime ?? null;
    this.#paused = options.paused ?? false;
    if (options.volume !== undefined) this.#volume = options.volume;
    // Lavalink started the track while handling the request: between sending and the reply.
    this.#anchor(body.position ?? 0, (sentAt + this.#host.clock.now()) / 2);
    this.queue.replaceCurrent(playing);
    this.#clearIdle();
    this.#host.markDirty(this);
  }

  /** Stops the current track (the queue keeps its tracks). */
  async stop(): Promise<void> {
    this.#assertAlive();
    await this.#update({ track: { encoded: null } });
    this.#becomeIdle();
  }

  /** Pauses or resumes. */
  async pause(paused = true): Promise<void> {
    this.#assertAlive();
    const position = this.position;
    await this.#update({ paused });
    this.#paused = paused;
    this.#anchor(position);
    this.#host.markDirty(this);
  }

  /** Resumes after {@link pause}. */
  resume(): Promise<void> {
    return this.pause(false);
  }

  /** Seeks the current track to `position` ms. */
  async seek(position: number): Promise<void> {
    this.#assertAlive();
    // Whole ms, as Lavalink takes them: `seek(player.position + 10_000)` is fractional under a timescale.
    const target = Math.round(requireNumber('position', position, { min: 0 }));
    await this.#update({ position: target });
    this.#anchor(target);
    this.#host.markDirty(this);
  }

  /** Sets the player volume (0..1000, 100 = unchanged). */
  async setVolume(volume: number): Promise<void> {
    this.#assertAlive();
    requireNumber('volume', volume, { min: 0, max: 1000, integer: true });
    await this.#update({ volume });
    this.#volume = volume;
    this.#host.markDirty(this);
  }

  /** Sends filters: the given ones, or {@link Player.filters} as changed. Replaces all filters on the server. */
  async setFilters(filters?: Filters | FilterBuilder): Promise<void> {
    this.#assertAlive();
    const wire =
      filters === undefined
        ? this.filters.toJSON()
        : filters instanceof FilterBuilder
          ? filters.toJSON()
          : normalizeFilters(filters);
    const position = this.position;
    await this.#update({ filters: wire });
    this.#sentFilters = wire;
    if (filters !== undefined) this.#loadFilterBuilder(wire);
    this.#speed = speedOf(wire);
    this.#anchor(position);
    this.#host.markDirty(this);
  }

  /** Sets where the current track stops (ms), or null to play to the end. */
  async setEndTime(endTime: number | null): Promise<void> {
    this.#assertAlive();
    const target = endTime === null ? null : Math.round(requireNumber('endTime', endTime, { min: 1 }));
    await this.#update({ endTime: target });
    this.#endTime = target;
    this.#host.markDirty(this);
  }

  /** Plays the next track of the queue (or stops if there is none). */
  async skip(count = 1): Promise<Track | null> {
    this.#assertAlive();
    const next = this.queue.skip(count);
    if (next) await this.#playFromQueue(next);
    else await this.stop();
    return next;
  }

  /** Plays the previous track from the history. */
  async previous(): Promise<Track | null> {
    this.#assertAlive();
    const previous = this.queue.previous();
    if (previous) await this.#playFromQueue(previous);
    return previous;
  }

  /** Moves the player to another node and carries on where it was. */
  moveTo(node: Node): Promise<void> {
    this.#assertAlive();
    return this.#host.move(this, node, 'manual');
  }

  /** Destroys the player on the server, leaves the voice channel, and forgets it. */
  async destroy(reason: DestroyReason = 'destroyed', { disconnect = true } = {}): Promise<void> {
    if (this.#destroyed) return;
    this.#destroyed = true;
    this.#clearIdle();
    this.#nextTrackRetry?.abort();
    this.#host.forget(this);
    const tasks: Array<Promise<unknown>> = [];
    if (this.#node.isReady) tasks.push(this.#node.rest.destroyPlayer(this.guildId));
    if (disconnect) tasks.push(this.#host.sendVoiceUpdate(this, null));
    const results = await Promise.allSettled(tasks);
    this.#host.emit('playerDestroyed', { player: this, reason });
    for (const result of results) {
      if (result.status === 'rejected')
        this.#host.emitError(
          asLavafleetError(result.reason, `destroying the player of guild ${this.guildId}`),
        );
    }
  }

  /** Everything needed to re-create this player elsewhere. */
  toJSON(): PlayerSnapshot {
    const now = this.#host.clock.now();
    return {
      v: PLAYER_SNAPSHOT_VERSION,
      guildId: this.guildId,
      node: this.#node.identifier,
      shardId: this.shardId,
      selfDeaf: this.selfDeaf,
      selfMute: this.selfMute,
      voice: this.voice.toJSON(),
      textChannelId: this.textChannelId,
      track: this.#track,
      position: this.position,
      timestamp: now,
      paused: this.#paused,
      volume: this.#volume,
      filters: this.#sentFilters,
      endTime: this.#endTime,
      queue: this.queue.toJSON(),
      data: this.data,
    };
  }

  // ---- internal: called by the pool, failover and persistence ----

  /**
   * @internal Restores the state of a snapshot (before {@link recreateOn}). `intern` gives the one
   * object to keep for the track (the one its queue holds, and other players'), see `createTrackInterner`.
   */
  restoreState(snapshot: PlayerSnapshot, intern: TrackInterner = (track) => track): void {
    this.#track = snapshot.track === null ? null : intern(snapshot.track);
    this.#restored = 'saved';
    this.#paused = snapshot.paused;
    this.#volume = snapshot.volume;
    this.#endTime = snapshot.endTime;
    this.#sentFilters = snapshot.filters;
    this.#loadFilterBuilder(snapshot.filters);
    this.#speed = speedOf(snapshot.filters);
    this.textChannelId = snapshot.textChannelId;
    this.data = snapshot.data;
    this.#anchorPosition = snapshot.position;
    this.#anchorAt = snapshot.timestamp;
  }

  /**
   * @internal Creates this player on `node` with everything it had, in one request: voice, track at
   * the estimated position, paused, volume, filters, end time. Switches the player to `node` only
   * when the node accepted it. A player whose track ended unseen (while the bot was down, or while its
   * node was frozen or dead: its TrackEndEvent never came) is re-created where its queue is by now
   * (see {@link Queue.advancePast}), idle if the queue ran out, instead of at the end of the old track.
   * `signal` gives the request up: by default when the node leaves `connected`.
   */
  async recreateOn(node: Node, signal: AbortSignal = node.connectionSignal): Promise<void> {
    // Where playback will be when the request reaches the node: tracks that end before then are over,
    // and so is one that would have only its last moments left there. Started, it would end at once,
    // and the next track would wait for its end event to come back and for the request to go there:
    // a gap of a round trip for a few ms of music (soak seeds 46, 59, 63: 0.8 to 1.2 s of silence
    // after moves that arrived 7 to 71 ms before their track's end, on a node far away).
    const arrival = this.#host.clock.now() + this.#aheadOn(node);
    this.#catchUp(arrival, RECREATE_TAIL_MS);
    const voice = this.voice.toLavalink();
    const body: UpdatePlayerRequest = {
      volume: this.#volume,
      paused: this.#paused,
      filters: this.#sentFilters,
    };
    if (voice) body.voice = voice;
    const position = Math.round(this.#positionAt(arrival));
    if (this.#track) {
      body.track = { encoded: this.#track.encoded, userData: this.#track.userData };
      body.position = position;
      if (this.#endTime !== null) body.endTime = this.#endTime;
    }
    // Switch before the request: the new node's events (a TrackEndEvent for a track moved near its
    // end can arrive before the REST reply) must reach this player, not be dropped as a stranger's.
    const previous = this.#node;
    this.#node = node;
    const sentAt = this.#host.clock.now();
    const trackChanges = this.#trackChanges;
    this.#recreating += 1;
    let reply: LavalinkPlayer;
    try {
      // Aborted if the node fails meanwhile: the move goes on to the next node instead of waiting out
      // the request timeout. A copy it may have left there is deleted when the session resumes.
      reply = await node.rest.updatePlayer(this.guildId, body, { signal });
    } catch (error) {
      if (this.#node === node) this.#node = previous;
      throw error;
    } finally {
      this.#recreating -= 1;
    }
    this.#placedAt = sentAt;
    this.voice.markSent(voice !== null);
    // Lavalink started the track while handling the request: between sending and the reply, when its
    // clock says (the middle if it is not known yet).
    const handledAt = node.handledAt(sentAt, reply.state.time);
    this.#startedOnServerAt = serverTimeOf(reply);
    // Unless the track ended there meanwhile and the next one started: this position belongs to the old one.
    if (this.#trackChanges === trackChanges) {
      this.#anchor(position, handledAt);
      this.#catchUpSlowCreate(node, position, sentAt);
    }
    const ended = this.#endedUnseen;
    this.#endedUnseen = null;
    if (ended)
      this.#host.emit('trackEnd', { player: this, track: ended, reason: 'finished', mayStartNext: true });
    const queueEnded = this.#restored === 'queueEnded';
    this.#restored = null;
    if (queueEnded) {
      this.#host.emit('queueEnd', { player: this });
      this.#startIdle();
    }
  }

  /**
   * How long a re-creation on `node` takes to get there and be handled ({@link Node.wayThereMs}). The
   * track starts where it will be by then. Zero for a paused player, a stream, or a node with no
   * recent figure.
   */
  #aheadOn(node: Node): number {
    const track = this.#track;
    if (!track || this.#paused || track.info.isStream) return 0;
    return node.wayThereMs ?? 0;
  }

  /** The estimated position at `time` (epoch ms of the clock), at most the track's length. */
  #positionAt(time: number): number {
    return estimatePosition(
      { track: this.#track, position: this.#anchorPosition, timestamp: this.#anchorAt, paused: this.#paused },
      time,
      this.#speed,
    );
  }

  /**
   * A re-creation that took long (a node that froze or lagged while it was asked) started the track at
   * a position that was right when the request was sent (`position`, with its lead): seek it forward
   * by the time it took, so the player continues where it would be. One more request, only for slow
   * re-creations. The seek keeps the lead of the re-creation rather than one from the round trip just
   * measured: after a freeze that round trip was the freeze, and the way there is quick again; in a
   * steady latency spike the lead had it already.
   */
  #catchUpSlowCreate(node: Node, position: number, sentAt: number): void {
    const tookMs = this.#host.clock.now() - sentAt;
    const track = this.#track;
    if (tookMs < SLOW_RECREATE_MS || !track || this.#paused || track.info.isStream) return;
    const caughtUp = Math.min(Math.round(position + tookMs * this.#speed), track.info.length);
    // A seek carries no track: near the end, the track may end on the server before the seek gets
    // there, and the seek would land on the next one, which the bot starts meanwhile (soak seed 19:
    // a track played from 58 s instead of 0). The track ends in a moment anyway. Without the seek,
    // the server plays on from where the re-creation started it, most likely as its answer left (a
    // freeze, a saturated queue): the estimate starts there, at worst behind the server, whose end
    // event ends the track. Set where the track should have been, it ran up to the re-creation's
    // time ahead, and a move then took the track for over and started the next one early (soak seed
    // 63: 1 s before its end on the server).
    if (caughtUp >= track.info.length - Math.max(SEEK_END_MARGIN_MS, tookMs)) {
      this.#anchor(position);
      return;
    }
    this.#anchor(caughtUp);
    node.rest
      .updatePlayer(this.guildId, { position: caughtUp }, { signal: node.connectionSignal })
      .catch((error: unknown) => {
        // A node that failed meanwhile is failover's business: the player moves, at the right position.
        if (this.#node !== node || !node.isReady) return;
        this.#host.emitError(asLavafleetError(error, `catching up the position in guild ${this.guildId}`));
      });
  }

  /**
   * Replays on the queue the track ends a re-creation would miss, as `#onTrackEnd` would have: those
   * of a restored player while the bot was down, of a player on a node that froze or died (its
   * TrackEndEvent never came), and those that come before the request reaches the new node, at
   * `arrival`. Starting a track at its end there would cost the way back for its end event and the
   * way there for the next track (soak seed 2: 0.6 s under a latency spike); the re-creation starts
   * the next track itself, at its offset. Unless the player was restored (its tracks ended while the
   * bot was down), the end of the track that was playing is reported (`trackEnd`, `finished`) once
   * the re-creation is answered. A track with less than `tailMs` left at `arrival` counts as over too,
   * and the next one starts at its beginning.
   */
  #catchUp(arrival: number, tailMs = 0): void {
    const overrunWithTail = estimateOverrun(
      {
        track: this.#track,
        position: this.#anchorPosition,
        timestamp: this.#anchorAt,
        paused: this.#paused,
        endTime: this.#endTime,
      },
      arrival + tailMs,
      this.#speed,
    );
    if (overrunWithTail === null) return;
    const overrun = Math.max(0, overrunWithTail - tailMs * this.#speed);
    // A restored player's track ended while the bot was down: no event for it, as for the ones after.
    if (this.#restored === null) this.#endedUnseen ??= this.#track;
    this.#trackFailed = false;
    const next = this.queue.advancePast(overrun);
    this.#setTrack(next?.track ?? null);
    this.#endTime = null;
    this.#anchor(next?.position ?? 0, arrival);
    if (!next) this.#restored = 'queueEnded';
    this.#host.markDirty(this);
  }

  /**
   * @internal After a resume the server's player has no track but this player has one: either the
   * track ended while the socket was down (its end event was lost), or the next track's request never
   * reached the server. Returns what the pool must do: advance the queue, or replay the track.
   */
  trackLostOnServer(requestedAt = -Infinity): 'ended' | 'replay' | 'starting' {
    if (this.#isNewerThan(requestedAt)) return 'starting';
    const track = this.#track;
    if (!track || track.info.isStream) return 'replay';
    return this.position >= track.info.length - 1000 ? 'ended' : 'replay';
  }

  /**
   * @internal Whether the player was (re-)created on its node by a request sent after `time`: a
   * server player list asked for at `time` predates it and says nothing about it.
   */
  placedAfter(time: number): boolean {
    return this.#placedAt > time;
  }

  /** @internal Handles a track that ended unseen, as if its `TrackEndEvent(finished)` had arrived. */
  endLostTrack(): void {
    const track = this.#track;
    if (track) this.#onTrackEnd(track, 'finished');
  }

  /** @internal Stops the player's timers: the pool is closing and the player stays on Lavalink. */
  stopTimers(): void {
    this.#clearIdle();
    this.#nextTrackRetry?.abort();
  }

  /** @internal Sends the voice state to Lavalink when it is complete and new. */
  async sendVoice(): Promise<void> {
    const voice = this.voice.toLavalink();
    if (!voice || !this.#node.isReady) return;
    await this.#node.rest.updatePlayer(this.guildId, { voice });
    this.voice.markSent(true);
    // A player with nothing to play is idle from the moment it exists on Lavalink.
    if (this.#track === null && this.#starting === null && this.#idleTimer === undefined) this.#startIdle();
  }

  /** @internal Takes only the connection state from the server (voice up, ping, volume). */
  syncVoiceState(server: LavalinkPlayer): void {
    this.#restored = null; // back in its resumed session: the server's state rules from now
    this.#connected = server.state.connected;
    this.#ping = server.state.ping;
    this.#volume = server.volume;
  }

  /**
   * @internal Re-syncs from the server after a resumed session. `requestedAt` is when the server's
   * state was asked for: a player whose track changed since (events that arrived after the request)
   * keeps its own, newer state. `readAt` is when the server's position was true (now if not given).
   */
  syncFromServer(server: LavalinkPlayer, requestedAt = -Infinity, readAt = this.#host.clock.now()): void {
    this.syncVoiceState(server);
    if (this.#isNewerThan(requestedAt)) return;
    this.#track = server.track
      ? { ...server.track, userData: server.track.userData ?? this.#track?.userData ?? {} }
      : null;
    this.#paused = server.paused;
    this.#volume = server.volume;
    this.#applyState(server.state, readAt);
    if (this.#track) this.#followInQueue(this.#track);
    // The server's state is newer than the saved one (a restored player's was estimated): saved soon,
    // or a second restart would estimate from the old state again.
    this.#host.markDirty(this);
  }

  /**
   * The server plays `track` and the queue thinks another is current: a bot process started it and
   * died before saving (soak seed 5). The queue catches up, as if it had advanced to it, so that the
   * next track is the one after it (an upcoming track) or the queue's next (a track from elsewhere).
   */
  #followInQueue(track: Track): void {
    const { queue } = this;
    const same = (candidate: Track | null) => candidate?.info.identifier === track.info.identifier;
    if (same(queue.current)) return;
    const index = queue.loop === 'track' ? -1 : queue.tracks.findIndex(same);
    if (index >= 0) queue.skip(index + 1);
    else queue.replaceCurrent(track);
  }

  /**
   * @internal A `playerUpdate` from the player's node; `at` is when its position was true on this
   * process's clock (see {@link Node.localTimeOf}), now if not given.
   */
  handleUpdate(state: PlayerState, at = this.#host.clock.now()): void {
    // During a re-creation the new node reports the player as it sets it up: voice first, with no
    // track and position 0, before the track starts. That is not where playback is: the answer
    // anchors the position. Taken as it came, a save meanwhile stored position 0, and the next
    // restart re-created the track from its start (soak seed 9: 23 s behind).
    // An update handled while the request that starts a track is on its way, or stamped before the
    // server started the track (its answer's `time`, on the same server clock) or before the track
    // changed here, is about the track before: REST overtakes a slow socket, and the next track can
    // be started (a skip, a read-back that found the track over) before an update already sent
    // arrives. Taken as it came, it set the new track to the old one's position, and a save stored
    // that (soak seed 72: a restored track 19 s ahead). The answer anchors the track instead.
    if (
      this.#recreating > 0 ||
      this.#starting !== null ||
      state.time <= this.#startedOnServerAt ||
      at < this.#trackChangedAt
    ) {
      this.#connected = state.connected;
      this.#ping = state.ping;
    } else this.#applyState(state, at);
    this.#host.emit('playerUpdate', { player: this, state });
  }

  /** @internal An `event` from the player's node. */
  handleEvent(event: EventMessage): void {
    switch (event.type) {
      case 'TrackStartEvent': {
        this.#voiceRecoveries = 0;
        this.#trackFailed = false;
        const track = this.#sameTrack(event.track, true);
        // The event can come before the response to the play request: listeners see the new track.
        if (track === this.#starting) {
          this.#setTrack(track);
          this.queue.replaceCurrent(track);
        }
        this.#host.emit('trackStart', { player: this, track });
        return;
      }
      case 'TrackEndEvent':
        this.#onTrackEnd(event.track, event.reason);
        return;
      case 'TrackExceptionEvent':
        this.#trackFailed = true;
        this.#host.emit('trackException', {
          player: this,
          track: this.#sameTrack(event.track),
          exception: event.exception,
        });
        return;
      case 'TrackStuckEvent':
        this.#host.emit('trackStuck', {
          player: this,
          track: this.#sameTrack(event.track),
          thresholdMs: event.thresholdMs,
        });
        return;
      case 'WebSocketClosedEvent':
        this.#onVoiceClosed(event.code, event.reason, event.byRemote);
        return;
    }
  }

  #onTrackEnd(track: Track, reason: TrackEndReason): void {
    // Unknown reasons (a newer server) never advance the queue.
    const mayStartNext = MAY_START_NEXT[reason] ?? false;
    const ended = this.#sameTrack(track);
    this.#host.emit('trackEnd', { player: this, track: ended, reason, mayStartNext });
    if (!mayStartNext) {
      // Lavalink stopped the current track by itself (`cleanup`, or a stop by another client): idle now.
      if (reason !== 'replaced' && ended === this.#track && this.#starting === null) this.#becomeIdle();
      return;
    }
    // Only the end of the track this player is playing advances the queue. An end event for a track
    // it has already moved past (replayed from a paused session after a resume, or after a repair)
    // is reported but changes nothing: otherwise the queue would skip a track.
    if (
      this.#starting !== null ||
      this.#track === null ||
      this.#track.info.identifier !== track.info.identifier
    )
      return;
    this.#setTrack(null);
    this.#anchor(0);
    // A track that threw is never repeated by loop 'track'.
    const next = this.queue.onTrackEnd(reason, { failed: this.#trackFailed });
    this.#trackFailed = false;
    if (next) void this.#startNext(next);
    else {
      this.#host.emit('queueEnd', { player: this });
      this.#startIdle();
      this.#host.markDirty(this);
    }
  }

  #onVoiceClosed(code: number, reason: string, byRemote: boolean): void {
    const action = voiceCloseAction(code, this.#voiceRecoveries);
    this.#host.emit('voiceClosed', { player: this, code, reason, byRemote, action });
    if (action === 'wait') return;
    if (action === 'destroy') {
      void this.destroy('voiceClosed');
      return;
    }
    this.#voiceRecoveries += 1;
    const recovery =
      action === 'rejoin' ? this.#host.sendVoiceUpdate(this, this.voice.channelId) : this.#resendVoice();
    recovery.catch((error: unknown) =>
      this.#host.emitError(
        asLavafleetError(error, `recovering the voice connection of guild ${this.guildId}`),
      ),
    );
  }

  async #resendVoice(): Promise<void> {
    this.voice.markSent(false);
    await this.sendVoice();
  }

  /**
   * Starts the queue's next track. A node that is up but did not take the request (5xx, timeout,
   * reset) is asked again with backoff, then the player moves to another node: failover and resume
   * only repair players whose node dropped, so without this the player would stay silent while
   * believing it plays. The retries stop when the player changes track or node, or is destroyed.
   */
  async #startNext(track: Track): Promise<void> {
    const node = this.#node;
    this.#nextTrackRetry?.abort();
    const abort = (this.#nextTrackRetry = new AbortController());
    const wanted = () => !this.#destroyed && this.#track === track && this.#node === node && node.isReady;
    try {
      await retry(
        async (attempt) => {
          if (attempt === 1 || (wanted() && this.#starting === null)) await this.#playFromQueue(track);
        },
        {
          retries: NEXT_TRACK_RETRIES,
          policy: NEXT_TRACK_BACKOFF,
          clock: this.#host.clock,
          signal: abort.signal,
          shouldRetry: (error) => isServerSideFailure(error) && wanted(),
        },
      );
    } catch (error) {
      // Aborted, or the node failed meanwhile: failover re-creates the player there with this track.
      if (abort.signal.aborted || this.#node !== node || !node.isReady) return;
      this.#host.emitError(asLavafleetError(error, `playing the next track in guild ${this.guildId}`));
      if (isServerSideFailure(error) && wanted()) {
        await this.#host
          .move(this, undefined, 'failover')
          .catch((moveError: unknown) =>
            this.#host.emitError(
              asLavafleetError(moveError, `moving guild ${this.guildId} off node ${node.identifier}`),
            ),
          );
      }
    } finally {
      if (this.#nextTrackRetry === abort) this.#nextTrackRetry = null;
    }
  }

  async #playFromQueue(track: Track): Promise<void> {
    // The queue already advanced: play without touching it again. The track becomes the player's
    // before the request, so that if the node fails now (refused, session paused, closing), the
    // failover or the resume re-creates the player playing it instead of idle.
    this.#setTrack(track);
    this.#endTime = null;
    this.#paused = false;
    this.#anchor(0);
    this.#clearIdle();
    this.#host.markDirty(this);
    try {
      await this.#updateStarting(track, { track: { encoded: track.encoded, userData: track.userData } });
    } catch (error) {
      // Lavalink refused this track itself (4xx): the player is idle. Anything else is the node's
      // failure, which failover and resume repair.
      if (
        error instanceof LavalinkRestError &&
        error.status >= 400 &&
        error.status < 500 &&
        error.status !== 404
      ) {
        if (this.#track === track) this.#setTrack(null);
        this.#startIdle();
      }
      throw error;
    }
  }

  async #update(body: UpdatePlayerRequest, noReplace = false): Promise<LavalinkPlayer | null> {
    if (!this.#node.isReady) {
      throw new LavafleetError(
        ErrorCodes.NodeNotReady,
        `Node ${this.#node.identifier} of guild ${this.guildId} is ${this.#node.status}; the player will be moved or resumed — retry shortly`,
      );
    }
    // Voice that Lavalink does not have yet rides along with the first update (one request, not two).
    if (body.voice === undefined && this.voice.needsSend()) body.voice = this.voice.toLavalink()!;
    const result = await this.#node.rest.updatePlayer(this.guildId, body, noReplace ? { noReplace } : {});
    if (body.voice) this.voice.markSent(true);
    return result;
  }

  #applyState(state: PlayerState, at = this.#host.clock.now()): void {
    this.#connected = state.connected;
    this.#ping = state.ping;
    this.#anchor(state.position, at);
  }

  #setTrack(track: Track | null): void {
    this.#track = track;
    this.#trackChangedAt = this.#host.clock.now();
    this.#trackChanges += 1;
  }

  /** Whether the track changed (or is being started) after `time`. */
  #isNewerThan(time: number): boolean {
    return this.#starting !== null || this.#trackChangedAt > time;
  }

  #anchor(position: number, at = this.#host.clock.now()): void {
    this.#anchorPosition = position;
    this.#anchorAt = at;
  }

  /** The player's own Track object for a track of an event (so bots recognise theirs), else the event's. */
  #sameTrack(track: Track, starting = false): Track {
    const candidates = starting ? [this.#starting, this.#track] : [this.#track, this.#starting];
    return candidates.find((own) => own?.info.identifier === track.info.identifier) ?? track;
  }

  /** Sends a request that starts `track`, remembering it while the request is in flight. */
  async #updateStarting(
    track: Track,
    body: UpdatePlayerRequest,
    noReplace = false,
  ): Promise<LavalinkPlayer | null> {
    this.#starting = track;
    try {
      const reply = await this.#update(body, noReplace);
      if (this.#starting === track) this.#startedOnServerAt = serverTimeOf(reply);
      return reply;
    } finally {
      if (this.#starting === track) this.#starting = null;
    }
  }

  /** Filters set by another client may be outside lavafleet's ranges: keep them on the wire, not in the builder. */
  #loadFilterBuilder(filters: Filters): void {
    if (this.#filters === null) return; // built from the sent filters on first use
    try {
      this.#filters.reset().apply(filters);
    } catch {
      this.#filters.reset();
    }
  }

  #becomeIdle(): void {
    this.#setTrack(null);
    this.#anchor(0);
    this.#startIdle();
    this.#host.markDirty(this);
  }

  #startIdle(): void {
    const timeoutMs = this.#node.options.inactivePlayerTimeoutMs;
    if (timeoutMs <= 0 || this.#destroyed) return;
    this.#clearIdle();
    this.#idleTimer = this.#host.clock.setTimeout(() => void this.destroy('inactive'), timeoutMs);
  }

  #clearIdle(): void {
    this.#host.clock.clearTimeout(this.#idleTimer);
    this.#idleTimer = undefined;
  }

  #assertAlive(): void {
    if (this.#destroyed) {
      throw new LavafleetError(
        ErrorCodes.PlayerDestroyed,
        `The player of guild ${this.guildId} was destroyed; join again`,
      );
    }
  }
}

function toTrack(input: Track | { encoded: string; userData?: JsonObject }): Track {
  if ('info' in input) return input;
  // Decoded locally (no REST round trip); a bad blob throws a TrackCodecError here, not at Lavalink.
  const track = decodeTrack(input.encoded);
  return input.userData ? { ...track, userData: input.userData } : track;
}
