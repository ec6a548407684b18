/**
 * A connector that plays Discord's part: every voice-state update (gateway op 4) is answered with
 * the VOICE_STATE_UPDATE and VOICE_SERVER_UPDATE Discord would send, so tests and the demo need no
 * Discord at all. Test hooks simulate moves, kicks, voice-server changes and lost updates.
 *
 * Wiring: `new Pool({ connector: new TestConnector(), nodes })`.
 */
import { randomBytes } from 'node:crypto';
import type {
  Connector,
  GatewayVoiceServer,
  GatewayVoiceState,
  VoicePacket,
  VoiceStateUpdatePayload,
} from '../connectors/connector.js';

/** Options of {@link TestConnector}. */
export interface TestConnectorOptions {
  /** The bot's user id. @defaultValue DEFAULT_TEST_USER_ID */
  userId?: string;
  /** Voice server endpoint sent in VOICE_SERVER_UPDATE. @defaultValue 'emulated.discord.media' */
  endpoint?: string;
  /** Delay before answering an update; 0 answers on a microtask. @defaultValue 0 */
  delayMs?: number;
  /**
   * Answer joins with a VOICE_SERVER_UPDATE whose endpoint is null, then (after `delayMs` again) the
   * real one, like Discord while it allocates a voice server. @defaultValue false
   */
  nullEndpointFirst?: boolean;
}

/** The user id a {@link TestConnector} reports unless told otherwise. */
export const DEFAULT_TEST_USER_ID = '1100000000000000001';

/** Defaults of {@link TestConnectorOptions}. */
export const DEFAULT_TEST_CONNECTOR_OPTIONS: Readonly<Required<TestConnectorOptions>> = Object.freeze({
  userId: DEFAULT_TEST_USER_ID,
  endpoint: 'emulated.discord.media',
  delayMs: 0,
  nullEndpointFirst: false,
});

/** What the emulated Discord remembers about the bot in one guild. */
interface GuildVoice {
  sessionId: string;
  channelId: string | null;
  selfDeaf: boolean;
  selfMute: boolean;
}

/**
 * An emulated Discord gateway for one bot: answers voice-state updates, records them in
 * {@link TestConnector.sent}, and lets tests push voice events.
 *
 * @example
 * const connector = new TestConnector({ delayMs: 5 });
 * const pool = new Pool({ connector, nodes: [{ uri: emulator.url, password: 'youshallnotpass' }] });
 * await pool.join({ guildId: '1', channelId: '2' });
 * connector.moveTo('1', '3'); // a moderator drags the bot to another channel
 */
export class TestConnector implements Connector {
  readonly name = 'test';
  /** Every op-4 payload received, in order, including those dropped by {@link TestConnector.failNext}. */
  readonly sent: VoiceStateUpdatePayload[] = [];
  readonly #options: Readonly<Required<TestConnectorOptions>>;
  readonly #listeners = new Set<(packet: VoicePacket) => void>();
  readonly #guilds = new Map<string, GuildVoice>();
  readonly #timers = new Set<NodeJS.Timeout>();
  #dropNext = 0;
  #isDestroyed = false;

  constructor(options: TestConnectorOptions = {}) {
    this.#options = resolveOptions(options);
  }

  getUserId(): string {
    return this.#options.userId;
  }

  waitForUserId(): Promise<string> {
    return Promise.resolve(this.#options.userId);
  }

  /** Records the update and, unless dropped, answers it after `delayMs`. */
  sendVoiceStateUpdate(payload: VoiceStateUpdatePayload): void {
    if (this.#isDestroyed) throw new Error('TestConnector was destroyed; create a new one.');
    const { guild_id, channel_id, self_deaf, self_mute } = payload;
    this.sent.push({ guild_id, channel_id, self_mute, self_deaf });
    if (this.#dropNext > 0) {
      this.#dropNext -= 1;
      return;
    }
    const voice = this.#voice(guild_id);
    this.#schedule(() => {
      Object.assign(voice, { channelId: channel_id, selfDeaf: self_deaf, selfMute: self_mute });
      this.#emit({ t: 'VOICE_STATE_UPDATE', d: this.#state(guild_id) });
      if (channel_id === null) return;
      if (!this.#options.nullEndpointFirst) {
        this.#emit({ t: 'VOICE_SERVER_UPDATE', d: this.#server(guild_id, this.#options.endpoint) });
        return;
      }
      this.#emit({ t: 'VOICE_SERVER_UPDATE', d: this.#server(guild_id, null) });
      this.#schedule(() =>
        this.#emit({ t: 'VOICE_SERVER_UPDATE', d: this.#server(guild_id, this.#options.endpoint) }),
      );
    });
  }

  onVoicePacket(listener: (packet: VoicePacket) => void): () => void {
    const entry = (packet: VoicePacket): void => listener(packet);
    this.#listeners.add(entry);
    return () => void this.#listeners.delete(entry);
  }

  /** A moderator moved the bot: emits VOICE_STATE_UPDATE with `channelId`, now. */
  moveTo(guildId: string, channelId: string): void {
    this.#voice(guildId).channelId = channelId;
    this.#emit({ t: 'VOICE_STATE_UPDATE', d: this.#state(guildId) });
  }

  /** The bot was disconnected (kicked from voice): emits VOICE_STATE_UPDATE with a null channel, now. */
  disconnect(guildId: string): void {
    this.#voice(guildId).channelId = null;
    this.#emit({ t: 'VOICE_STATE_UPDATE', d: this.#state(guildId) });
  }

  /** Discord moved the guild to another voice server: emits VOICE_SERVER_UPDATE with a new token, now. */
  changeServer(
    guildId: string,
    { endpoint = this.#options.endpoint }: { endpoint?: string | null } = {},
  ): void {
    this.#emit({ t: 'VOICE_SERVER_UPDATE', d: this.#server(guildId, endpoint) });
  }

  /** Leaves the next `count` updates unanswered (they still land in {@link TestConnector.sent}). */
  failNext(count = 1): void {
    if (!Number.isInteger(count) || count < 0) {
      throw new RangeError(`failNext(count): expected an integer from 0, received ${String(count)}`);
    }
    this.#dropNext = count;
  }

  /** The session id the emulated Discord gives the bot in `guildId` (stable per guild). */
  sessionIdOf(guildId: string): string {
    return this.#voice(guildId).sessionId;
  }

  /** Cancels pending answers and forgets the listeners. */
  destroy(): void {
    this.#isDestroyed = true;
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    this.#listeners.clear();
  }

  #voice(guildId: string): GuildVoice {
    let voice = this.#guilds.get(guildId);
    if (voice === undefined) {
      voice = { sessionId: randomHex(16), channelId: null, selfDeaf: false, selfMute: false };
      this.#guilds.set(guildId, voice);
    }
    return voice;
  }

  #state(guildId: string): GatewayVoiceState {
    const voice = this.#voice(guildId);
    return {
      guild_id: guildId,
      channel_id: voice.channelId,
      user_id: this.#options.userId,
      session_id: voice.sessionId,
      self_deaf: voice.selfDeaf,
      self_mute: voice.selfMute,
    };
  }

  #server(guildId: string, endpoint: string | null): GatewayVoiceServer {
    return { guild_id: guildId, token: randomHex(8), endpoint };
  }

  /** Runs `answer` after `delayMs` (0: on a microtask, which fake timers do not hold back). */
  #schedule(answer: () => void): void {
    const run = (): void => {
      if (!this.#isDestroyed) answer();
    };
    if (this.#options.delayMs === 0) {
      queueMicrotask(run);
      return;
    }
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      run();
    }, this.#options.delayMs);
    timer.unref();
    this.#timers.add(timer);
  }

  /** Calls every listener; one that throws does not stop the others, and its error is rethrown. */
  #emit(packet: VoicePacket): void {
    const errors: unknown[] = [];
    for (const listener of [...this.#listeners]) {
      try {
        listener(packet);
      } catch (error) {
        errors.push(error);
      }
    }
    if (errors.length === 1) throw errors[0];
    if (errors.length > 1) throw new AggregateError(errors, `${errors.length} voice packet listeners threw`);
  }
}

function resolveOptions(options: TestConnectorOptions): Readonly<Required<TestConnectorOptions>> {
  const resolved = {
    userId: options.userId ?? DEFAULT_TEST_CONNECTOR_OPTIONS.userId,
    endpoint: options.endpoint ?? DEFAULT_TEST_CONNECTOR_OPTIONS.endpoint,
    delayMs: options.delayMs ?? DEFAULT_TEST_CONNECTOR_OPTIONS.delayMs,
    nullEndpointFirst: options.nullEndpointFirst ?? DEFAULT_TEST_CONNECTOR_OPTIONS.nullEndpointFirst,
  };
  if (!/^\d{1,20}$/.test(resolved.userId)) {
    throw new TypeError(
      `Invalid option \`userId\`: expected a Discord snowflake, received ${String(resolved.userId)}`,
    );
  }
  if (typeof resolved.endpoint !== 'string' || resolved.endpoint.length === 0) {
    throw new TypeError(
      `Invalid option \`endpoint\`: expected a non-empty string, received ${String(resolved.endpoint)}`,
    );
  }
  if (typeof resolved.delayMs !== 'number' || !Number.isFinite(resolved.delayMs) || resolved.delayMs < 0) {
    throw new RangeError(
      `Invalid option \`delayMs\`: expected a number from 0, received ${String(resolved.delayMs)}`,
    );
  }
  if (typeof resolved.nullEndpointFirst !== 'boolean') {
    throw new TypeError(
      `Invalid option \`nullEndpointFirst\`: expected a boolean, received ${String(resolved.nullEndpointFirst)}`,
    );
  }
  return Object.freeze(resolved);
}

function randomHex(bytes: number): string {
  return randomBytes(bytes).toString('hex');
}
