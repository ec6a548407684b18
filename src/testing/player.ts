/**
 * One emulated player: track, pause, volume, filters, voice and a position that advances with the
 * injectable clock. The position is stored as (position, clock time) at the last change and
 * computed on demand, so a thousand idle-looking players cost nothing between requests.
 */
import type { Filters } from '../protocol/filters.js';
import type { LavalinkPlayer, PlayerState, VoiceState } from '../protocol/player.js';
import { playbackRate } from './filters.js';
import { trackAt } from './tracks.js';
import type { PlayableTrack } from './tracks.js';

/** Voice as the server reports it: `""` while unknown. */
export interface StoredVoice {
  token: string;
  endpoint: string;
  sessionId: string;
  channelId: string | null;
}

export class EmulatedPlayer {
  track: PlayableTrack | null = null;
  volume = 100;
  paused = false;
  filters: Filters = {};
  voice: StoredVoice = { token: '', endpoint: '', sessionId: '', channelId: null };
  connected = false;
  ping = -1;
  /** `endTime` marker of the current track (track position, ms), or null. */
  endTime: number | null = null;
  private basePosition = 0;
  private baseTime = 0;
  private rate = 1;

  constructor(
    readonly guildId: string,
    private readonly now: () => number,
  ) {}

  /** Whether the player counts as playing in stats: a track and not paused. */
  get isPlaying(): boolean {
    return this.track !== null && !this.paused;
  }

  /** Current position in ms (0 when idle). */
  position(): number {
    if (this.track === null) return 0;
    const elapsed = this.paused ? 0 : (this.now() - this.baseTime) * this.rate;
    return Math.floor(Math.min(this.basePosition + Math.max(elapsed, 0), this.stopPosition()));
  }

  /** Clock time at which the current track reaches its end or endTime marker; Infinity if never. */
  endsAt(): number {
    if (this.track === null || this.paused || this.rate <= 0) return Number.POSITIVE_INFINITY;
    const stop = this.stopPosition();
    if (stop >= Number.MAX_SAFE_INTEGER) return Number.POSITIVE_INFINITY;
    return this.baseTime + Math.max(stop - this.basePosition, 0) / this.rate;
  }

  /** Loads a track (the caller emits the events). */
  start(track: PlayableTrack, position: number, endTime: number | null, paused: boolean): void {
    this.track = track;
    this.endTime = endTime;
    this.paused = paused;
    this.basePosition = Math.max(position, 0);
    this.baseTime = this.now();
  }

  /** Unloads the current track and returns it with its final position. */
  clear(): { track: PlayableTrack; position: number } | null {
    const track = this.track;
    if (track === null) return null;
    const position = this.position();
    this.track = null;
    this.endTime = null;
    this.basePosition = 0;
    return { track, position };
  }

  seek(position: number): void {
    this.basePosition = Math.max(position, 0);
    this.baseTime = this.now();
  }

  setPaused(paused: boolean): void {
    this.rebase();
    this.paused = paused;
  }

  setFilters(filters: Filters): void {
    this.rebase();
    this.filters = filters;
    this.rate = playbackRate(filters);
  }

  /** Connects voice at once, as if Discord answered instantly. */
  connectVoice(voice: VoiceState, pingMs: number): void {
    this.voice = {
      token: voice.token,
      endpoint: voice.endpoint,
      sessionId: voice.sessionId,
      channelId: voice.channelId,
    };
    this.connected = true;
    this.ping = pingMs;
  }

  disconnectVoice(): void {
    this.connected = false;
    this.ping = -1;
  }

  state(): PlayerState {
    return { time: this.now(), position: this.position(), connected: this.connected, ping: this.ping };
  }

  /** The Player JSON as `GET /v4/sessions/{sid}/players/{guildId}` returns it. */
  toJson(): LavalinkPlayer {
    const state = this.state();
    return {
      guildId: this.guildId,
      track: this.track === null ? null : trackAt(this.track, state.position),
      volume: this.volume,
      paused: this.paused,
      state,
      voice: { ...this.voice },
      filters: { ...this.filters },
    };
  }

  private stopPosition(): number {
    const length = this.track?.decoded.info.length ?? 0;
    return this.endTime === null ? length : Math.min(this.endTime, length);
  }

  private rebase(): void {
    this.basePosition = this.position();
    this.baseTime = this.now();
  }
}
