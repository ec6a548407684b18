/**
 * A player's Discord voice connection, assembled from the two gateway dispatches. Lavalink needs all
 * four values: `sessionId` and `channelId` (VOICE_STATE_UPDATE), `token` and `endpoint`
 * (VOICE_SERVER_UPDATE). `channelId` is mandatory since Lavalink 4.2 (Discord's DAVE encryption).
 */
import type { GatewayVoiceServer, GatewayVoiceState } from '../connectors/connector.js';
import type { VoiceState } from '../protocol/player.js';
import { regionFromEndpoint } from '../pool/selection.js';

/** What changed after a packet, for the player to act on. */
export type VoiceChange =
  /** Nothing Lavalink needs yet (waiting for the other half, or a null endpoint). */
  | 'none'
  /** All four values are known and differ from what Lavalink has: send them. */
  | 'ready'
  /** The bot left the channel or was disconnected by a moderator. */
  | 'disconnected';

/** Plain data describing the voice connection, for snapshots. */
export interface VoiceSnapshot {
  channelId: string | null;
  sessionId: string | null;
  token: string | null;
  endpoint: string | null;
}

export class VoiceConnection {
  channelId: string | null;
  sessionId: string | null = null;
  token: string | null = null;
  endpoint: string | null = null;
  /** The last state sent to Lavalink, to skip duplicates. */
  #sentKey: string | null = null;
  /** The endpoint {@link region} was parsed from (undefined: not yet), and its region. */
  #regionOf: string | null | undefined = undefined;
  #region: string | null = null;

  constructor(channelId: string | null) {
    this.channelId = channelId;
  }

  /** Restores from a snapshot (after a bot restart or a move). */
  static from(snapshot: VoiceSnapshot): VoiceConnection {
    const voice = new VoiceConnection(snapshot.channelId);
    voice.sessionId = snapshot.sessionId;
    voice.token = snapshot.token;
    voice.endpoint = snapshot.endpoint;
    return voice;
  }

  /** The bot's own VOICE_STATE_UPDATE. */
  applyState(d: GatewayVoiceState): VoiceChange {
    if (d.channel_id === null) {
      this.channelId = null;
      this.#sentKey = null;
      return 'disconnected';
    }
    this.channelId = d.channel_id;
    this.sessionId = d.session_id;
    return this.#change();
  }

  /** VOICE_SERVER_UPDATE: a null endpoint means Discord is allocating a server; wait for the next one. */
  applyServer(d: GatewayVoiceServer): VoiceChange {
    this.token = d.token;
    this.endpoint = d.endpoint;
    return this.#change();
  }

  /** The state for Lavalink, or null while incomplete. */
  toLavalink(): VoiceState | null {
    const { channelId, sessionId, token, endpoint } = this;
    if (channelId === null || sessionId === null || token === null || endpoint === null) return null;
    return { token, endpoint, sessionId, channelId };
  }

  /** Marks the current state as sent to Lavalink (or forgets it, so it is sent again, e.g. after a move). */
  markSent(sent: boolean): void {
    this.#sentKey = sent ? this.#key() : null;
  }

  /** Whether the state is complete and Lavalink does not have these exact values yet. */
  needsSend(): boolean {
    return this.toLavalink() !== null && this.#key() !== this.#sentKey;
  }

  /** Voice region from the endpoint (`us-east`, `ams`, ...), or null. */
  get region(): string | null {
    // Asked for each node selection (a failover selects once per player): parsed once per endpoint.
    if (this.#regionOf !== this.endpoint) {
      this.#regionOf = this.endpoint;
      this.#region = regionFromEndpoint(this.endpoint);
    }
    return this.#region;
  }

  toJSON(): VoiceSnapshot {
    return {
      channelId: this.channelId,
      sessionId: this.sessionId,
      token: this.token,
      endpoint: this.endpoint,
    };
  }

  #change(): VoiceChange {
    if (this.toLavalink() === null) return 'none';
    return this.#key() === this.#sentKey ? 'none' : 'ready';
  }

  #key(): string {
    return `${this.channelId}|${this.sessionId}|${this.token}|${this.endpoint}`;
  }
}
