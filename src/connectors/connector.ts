/**
 * The Discord side of lavafleet: how it learns the bot's user id, sends voice-state updates (gateway
 * op 4) to the right shard, and receives the voice packets Discord sends back. One small adapter per
 * Discord library implements this.
 */

/** `d` of gateway op 4 (Update Voice State). `channel_id: null` leaves the channel. */
export interface VoiceStateUpdatePayload {
  guild_id: string;
  channel_id: string | null;
  self_mute: boolean;
  self_deaf: boolean;
}

/** `d` of the VOICE_STATE_UPDATE dispatch (the fields lavafleet reads). */
export interface GatewayVoiceState {
  guild_id?: string;
  channel_id: string | null;
  user_id: string;
  session_id: string;
  self_deaf?: boolean;
  self_mute?: boolean;
}

/** `d` of the VOICE_SERVER_UPDATE dispatch. `endpoint` is null while Discord allocates a server. */
export interface GatewayVoiceServer {
  guild_id: string;
  token: string;
  endpoint: string | null;
}

/** The two gateway dispatches lavafleet needs. */
export type VoicePacket =
  { t: 'VOICE_STATE_UPDATE'; d: GatewayVoiceState } | { t: 'VOICE_SERVER_UPDATE'; d: GatewayVoiceServer };

/** A Discord library, seen from lavafleet. */
export interface Connector {
  /** A short name for logs, e.g. `discord.js`. */
  readonly name: string;
  /** The bot's user id, or null while the Discord client is not ready yet. */
  getUserId(): string | null;
  /** Resolves with the bot's user id once the Discord client is ready. */
  waitForUserId(): Promise<string>;
  /** Sends gateway op 4 for `payload.guild_id` on the shard that owns that guild. */
  sendVoiceStateUpdate(payload: VoiceStateUpdatePayload, shardId?: number): void | Promise<void>;
  /** Subscribes to voice packets (the adapter filters the raw gateway stream). Returns an unsubscribe. */
  onVoicePacket(listener: (packet: VoicePacket) => void): () => void;
  /** Releases the library listeners the adapter added. */
  destroy?(): void;
}

/** Narrows any raw gateway packet (`{ t, d }`) to a voice packet, or null. Cheap: runs on every packet. */
export function toVoicePacket(packet: unknown): VoicePacket | null {
  if (typeof packet !== 'object' || packet === null) return null;
  const { t, d } = packet as { t?: unknown; d?: unknown };
  if ((t !== 'VOICE_STATE_UPDATE' && t !== 'VOICE_SERVER_UPDATE') || typeof d !== 'object' || d === null)
    return null;
  const data = d as Record<string, unknown>;
  if (t === 'VOICE_STATE_UPDATE') {
    if (typeof data.user_id !== 'string' || typeof data.session_id !== 'string') return null;
    if (data.channel_id !== null && typeof data.channel_id !== 'string') return null;
    return { t, d: data as unknown as GatewayVoiceState };
  }
  if (typeof data.guild_id !== 'string' || typeof data.token !== 'string') return null;
  if (data.endpoint !== null && typeof data.endpoint !== 'string') return null;
  return { t, d: data as unknown as GatewayVoiceServer };
}

/**
 * The shard that owns a guild, by Discord's sharding formula `(guild_id >> 22) % shard_count`.
 * Handy in the `send` of a custom connector.
 *
 * @example
 * shardIdForGuild('81384788765712384', 4); // 2
 */
export function shardIdForGuild(guildId: string, shardCount: number): number {
  if (!/^\d{1,20}$/.test(guildId)) {
    throw new TypeError(`guildId must be a Discord snowflake, received ${JSON.stringify(guildId)}`);
  }
  if (!Number.isInteger(shardCount) || shardCount < 1) {
    throw new RangeError(`shardCount must be an integer from 1, received ${String(shardCount)}`);
  }
  return Number((BigInt(guildId) >> 22n) % BigInt(shardCount));
}
