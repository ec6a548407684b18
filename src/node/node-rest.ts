/**
 * The REST client of one Lavalink node: typed endpoint methods over {@link HttpTransport}, with the
 * retry policy and the error mapping of the protocol.
 *
 * Retry policy (never for 4xx, timeouts, aborts, or invalid 2xx bodies):
 *
 * | failure                                        | idempotent request | non-idempotent request |
 * | ---------------------------------------------- | ------------------ | ---------------------- |
 * | request never reached the server (refused, DNS, | retried            | retried                |
 * | stale keep-alive socket)                        |                    |                        |
 * | other network error (reset mid-request, ...)    | retried            | not retried            |
 * | 5xx                                             | retried            | not retried            |
 *
 * GET, PUT and DELETE are idempotent, and so are the POST/PATCH routes whose effect is absolute
 * (decodetracks, session update, route planner). `updatePlayer` is not by default: a PATCH that starts
 * a track would restart it on replay (and a 500 there is usually a voice connection failure that a
 * blind replay does not fix). Timeouts are not retried: the node may still be working on the request,
 * and a slow node would otherwise cost `(retries + 1) × timeout` per call.
 */
import { ErrorCodes, LavafleetError, hasCode } from '../errors.js';
import type { NodeInfo, RoutePlannerStatus } from '../protocol/info.js';
import type {
  LavalinkPlayer,
  SessionInfo,
  SessionUpdateRequest,
  UpdatePlayerRequest,
} from '../protocol/player.js';
import { Routes } from '../protocol/routes.js';
import type { Stats } from '../protocol/stats.js';
import type { LoadResult, Track } from '../protocol/track.js';
import { backoffDelay, type BackoffPolicy } from '../resilience/backoff.js';
import { sleep } from '../resilience/sleep.js';
import {
  HttpTransport,
  RestNetworkError,
  appendQuery,
  shortPath,
  type HttpResponse,
} from './http-transport.js';
import {
  resolveNodeRestOptions,
  type NodeRestOptions,
  type ResolvedNodeRestOptions,
  type RestCallOptions,
  type RestRequestOptions,
  type UpdatePlayerOptions,
  type RestRouteLabel,
} from './node-rest-options.js';
import { redactSecret } from './redact.js';
import * as read from './rest-response.js';
import type { ResponseContext } from './rest-response.js';

type Reader<T> = (response: HttpResponse, context: ResponseContext) => T;

const IDEMPOTENT_METHODS = new Set(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS']);

/**
 * REST client of one Lavalink v4 node. Session-scoped methods need the session id of the node's
 * `ready` message, given through the `sessionId` option or property.
 *
 * @example
 * ```ts
 * const rest = new NodeRest({ baseUrl: 'http://127.0.0.1:2333', password: 'youshallnotpass' });
 * const result = await rest.loadTracks('ytsearch:never gonna give you up');
 * rest.close();
 * ```
 */
export class NodeRest {
  readonly #options: ResolvedNodeRestOptions;
  readonly #transport: HttpTransport;
  readonly #backoff: BackoffPolicy;
  #sessionIdOf: () => string | null;

  constructor(options: NodeRestOptions) {
    this.#options = resolveNodeRestOptions(options);
    const { url, password, clientName, maxSockets, clock, retry } = this.#options;
    this.#transport = new HttpTransport({ url, password, userAgent: clientName, maxSockets, clock });
    this.#backoff = Object.freeze({
      baseDelayMs: retry.baseDelayMs,
      maxDelayMs: retry.maxDelayMs,
      jitter: 'full',
    });
    this.#sessionIdOf = this.#options.sessionId ?? (() => null);
  }

  /** The session id used by session-scoped methods; setting it replaces the `sessionId` option. */
  get sessionId(): string | null {
    return this.#sessionIdOf();
  }

  set sessionId(value: string | null) {
    this.#sessionIdOf = () => value;
  }

  /** Whether {@link close} was called. */
  get isClosed(): boolean {
    return this.#transport.isClosed;
  }

  /** Resolves an identifier or search (`ytsearch:...`); `empty` has `data: null`, unknown load types pass through. */
  loadTracks(identifier: string, options?: RestCallOptions): Promise<LoadResult> {
    return this.#send(
      'loadTracks',
      'GET',
      Routes.loadTracks(identifier),
      null,
      read.readLoadResult,
      options,
      true,
    );
  }

  /** Decodes one encoded track on the server. */
  decodeTrack(encoded: string, options?: RestCallOptions): Promise<Track> {
    return this.#send('decodeTrack', 'GET', Routes.decodeTrack(encoded), null, read.readTrack, options, true);
  }

  /** Decodes several encoded tracks on the server, in order. */
  decodeTracks(encoded: readonly string[], options?: RestCallOptions): Promise<Track[]> {
    const body = JSON.stringify(encoded);
    return this.#send('decodeTracks', 'POST', Routes.decodeTracks(), body, read.readTracks, options, true);
  }

  /** Lists the players of this session. */
  getPlayers(options?: RestCallOptions): Promise<LavalinkPlayer[]> {
    const sessionId = this.#sessionIdOf();
    if (sessionId === null) return notReady('getPlayers');
    return this.#send('players', 'GET', Routes.players(sessionId), null, read.readPlayers, options, true);
  }

  /** Gets one player; 404 (LavalinkRestError) when it does not exist. */
  getPlayer(guildId: string, options?: RestCallOptions): Promise<LavalinkPlayer> {
    const sessionId = this.#sessionIdOf();
    if (sessionId === null) return notReady('getPlayer');
    return this.#send(
      'player',
      'GET',
      Routes.player(sessionId, guildId),
      null,
      read.readPlayer,
      options,
      true,
    );
  }

  /** Creates or updates a player (PATCH); resolves to the whole player. Not retried on 5xx unless `idempotent`. */
  updatePlayer(
    guildId: string,
    body: UpdatePlayerRequest,
    options?: UpdatePlayerOptions,
  ): Promise<LavalinkPlayer> {
    const sessionId = this.#sessionIdOf();
    if (sessionId === null) return notReady('updatePlayer');
    let path = Routes.player(sessionId, guildId);
    if (options?.noReplace === true) path += '?noReplace=true';
    const json = JSON.stringify(body);
    return this.#send('player', 'PATCH', path, json, read.readPlayer, options, options?.idempotent === true);
  }

  /** Destroys a player (also resolves when it did not exist). */
  destroyPlayer(guildId: string, options?: RestCallOptions): Promise<void> {
    const sessionId = this.#sessionIdOf();
    if (sessionId === null) return notReady('destroyPlayer');
    const path = Routes.player(sessionId, guildId);
    return this.#send('player', 'DELETE', path, null, read.readNothing, options, true);
  }

  /**
   * Configures resuming of this session (`timeout` in seconds, as on the wire), or of another session
   * of this bot's on the node (`options.sessionId`).
   */
  updateSession(
    body: SessionUpdateRequest,
    options?: RestCallOptions & { sessionId?: string },
  ): Promise<SessionInfo> {
    const sessionId = options?.sessionId ?? this.#sessionIdOf();
    if (sessionId === null) return notReady('updateSession');
    const json = JSON.stringify(body);
    return this.#send('session', 'PATCH', Routes.session(sessionId), json, read.readSession, options, true);
  }

  /** Server information: version, sources, filters, plugins. */
  info(options?: RestCallOptions): Promise<NodeInfo> {
    return this.#send('info', 'GET', Routes.info(), null, read.readInfo, options, true);
  }

  /** The server version as plain text, e.g. `4.2.2`. */
  version(options?: RestCallOptions): Promise<string> {
    return this.#send('version', 'GET', Routes.version(), null, read.readText, options, true);
  }

  /** Node statistics (without frame stats, which only the WebSocket carries). */
  stats(options?: RestCallOptions): Promise<Stats> {
    return this.#send('stats', 'GET', Routes.stats(), null, read.readStats, options, true);
  }

  /** Route planner status, or `null` when the node has no route planner (204). */
  routePlannerStatus(options?: RestCallOptions): Promise<RoutePlannerStatus> {
    const route = Routes.routePlannerStatus();
    return this.#send('routePlannerStatus', 'GET', route, null, read.readRoutePlanner, options, true);
  }

  /** Removes one address from the route planner's failing list. */
  freeAddress(address: string, options?: RestCallOptions): Promise<void> {
    const route = Routes.routePlannerFreeAddress();
    const body = JSON.stringify({ address });
    return this.#send('routePlannerFreeAddress', 'POST', route, body, read.readNothing, options, true);
  }

  /** Clears the route planner's failing list. */
  freeAllAddresses(options?: RestCallOptions): Promise<void> {
    const route = Routes.routePlannerFreeAll();
    return this.#send('routePlannerFreeAll', 'POST', route, null, read.readNothing, options, true);
  }

  /** Calls any route (plugins): parsed JSON for JSON responses, text otherwise, `undefined` when empty. */
  request<T = unknown>(method: string, path: string, options?: RestRequestOptions): Promise<T> {
    const verb = method.toUpperCase();
    if (!path.startsWith('/')) {
      return Promise.reject(new TypeError(`request: path must start with '/', received ${shortPath(path)}`));
    }
    const body = options?.body === undefined ? null : JSON.stringify(options.body);
    const idempotent = options?.idempotent ?? IDEMPOTENT_METHODS.has(verb);
    const fullPath = appendQuery(path, options?.query);
    return this.#send('custom', verb, fullPath, body, read.readAny, options, idempotent) as Promise<T>;
  }

  /** Fails requests in flight with ERR_NODE_CLOSED and destroys every socket; later calls reject. */
  close(): void {
    this.#transport.close();
  }

  async #send<T>(
    route: RestRouteLabel,
    method: string,
    path: string,
    body: string | null,
    reader: Reader<T>,
    options: RestCallOptions | undefined,
    idempotent: boolean,
  ): Promise<T> {
    const { trace, requestTimeoutMs, retry, onRequest, clock } = this.#options;
    const signal = options?.signal;
    const timeoutMs = options?.timeoutMs ?? requestTimeoutMs;
    const retries = options?.retries ?? retry.retries;
    if (trace) path += path.includes('?') ? '&trace=true' : '?trace=true';
    const context: ResponseContext = { method, path };
    for (let attempt = 0; ; attempt += 1) {
      const startedAt = onRequest === undefined ? 0 : clock.now();
      let status: number | null = null;
      let failure: unknown;
      try {
        const response = await this.#transport.send(method, path, body, timeoutMs, signal);
        status = response.status;
        if (status >= 200 && status < 300) {
          const result = reader(response, context);
          onRequest?.({ route, method, status, durationMs: clock.now() - startedAt, attempt });
          return result;
        }
        failure = redactSecret(read.errorFromResponse(response, context), this.#options.password);
      } catch (error) {
        failure = redactSecret(error, this.#options.password);
      }
      onRequest?.({ route, method, status, durationMs: clock.now() - startedAt, attempt, error: failure });
      if (attempt >= retries || !isRetryable(failure, status, idempotent)) throw failure;
      await this.#wait(attempt + 1, signal, context, failure);
    }
  }

  /** The backoff before retry `retryNumber`; an abort during it rejects with ERR_ABORTED (cause: last error). */
  async #wait(retryNumber: number, signal: AbortSignal | undefined, context: ResponseContext, last: unknown) {
    try {
      await sleep(backoffDelay(retryNumber, this.#backoff, this.#options.random), {
        signal,
        clock: this.#options.clock,
      });
    } catch (error) {
      if (!hasCode(error, ErrorCodes.Aborted)) throw error;
      const what = `${context.method} ${shortPath(context.path)}`;
      throw new LavafleetError(ErrorCodes.Aborted, `${what} was aborted while waiting to retry`, {
        cause: last,
      });
    }
  }
}

/** The retry decision, as tabled at the top of this file. */
function isRetryable(error: unknown, status: number | null, idempotent: boolean): boolean {
  if (error instanceof RestNetworkError) return idempotent || !error.requestMayHaveBeenSent;
  return idempotent && status !== null && status >= 500;
}

function notReady(method: string): Promise<never> {
  return Promise.reject(
    new LavafleetError(
      ErrorCodes.NodeNotReady,
      `${method}() needs a Lavalink session, and this node has none yet: ` +
        'wait for the node to be ready (its `ready` message carries the session id) before calling it.',
    ),
  );
}
