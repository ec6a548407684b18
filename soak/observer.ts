/**
 * Watches what the emulated servers really play, many times a second, and measures two invariants
 * from that truth alone (never from what the bot believes):
 *
 * - time to a live node: after a failure (kill, freeze, session expiry) silences guilds, how long
 *   until each plays again on a live node. The clock starts at the failure, or when the bot is back
 *   if the bot was down (a stopped bot cannot fail over); failures during which no node could take
 *   players (each killed, frozen or refusing handshakes) are exempt. A guild still silent from an
 *   earlier failure that the bot was moving to the node that fails now (the bot has it there, or
 *   the node holds its re-creation unanswered, see {@link Observer.caughtMidMove}) has a new node,
 *   and that node's failure starts its clock again.
 * - position error after a move: when a guild shows up in a server session it was never seen in,
 *   its position there is compared with where its last observed player would be now (position plus
 *   the time since: nothing is paused or sped up in the soak). Moves where the track would have
 *   ended meanwhile cannot be compared and are only counted; a different track mid-way is an error.
 *
 * The guild is audible where a live server has a player with a track; paused sessions count (a
 * Lavalink keeps playing while the bot is away), frozen and killed servers do not.
 */
import type { AudiblePlayer } from '../src/cli/demo/fleet.js';
import type { NodeFailure, SoakFleet } from './fleet.js';

/** Tracks whose end is this close are not compared (the bot may have moved on). */
const TRACK_END_MARGIN_MS = 1_000;
/** Sessions remembered per guild, to tell a move from a return. */
const KNOWN_SESSIONS = 4;
/**
 * How long a session's last position stays a reference for a move. A guild heard in two sessions
 * lately had two timelines (a copy a thawed node played on from an old request, say); a move
 * continues one of them, and is judged against the nearer.
 */
const REFERENCE_MS = 3_000;
/** Placement changes remembered per guild, for the report. */
const HISTORY = 8;

export interface Recovery {
  guildId: string;
  ms: number;
  cause: string;
  node: string;
  /** Ms since the run started when the failure happened. */
  atMs: number;
}

export interface PositionError {
  guildId: string;
  errorMs: number;
  detail: string;
  atMs: number;
}

interface Reference {
  sessionId: string;
  trackId: string;
  position: number;
  at: number;
}

interface GuildState {
  sessions: string[];
  /** Where it was last heard in each recent session, the latest last. */
  refs: Reference[];
  /** Where it was heard at the last sample (node/session keys). */
  heard: string;
  history: string[];
}

interface PendingFailure {
  failure: NodeFailure;
  guilds: Set<string>;
  /** When the clock started, or null while the bot is down. */
  startAt: number | null;
  exempt: boolean;
}

export class Observer {
  /** Recoveries measured (failures not exempt). */
  recoveries = 0;
  worstRecovery: Recovery | null = null;
  /** Guilds that took longer than the deadline, or never came back before a checkpoint. */
  readonly lateRecoveries: Recovery[] = [];
  exemptFailures = 0;
  /** Guilds whose clock restarted: a second failure hit the node they were being moved to. */
  guildsCaughtMidMove = 0;
  failures = 0;
  movesCompared = 0;
  movesAcrossTrackEnd = 0;
  worstPosition: PositionError | null = null;
  readonly positionViolations: PositionError[] = [];
  peakDuplicates = 0;
  readonly #guilds = new Map<string, GuildState>();
  readonly #pending: PendingFailure[] = [];
  #audible = new Map<string, AudiblePlayer[]>();
  #botUp = true;

  constructor(
    private readonly fleet: SoakFleet,
    guildIds: readonly string[],
    private readonly trackLengths: ReadonlyMap<string, number>,
    private readonly limits: { liveDeadlineMs: number; positionToleranceMs: number },
    private readonly runStart: number,
  ) {
    for (const guildId of guildIds)
      this.#guilds.set(guildId, { sessions: [], refs: [], heard: '', history: [] });
  }

  /**
   * Called with a guild that broke an invariant here (to fetch the bot's side of it); `worst` when
   * it is the worst break of its kind so far.
   */
  onViolation: (kind: 'late' | 'position', guildId: string, worst: boolean) => void = () => undefined;

  /** Where the servers played a guild, each time that changed (the last few), with run times. */
  historyOf(guildId: string): readonly string[] {
    return this.#guilds.get(guildId)?.history ?? [];
  }

  /** The live placements of every guild at the last sample. */
  get audible(): ReadonlyMap<string, AudiblePlayer[]> {
    return this.#audible;
  }

  /** Reads every server once. */
  sample(): void {
    const at = performance.now();
    const audible = new Map<string, AudiblePlayer[]>();
    for (const [guildId, placements] of this.fleet.audible()) {
      const live = placements.filter((placement) => this.fleet.isLive(placement.node));
      if (live.length > 0) audible.set(guildId, live);
    }
    this.#audible = audible;
    let duplicates = 0;
    for (const [guildId, state] of this.#guilds) {
      const live = audible.get(guildId) ?? [];
      if (live.length > 1) duplicates += 1;
      this.#follow(guildId, state, live, at);
    }
    this.peakDuplicates = Math.max(this.peakDuplicates, duplicates);
    this.#settleFailures(at);
  }

  /** A failure silenced what `failure` names: every guild audible there at the last sample. */
  failure(failure: NodeFailure): void {
    const guilds = new Set<string>();
    for (const [guildId, placements] of this.#audible) {
      const hit = placements.some(
        (p) => p.node === failure.node && (failure.sessionId === null || p.sessionId === failure.sessionId),
      );
      if (hit) guilds.add(guildId);
    }
    this.failures += 1;
    if (guilds.size === 0) return;
    this.#pending.push({ failure, guilds, startAt: this.#botUp ? failure.at : null, exempt: false });
  }

  /**
   * The bot has `guildIds` on the node `failure` hit (moving there included). Those still silent
   * from an earlier failure were on their way there: the failure of the node they are on is this one
   * now, and their clock restarts at it. The others are the guilds `failure` silenced or moved there
   * afterwards, which the bot then still has to move.
   */
  caughtMidMove(failure: NodeFailure, guildIds: readonly string[]): void {
    const caught = new Set<string>();
    for (const pending of this.#pending) {
      if (pending.failure.at >= failure.at) continue;
      for (const guildId of guildIds) if (pending.guilds.delete(guildId)) caught.add(guildId);
    }
    if (caught.size === 0) return;
    this.guildsCaughtMidMove += caught.size;
    let own = this.#pending.find((pending) => pending.failure === failure);
    if (own === undefined) {
      own = { failure, guilds: new Set(), startAt: this.#botUp ? failure.at : null, exempt: false };
      this.#pending.push(own);
    }
    for (const guildId of caught) own.guilds.add(guildId);
  }

  /** The bot stops: running clocks restart when it is back. */
  botDown(): void {
    this.#botUp = false;
    for (const pending of this.#pending) pending.startAt = null;
  }

  /** The bot is back (its pool connected) at `at`. */
  botReady(at: number): void {
    this.#botUp = true;
    for (const pending of this.#pending) pending.startAt ??= at;
  }

  /** At a checkpoint: guilds still silent after a failure count as late, with the time so far. */
  closeFailures(): void {
    const at = performance.now();
    for (const pending of this.#pending.splice(0)) {
      if (pending.exempt) {
        this.exemptFailures += 1;
        continue;
      }
      for (const guildId of pending.guilds) this.#late(guildId, pending, at - (pending.startAt ?? at));
    }
  }

  #follow(guildId: string, state: GuildState, live: readonly AudiblePlayer[], at: number): void {
    const heard = live.map(
      (p) => `${p.node}/${p.sessionId.slice(0, 8)} ${p.trackId}@${Math.round(p.position)}`,
    );
    const keys = heard.map((entry) => entry.split(' ')[0]).join(', ');
    if (keys !== state.heard) {
      state.heard = keys;
      state.history.push(
        `${((at - this.runStart) / 1000).toFixed(2)} s: ${heard.length ? heard.join(', ') : 'silent'}`,
      );
      if (state.history.length > HISTORY) state.history.shift();
    }
    if (live.length === 0) return;
    for (const placement of live) {
      if (state.sessions.includes(placement.sessionId)) continue;
      if (state.refs.length > 0 && state.sessions.length > 0)
        this.#compare(guildId, state.refs, placement, at);
      state.sessions.push(placement.sessionId);
      if (state.sessions.length > KNOWN_SESSIONS) state.sessions.shift();
    }
    for (const { sessionId, trackId, position } of live) {
      const index = state.refs.findIndex((ref) => ref.sessionId === sessionId);
      if (index >= 0) state.refs.splice(index, 1);
      state.refs.push({ sessionId, trackId, position, at });
    }
    // The latest reference always counts, however old; the others only while recent.
    const latest = state.refs[state.refs.length - 1]!.at;
    state.refs = state.refs.filter((ref) => ref.at >= latest - REFERENCE_MS).slice(-KNOWN_SESSIONS);
  }

  /** Judges a guild heard in a new session against the nearest of its recent references. */
  #compare(guildId: string, refs: readonly Reference[], placement: AudiblePlayer, at: number): void {
    let nearest: { ref: Reference; expected: number; errorMs: number } | undefined;
    for (const ref of refs) {
      const length = this.trackLengths.get(ref.trackId) ?? Number.POSITIVE_INFINITY;
      const expected = ref.position + (at - ref.at);
      if (expected >= length - TRACK_END_MARGIN_MS) continue;
      const sameTrack = placement.trackId === ref.trackId;
      const errorMs = sameTrack ? Math.abs(placement.position - expected) : Number.POSITIVE_INFINITY;
      if (nearest === undefined || errorMs < nearest.errorMs) nearest = { ref, expected, errorMs };
    }
    if (nearest === undefined) {
      this.movesAcrossTrackEnd += 1;
      return;
    }
    this.movesCompared += 1;
    const { ref, expected, errorMs } = nearest;
    const sameTrack = placement.trackId === ref.trackId;
    const detail = sameTrack
      ? `on ${placement.node} at ${Math.round(placement.position)} ms, expected ${Math.round(expected)} ms`
      : `on ${placement.node} with track ${placement.trackId}, expected ${ref.trackId} at ${Math.round(expected)} ms`;
    const error: PositionError = { guildId, errorMs, detail, atMs: Math.round(at - this.runStart) };
    const worst = this.worstPosition === null || errorMs > this.worstPosition.errorMs;
    if (worst) this.worstPosition = error;
    if (errorMs >= this.limits.positionToleranceMs) {
      this.positionViolations.push(error);
      this.onViolation('position', guildId, worst);
    }
  }

  #settleFailures(at: number): void {
    const usable = this.fleet.usableCount();
    for (let i = this.#pending.length - 1; i >= 0; i--) {
      const pending = this.#pending[i]!;
      if (usable === 0) pending.exempt = true;
      for (const guildId of pending.guilds) {
        if (!this.#audible.has(guildId)) continue;
        pending.guilds.delete(guildId);
        if (!pending.exempt && pending.startAt !== null)
          this.#recovered(guildId, pending, at - pending.startAt);
      }
      if (pending.guilds.size === 0) {
        if (pending.exempt) this.exemptFailures += 1;
        this.#pending.splice(i, 1);
      }
    }
  }

  #recovered(guildId: string, pending: PendingFailure, ms: number): void {
    this.recoveries += 1;
    const recovery = this.#recovery(guildId, pending, ms);
    const worst = this.#keepIfWorst(recovery);
    if (ms > this.limits.liveDeadlineMs) {
      this.lateRecoveries.push(recovery);
      this.onViolation('late', guildId, worst);
    }
  }

  #late(guildId: string, pending: PendingFailure, ms: number): void {
    const recovery = this.#recovery(guildId, pending, ms);
    const worst = this.#keepIfWorst(recovery);
    this.lateRecoveries.push({ ...recovery, cause: `${recovery.cause} (not back by the checkpoint)` });
    this.onViolation('late', guildId, worst);
  }

  /** Keeps `recovery` as the worst when it is; says whether it was. */
  #keepIfWorst(recovery: Recovery): boolean {
    if (this.worstRecovery !== null && recovery.ms <= this.worstRecovery.ms) return false;
    this.worstRecovery = recovery;
    return true;
  }

  #recovery(guildId: string, pending: PendingFailure, ms: number): Recovery {
    const { failure } = pending;
    return {
      guildId,
      ms: Math.round(ms),
      cause: failure.cause,
      node: failure.node,
      atMs: Math.round(failure.at - this.runStart),
    };
  }
}
