/**
 * Fresh Discord voice sessions for players restored after a bot restart.
 *
 * A bot's voice sessions die with its gateway session, so a restored player whose Lavalink session is
 * gone needs new voice credentials before Lavalink can connect. The rejoin asks Discord first (op 4)
 * and waits for both answers, so the player is then re-created with track, position and fresh voice
 * in one request (instead of re-creating it with dead credentials and patching the voice twice).
 * Discord's answers for a guild being rejoined are consumed here: they reach Lavalink with the
 * re-creation. Without an answer in time the player is re-created anyway, with its saved voice, and
 * Discord's late answers are sent as ordinary voice updates.
 */
import { ErrorCodes, LavafleetError, asLavafleetError } from '../errors.js';
import type { Player } from '../player/player.js';
import type { VoiceChange } from '../player/voice-state.js';
import type { Clock, TimerHandle } from '../util/clock.js';

export interface VoiceRejoinHost {
  readonly clock: Clock;
  /** How long to wait for Discord's two answers. */
  readonly timeoutMs: number;
  /** Sends the op-4 voice state update joining `channelId`. */
  sendVoiceUpdate(player: Player, channelId: string): Promise<void>;
  emitError(error: LavafleetError): void;
}

interface Waiting {
  state: boolean;
  server: boolean;
  done(): void;
}

export class VoiceRejoiner {
  readonly #host: VoiceRejoinHost;
  readonly #rejoins = new WeakMap<Player, Promise<void>>();
  readonly #waiting = new Map<string, Waiting>();

  constructor(host: VoiceRejoinHost) {
    this.#host = host;
  }

  /** Asks Discord for a fresh voice session; resolves (never rejects) once it arrived or timed out. Once per player. */
  rejoin(player: Player): Promise<void> {
    let rejoin = this.#rejoins.get(player);
    if (!rejoin) {
      rejoin = this.#rejoin(player);
      this.#rejoins.set(player, rejoin);
    }
    return rejoin;
  }

  /**
   * A voice packet of a player was applied. Returns true when a rejoin consumed it: the caller must
   * not send the voice to Lavalink (the re-creation carries it).
   */
  consume(guildId: string, packet: 'state' | 'server', change: VoiceChange): boolean {
    const waiting = this.#waiting.get(guildId);
    if (!waiting) return false;
    if (packet === 'state') waiting.state = true;
    else waiting.server = true;
    if (change === 'disconnected') {
      waiting.done();
      return false; // the bot was removed from the channel: the pool handles it as usual
    }
    if (waiting.state && waiting.server) waiting.done();
    return true;
  }

  /** Ends every wait (the pool is closing). */
  destroy(): void {
    for (const waiting of [...this.#waiting.values()]) waiting.done();
  }

  async #rejoin(player: Player): Promise<void> {
    const { guildId } = player;
    const channelId = player.voice.channelId;
    if (channelId === null || this.#waiting.has(guildId)) return;
    const { clock, timeoutMs } = this.#host;
    let timer: TimerHandle | undefined;
    let timedOut = false;
    const arrived = new Promise<void>((resolve) => {
      this.#waiting.set(guildId, { state: false, server: false, done: resolve });
      timer = clock.setTimeout(() => {
        timedOut = true;
        resolve();
      }, timeoutMs);
    });
    try {
      await this.#host.sendVoiceUpdate(player, channelId);
      await arrived;
      if (timedOut) {
        this.#host.emitError(
          new LavafleetError(
            ErrorCodes.VoiceTimeout,
            `Discord did not answer the voice re-join of guild ${guildId} within ${timeoutMs} ms; the player is ` +
              're-created with its saved voice state. Check that the connector receives raw gateway packets.',
          ),
        );
      }
    } catch (error) {
      this.#host.emitError(asLavafleetError(error, `re-joining voice in guild ${guildId}`));
    } finally {
      clock.clearTimeout(timer);
      this.#waiting.delete(guildId);
    }
  }
}
