/**
 * One Lavalink session (protocol reference §7, §8): its players, its outbound messages and its
 * three timers (stats, periodic playerUpdates, earliest track end). Timers are per session, never
 * per player, so a session with thousands of players stays cheap.
 *
 *   connected ──socket closed, resuming──▶ paused ──resumed──▶ connected
 *       │                                    │
 *       └──socket closed, not resuming──▶ destroyed ◀──timeout / expireSession()
 */
import type { EventMessage, StatsMessage, TrackEndReason } from '../protocol/messages.js';
import { DeadlineTimer } from './deadline-timer.js';
import { stringify } from './json.js';
import type { ResolvedEmulatorOptions } from './options.js';
import type { OutboundChannel } from './outbound.js';
import { EmulatedPlayer } from './player.js';
import { trackAt } from './tracks.js';
import type { PlayableTrack } from './tracks.js';

export type SessionStatus = 'connected' | 'paused' | 'destroyed';

/** What a session needs from the emulated node. */
export interface SessionHost {
  readonly options: ResolvedEmulatorOptions;
  statsMessage(): StatsMessage;
  onSessionDestroyed(session: EmulatedSession): void;
}

/** Where a new track starts and how. */
export interface StartOptions {
  position: number;
  endTime: number | null;
  paused: boolean;
}

export class EmulatedSession {
  status: SessionStatus = 'connected';
  resuming = false;
  /** Resume window in seconds, as on the wire. */
  timeoutSeconds = 60;
  readonly players = new Map<string, EmulatedPlayer>();
  private channel: OutboundChannel | null = null;
  private queued: string[] = [];
  private readonly endTimer: DeadlineTimer;
  private readonly expiryTimer: DeadlineTimer;
  private readonly statsTimer: NodeJS.Timeout;
  private readonly updateTimer: NodeJS.Timeout;
  private readonly now: () => number;

  constructor(
    readonly id: string,
    readonly userId: string,
    readonly clientName: string | null,
    private readonly host: SessionHost,
  ) {
    this.now = host.options.now;
    this.endTimer = new DeadlineTimer(this.now, () => this.checkTrackEnds());
    this.expiryTimer = new DeadlineTimer(this.now, () => this.destroy());
    this.statsTimer = setInterval(() => this.sendStats(), host.options.statsIntervalMs).unref();
    this.updateTimer = setInterval(
      () => this.sendPlayerUpdates(),
      host.options.playerUpdateIntervalMs,
    ).unref();
  }

  /** The channel to the connected client, if any. */
  get outbound(): OutboundChannel | null {
    return this.channel;
  }

  /** Binds a client socket: `ready`, then stats (new) or the queue and one playerUpdate per player (resumed). */
  attach(channel: OutboundChannel, resumed: boolean): void {
    this.channel = channel;
    this.status = 'connected';
    this.expiryTimer.cancel();
    channel.send(stringify({ op: 'ready', resumed, sessionId: this.id }));
    if (!resumed) {
      this.sendStats();
      return;
    }
    const queued = this.queued;
    this.queued = [];
    for (const message of queued) channel.send(message);
    for (const player of this.players.values()) this.sendPlayerUpdate(player);
  }

  /** The client's socket is gone: pause if resuming is enabled, else destroy. */
  detach(sessionSupport: boolean): void {
    this.channel?.close();
    this.channel = null;
    if (this.status !== 'connected') return;
    if (!this.resuming || !sessionSupport) {
      this.destroy();
      return;
    }
    this.status = 'paused';
    this.expiryTimer.reset(this.now() + this.timeoutSeconds * 1000);
  }

  /** Ends the session: players dropped without events, timers cleared. */
  destroy(): void {
    if (this.status === 'destroyed') return;
    this.status = 'destroyed';
    clearInterval(this.statsTimer);
    clearInterval(this.updateTimer);
    this.endTimer.cancel();
    this.expiryTimer.cancel();
    this.channel?.close();
    this.channel = null;
    this.players.clear();
    this.queued = [];
    this.host.onSessionDestroyed(this);
  }

  /** Re-evaluates track ends and the resume window against the clock now. */
  tick(): void {
    this.checkTrackEnds();
    this.expiryTimer.check();
  }

  /** Drops the messages queued while paused; returns how many there were. */
  dropQueued(): number {
    const count = this.queued.length;
    this.queued = [];
    return count;
  }

  /** Sends an event or stats frame; queued while paused (§8). */
  sendMessage(message: EventMessage | StatsMessage): void {
    if (this.channel !== null) this.channel.send(stringify(message));
    else if (this.status === 'paused') this.queued.push(stringify(message));
  }

  sendStats(): void {
    this.sendMessage(this.host.statsMessage());
  }

  /** playerUpdate frames are never queued. */
  sendPlayerUpdate(player: EmulatedPlayer): void {
    this.channel?.send(stringify({ op: 'playerUpdate', guildId: player.guildId, state: player.state() }));
  }

  /** One playerUpdate per player with a track, as Lavalink's periodic updates. */
  sendPlayerUpdates(): void {
    if (this.channel === null) return;
    for (const player of this.players.values()) if (player.track !== null) this.sendPlayerUpdate(player);
  }

  getOrCreatePlayer(guildId: string): EmulatedPlayer {
    let player = this.players.get(guildId);
    if (player === undefined) {
      player = new EmulatedPlayer(guildId, this.now);
      this.players.set(guildId, player);
    }
    return player;
  }

  /** Plays a track: TrackEndEvent(replaced) for the old one, TrackStartEvent, then a playerUpdate. */
  play(player: EmulatedPlayer, track: PlayableTrack, start: StartOptions): void {
    this.endTrack(player, 'replaced');
    player.start(track, start.position, start.endTime, start.paused);
    const { guildId } = player;
    this.sendMessage({
      op: 'event',
      type: 'TrackStartEvent',
      guildId,
      track: trackAt(track, player.position()),
    });
    this.sendPlayerUpdate(player);
    this.armTrackEnd(player);
  }

  /** Ends the current track, if any, with a TrackEndEvent of that reason. */
  endTrack(player: EmulatedPlayer, reason: TrackEndReason): boolean {
    const ended = player.clear();
    if (ended === null) return false;
    const track = trackAt(ended.track, ended.position);
    this.sendMessage({ op: 'event', type: 'TrackEndEvent', guildId: player.guildId, track, reason });
    return true;
  }

  /** DELETE player: stops the track (TrackEndEvent stopped) and forgets the player. */
  removePlayer(guildId: string): void {
    const player = this.players.get(guildId);
    if (player === undefined) return;
    this.endTrack(player, 'stopped');
    this.players.delete(guildId);
  }

  /** Makes sure the end timer fires no later than this player's track end. */
  armTrackEnd(player: EmulatedPlayer): void {
    this.endTimer.armAt(player.endsAt());
  }

  private checkTrackEnds(): void {
    const now = this.now();
    let next = Number.POSITIVE_INFINITY;
    for (const player of this.players.values()) {
      const endsAt = player.endsAt();
      if (endsAt <= now) this.endTrack(player, 'finished');
      else if (endsAt < next) next = endsAt;
    }
    this.endTimer.reset(next);
  }
}
