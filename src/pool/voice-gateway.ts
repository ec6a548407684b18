/**
 * The pool's side of Discord voice: sends op-4 voice state updates through the connector and routes
 * the bot's VOICE_STATE_UPDATE / VOICE_SERVER_UPDATE packets to a join in progress, a restored player
 * re-joining (see voice-rejoin.ts), or a player, which sends the new voice to Lavalink.
 */
import type { Connector, VoicePacket } from '../connectors/connector.js';
import { ErrorCodes, LavafleetError, asLavafleetError } from '../errors.js';
import type { Player } from '../player/player.js';
import type { VoiceConnection } from '../player/voice-state.js';
import type { Clock, TimerHandle } from '../util/clock.js';
import { VoiceRejoiner } from './voice-rejoin.js';

/** How the bot appears in voice, per guild. */
export interface VoiceOptions {
  shardId?: number | null;
  selfDeaf?: boolean;
  selfMute?: boolean;
}

export interface VoiceGatewayHost {
  readonly connector: Connector;
  readonly clock: Clock;
  /** How long Discord has to answer a join or a re-join. */
  readonly timeoutMs: number;
  /** The bot's user id: only its own voice states count. */
  userId(): string | null;
  player(guildId: string): Player | undefined;
  /** Whether the player waits for a node: its re-creation will carry the new voice. */
  isParked(player: Player): boolean;
  markDirty(player: Player): void;
  emitError(error: LavafleetError): void;
}

interface PendingJoin {
  voice: VoiceConnection;
  resolve(): void;
}

export class VoiceGateway {
  readonly #host: VoiceGatewayHost;
  readonly #pendingJoins = new Map<string, PendingJoin>();
  readonly #rejoiner: VoiceRejoiner;
  #off: (() => void) | null = null;

  constructor(host: VoiceGatewayHost) {
    this.#host = host;
    this.#rejoiner = new VoiceRejoiner({
      clock: host.clock,
      timeoutMs: host.timeoutMs,
      sendVoiceUpdate: (player, channelId) => this.sendForPlayer(player, channelId),
      emitError: (error) => host.emitError(error),
    });
  }

  /** Whether packets are being received (after {@link listen}). */
  get isListening(): boolean {
    return this.#off !== null;
  }

  /** Starts receiving the connector's voice packets (once). */
  listen(): void {
    this.#off ??= this.#host.connector.onVoicePacket((packet) => this.#onPacket(packet));
  }

  /** Sends an op-4 voice state update: join `channelId`, or leave with null. */
  async send(guildId: string, channelId: string | null, options: VoiceOptions): Promise<void> {
    await this.#host.connector.sendVoiceStateUpdate(
      {
        guild_id: guildId,
        channel_id: channelId,
        self_deaf: options.selfDeaf ?? true,
        self_mute: options.selfMute ?? false,
      },
      options.shardId ?? undefined,
    );
  }

  /** {@link send} with the player's shard and deaf/mute settings. */
  sendForPlayer(player: Player, channelId: string | null): Promise<void> {
    return this.send(player.guildId, channelId, player);
  }

  /**
   * Joins `voice.channelId` and resolves once Discord sent both halves of the voice state into
   * `voice`; rejects with ERR_VOICE_TIMEOUT (and leaves the channel) when it does not in time.
   */
  async join(guildId: string, voice: VoiceConnection, options: VoiceOptions): Promise<void> {
    if (this.#pendingJoins.has(guildId)) {
      throw new LavafleetError(
        ErrorCodes.InvalidOption,
        `A join for guild ${guildId} is already in progress`,
      );
    }
    const { clock, timeoutMs } = this.#host;
    let timer: TimerHandle | undefined;
    const arrived = new Promise<void>((resolve, reject) => {
      this.#pendingJoins.set(guildId, { voice, resolve });
      timer = clock.setTimeout(() => {
        // Discord may have joined and only its answers were lost: leave, so the bot does not sit in the channel.
        this.send(guildId, null, options).catch((error: unknown) =>
          this.#host.emitError(asLavafleetError(error, `leaving voice in guild ${guildId}`)),
        );
        reject(
          new LavafleetError(
            ErrorCodes.VoiceTimeout,
            `Discord did not send the voice state and server updates for guild ${guildId} within ${timeoutMs} ms. ` +
              'Check that the connector receives raw gateway packets and that the bot may connect to the channel.',
          ),
        );
      }, timeoutMs);
    });
    try {
      await this.send(guildId, voice.channelId, options);
      await arrived;
    } finally {
      clock.clearTimeout(timer);
      this.#pendingJoins.delete(guildId);
    }
  }

  /** A fresh voice session for a player restored after a bot restart (see voice-rejoin.ts). */
  rejoin(player: Player): Promise<void> {
    return this.#rejoiner.rejoin(player);
  }

  /** Stops receiving packets and ends every re-join wait. */
  destroy(): void {
    this.#off?.();
    this.#off = null;
    this.#rejoiner.destroy();
  }

  #onPacket(packet: VoicePacket): void {
    if (packet.t === 'VOICE_STATE_UPDATE' && packet.d.user_id !== this.#host.userId()) return;
    const guildId = packet.d.guild_id;
    if (guildId === undefined) return;
    const isState = packet.t === 'VOICE_STATE_UPDATE';
    const pending = this.#pendingJoins.get(guildId);
    if (pending) {
      const change = isState ? pending.voice.applyState(packet.d) : pending.voice.applyServer(packet.d);
      if (change === 'ready') pending.resolve();
      return;
    }
    const player = this.#host.player(guildId);
    if (!player) return;
    const change = isState ? player.voice.applyState(packet.d) : player.voice.applyServer(packet.d);
    // A restored player re-joining voice, or a parked one: its re-creation will carry the new voice.
    if (this.#rejoiner.consume(guildId, isState ? 'state' : 'server', change)) return;
    if (change === 'disconnected') void player.destroy('voiceDisconnected', { disconnect: false });
    else if (change === 'ready' && !this.#host.isParked(player)) {
      player
        .sendVoice()
        .catch((error: unknown) =>
          this.#host.emitError(asLavafleetError(error, `updating the voice state of guild ${guildId}`)),
        );
      this.#host.markDirty(player);
    }
  }
}
