/**
 * The connector for any Discord library lavafleet has no adapter for, and the shared core the
 * library adapters are built on.
 *
 * Wiring: `const connector = connectors.custom({ userId, send })`, then call
 * `connector.handlePacket(packet)` from the library's raw gateway packet handler.
 */
import { LavafleetError, invalidOption } from '../errors.js';
import { toVoicePacket } from './connector.js';
import type { Connector, GatewayVoiceState, VoicePacket, VoiceStateUpdatePayload } from './connector.js';

/** Error code of every connector failure (unknown guild, shard not run here, connector destroyed). */
const CONNECTOR_ERROR = 'ERR_CONNECTOR';

/**
 * How one Discord library is read and written. The library adapters implement it.
 *
 * @internal
 */
export interface GatewayBinding {
  readonly name: string;
  /** The bot's user id as the library knows it now, or null. */
  readUserId(): string | null;
  /** Sends gateway op 4 with `d` on the right shard; throws a `LavafleetError` if there is none. */
  send(d: VoiceStateUpdatePayload, shardId: number | undefined): void | Promise<void>;
  /** Adds the library listeners once; returns the function that removes them all. */
  attach(events: GatewayEvents): () => void;
}

/**
 * What a binding reports to the core.
 *
 * @internal
 */
export interface GatewayEvents {
  /** Any raw gateway packet (`{ op, t, d }`). */
  packet(packet: unknown): void;
  /** The library became ready, or learnt the user id in another way: read it again. */
  ready(): void;
  /** Learning the user id failed: pending `waitForUserId()` calls reject with this cause. */
  fail(cause: unknown): void;
}

interface Waiter {
  resolve(userId: string): void;
  reject(error: unknown): void;
}

/**
 * A {@link Connector} over a {@link GatewayBinding}: filters voice packets, learns the user id from
 * the READY dispatch, and owns every listener it added.
 *
 * @internal
 */
export class GatewayConnector implements Connector {
  readonly name: string;
  readonly #binding: GatewayBinding;
  readonly #listeners = new Set<(packet: VoicePacket) => void>();
  readonly #waiters = new Set<Waiter>();
  /** The id read from a READY dispatch: some libraries expose their user only after more packets. */
  #readyUserId: string | null = null;
  #detach: (() => void) | null;

  constructor(
    binding: GatewayBinding,
    { deferListenerErrors = true }: { deferListenerErrors?: boolean } = {},
  ) {
    this.name = binding.name;
    this.#binding = binding;
    this.#detach = binding.attach({
      packet: deferListenerErrors
        ? (packet) => this.#handleDeferringErrors(packet)
        : (p) => this.handlePacket(p),
      ready: () => this.#settleWaiters(),
      fail: (cause) => {
        const message = `${binding.name} connector: reading the bot's user id failed`;
        this.#rejectWaiters(new LavafleetError(CONNECTOR_ERROR, message, { cause }));
      },
    });
  }

  /** Whether `destroy()` was called. */
  get isDestroyed(): boolean {
    return this.#detach === null;
  }

  getUserId(): string | null {
    return this.#binding.readUserId() ?? this.#readyUserId;
  }

  waitForUserId(): Promise<string> {
    const userId = this.getUserId();
    if (userId !== null) return Promise.resolve(userId);
    if (this.isDestroyed) return Promise.reject(this.#destroyedError('wait for the user id'));
    return new Promise((resolve, reject) => this.#waiters.add({ resolve, reject }));
  }

  sendVoiceStateUpdate(payload: VoiceStateUpdatePayload, shardId?: number): void | Promise<void> {
    if (this.isDestroyed) throw this.#destroyedError('send a voice state update');
    // Copy the four fields so nothing else a caller attached reaches the gateway.
    const { guild_id, channel_id, self_mute, self_deaf } = payload;
    return this.#binding.send({ guild_id, channel_id, self_mute, self_deaf }, shardId);
  }

  onVoicePacket(listener: (packet: VoicePacket) => void): () => void {
    // Wrap so that subscribing the same function twice gives two independent subscriptions.
    const entry = (packet: VoicePacket): void => listener(packet);
    this.#listeners.add(entry);
    return () => void this.#listeners.delete(entry);
  }

  /**
   * Feeds one raw gateway packet (`{ op, t, d }`). Voice packets go to the listeners, a READY
   * dispatch teaches the user id, anything else is ignored. A listener that throws does not stop
   * the others; its error is rethrown once all of them ran.
   */
  handlePacket(packet: unknown): void {
    const voice = toVoicePacket(packet);
    if (voice !== null) {
      this.#dispatch(copyVoicePacket(voice));
      return;
    }
    const userId = readyUserId(packet);
    if (userId !== null) this.#readyUserId = userId;
    if (this.#waiters.size > 0) this.#settleWaiters();
  }

  /** Removes the library listeners and voice listeners; pending `waitForUserId()` calls reject. */
  destroy(): void {
    const detach = this.#detach;
    if (detach === null) return;
    this.#detach = null;
    detach();
    this.#listeners.clear();
    this.#rejectWaiters(this.#destroyedError('wait for the user id'));
  }

  /**
   * Packets arrive inside the library's own event handling: an error thrown there would abort the
   * library's processing of that packet, so it is rethrown on a microtask instead (an uncaught
   * error, never a silent one).
   */
  #handleDeferringErrors(packet: unknown): void {
    try {
      this.handlePacket(packet);
    } catch (error) {
      queueMicrotask(() => {
        throw error;
      });
    }
  }

  #dispatch(packet: VoicePacket): void {
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

  #settleWaiters(): void {
    const userId = this.getUserId();
    if (userId === null) return;
    const waiters = [...this.#waiters];
    this.#waiters.clear();
    for (const waiter of waiters) waiter.resolve(userId);
  }

  #rejectWaiters(error: LavafleetError): void {
    const waiters = [...this.#waiters];
    this.#waiters.clear();
    for (const waiter of waiters) waiter.reject(error);
  }

  #destroyedError(action: string): LavafleetError {
    return new LavafleetError(
      CONNECTOR_ERROR,
      `Cannot ${action}: the ${this.name} connector was destroyed. Create a new connector.`,
    );
  }
}

/**
 * A copy holding only the fields lavafleet reads. Libraries keep using the packet after emitting it
 * (Eris adds `session_id`, `user_id` and its circular `shard` object to VOICE_SERVER_UPDATE), and
 * none of that may reach lavafleet's state or snapshots.
 */
function copyVoicePacket(packet: VoicePacket): VoicePacket {
  if (packet.t === 'VOICE_SERVER_UPDATE') {
    const { guild_id, token, endpoint } = packet.d;
    return { t: packet.t, d: { guild_id, token, endpoint } };
  }
  const { guild_id, channel_id, user_id, session_id, self_deaf, self_mute } = packet.d;
  const d: GatewayVoiceState = { channel_id, user_id, session_id };
  if (guild_id !== undefined) d.guild_id = guild_id;
  if (self_deaf !== undefined) d.self_deaf = self_deaf;
  if (self_mute !== undefined) d.self_mute = self_mute;
  return { t: packet.t, d };
}

/** The user id of a READY dispatch (`d.user.id`), or null for any other packet. */
function readyUserId(packet: unknown): string | null {
  const { t, d } = (packet ?? {}) as { t?: unknown; d?: { user?: { id?: unknown } | null } | null };
  const id = t === 'READY' ? d?.user?.id : undefined;
  return typeof id === 'string' ? id : null;
}

/**
 * Builds the error thrown when a voice-state update cannot be routed.
 *
 * @internal
 */
export function connectorError(message: string): LavafleetError {
  return new LavafleetError(CONNECTOR_ERROR, message);
}

/** A connector over a Discord library client: sends are synchronous and `destroy` always exists. */
export interface LibraryConnector extends Connector {
  sendVoiceStateUpdate(payload: VoiceStateUpdatePayload, shardId?: number): void;
  destroy(): void;
}

/** Options of {@link connectors.custom}. */
export interface CustomConnectorOptions {
  /** The bot's user id, or a function returning it (null while the library is not ready). */
  userId: string | (() => string | null | Promise<string | null>);
  /** Sends gateway op 4 with `payload` as `d` on the shard that owns `guildId`. */
  send: (guildId: string, payload: VoiceStateUpdatePayload, shardId?: number) => void | Promise<void>;
  /** A short name for logs. @defaultValue 'custom' */
  name?: string;
}

/** A connector fed by the bot: call {@link CustomConnector.handlePacket} with every raw gateway packet. */
export interface CustomConnector extends Connector {
  /** Feeds one raw gateway packet (`{ op, t, d }`); non-voice packets are ignored. */
  handlePacket(packet: unknown): void;
  destroy(): void;
}

/**
 * A connector for any Discord library: you give the user id and a way to send op 4, and forward raw
 * gateway packets to `handlePacket`.
 *
 * @example
 * const connector = connectors.custom({
 *   userId: () => bot.user?.id ?? null,
 *   send: (guildId, payload) => bot.shardFor(guildId).send({ op: 4, d: payload }),
 * });
 * bot.on('rawPacket', (packet) => connector.handlePacket(packet));
 */
export function custom(options: CustomConnectorOptions): CustomConnector {
  if (typeof options !== 'object' || options === null) {
    throw invalidOption('type', 'options', 'an object', options);
  }
  const { userId, send, name = 'custom' } = options;
  if (typeof userId !== 'function' && (typeof userId !== 'string' || userId.length === 0)) {
    throw invalidOption('type', 'userId', 'a non-empty string or a function', userId);
  }
  if (typeof send !== 'function') throw invalidOption('type', 'send', 'a function', send);
  if (typeof name !== 'string') throw invalidOption('type', 'name', 'a string', name);

  let events: GatewayEvents | null = null;
  const reader = typeof userId === 'string' ? () => userId : asyncUserIdReader(userId, () => events);
  return new GatewayConnector(
    {
      name,
      readUserId: reader,
      send: (d, shardId) => send(d.guild_id, d, shardId),
      attach: (gatewayEvents) => {
        events = gatewayEvents;
        return () => void (events = null);
      },
    },
    // The bot calls handlePacket itself: a listener error reaches its caller directly.
    { deferListenerErrors: false },
  );
}

/**
 * Reads a user id from a function that may answer later: a promise is awaited once, its value
 * cached, and the core told to read again.
 */
function asyncUserIdReader(
  read: () => string | null | Promise<string | null>,
  events: () => GatewayEvents | null,
): () => string | null {
  let known: string | null = null;
  let pending = false;
  return () => {
    if (known !== null || pending) return known;
    const value = read();
    if (typeof value === 'string' || value === null) return value;
    pending = true;
    value.then(
      (resolved) => {
        pending = false;
        // On null, stay quiet: the next packet makes the core read again (no busy loop).
        if (typeof resolved !== 'string') return;
        known = resolved;
        events()?.ready();
      },
      (cause: unknown) => {
        pending = false;
        events()?.fail(cause);
      },
    );
    return null;
  };
}
