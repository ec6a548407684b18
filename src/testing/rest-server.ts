/**
 * The HTTP side of the emulator: every request goes through the freeze gate and the REST latency,
 * then authorization (401 missing / 403 wrong, empty bodies), scripted failures, routing and the
 * handler; failures become Lavalink's Spring-style error body. Every response carries
 * `Lavalink-Api-Version: 4`.
 */
import { STATUS_CODES } from 'node:http';
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { RestErrorBody } from '../protocol/info.js';
import { Headers } from '../protocol/routes.js';
import type { FaultState } from './faults.js';
import { stringify } from './json.js';
import { GENERIC_BAD_REQUEST, RestFailure } from './rest-failure.js';
import { matchRoute } from './rest-routes.js';
import type { RestEnv, RestReply, RestRequest } from './rest-types.js';

const MAX_BODY_BYTES = 8 * 1024 * 1024;

/** What the REST side needs from the emulator. */
export interface RestServerContext {
  readonly env: RestEnv;
  readonly faults: FaultState;
  /** Changes when the process dies or stops; requests of an older epoch are dropped. */
  epoch(): number;
  count(route: string): void;
  /** Requests received and not answered yet; each is in it from arrival to its end. */
  readonly pending: Set<PendingRequest>;
}

/** A request the emulator has received and not answered yet (see `LavalinkEmulator.pendingRequests`). */
export interface PendingRequest {
  readonly method: string;
  readonly path: string;
  /** `performance.now()` of its arrival. */
  readonly receivedAt: number;
}

/** Builds the `request` listener of the emulator's HTTP server. */
export function createRequestListener(
  ctx: RestServerContext,
): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const pending: PendingRequest = {
      method: req.method ?? 'GET',
      path: (req.url ?? '/').split('?', 1)[0]!,
      receivedAt: performance.now(),
    };
    ctx.pending.add(pending);
    handle(ctx, req, res)
      .catch((error: unknown) => {
        // A handler bug must still answer (500), as Spring would, and never crash the test process.
        if (!res.headersSent && !res.destroyed)
          writeError(res, 500, String(error), req.url ?? '/', false, ctx);
      })
      .finally(() => ctx.pending.delete(pending));
  };
}

async function handle(ctx: RestServerContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://emulator');
  const path = url.pathname;
  const route = matchRoute(path);
  ctx.count(route?.name ?? 'unknown');
  const epoch = ctx.epoch();
  await passFaults(ctx.faults);
  // The process died or stopped while this request waited: it never gets an answer.
  if (epoch !== ctx.epoch()) return void res.destroy();

  const trace = url.searchParams.get('trace') === 'true';
  const authorization = req.headers.authorization;
  if (authorization === undefined) return writeEmpty(res, 401);
  if (authorization !== ctx.env.options.password) return writeEmpty(res, 403);
  const failure = ctx.faults.takeFailure(route?.name, path);
  if (failure) return writeError(res, failure.status, failure.message, path, trace, ctx);
  if (route === undefined)
    return writeError(res, 404, `No static resource ${path.slice(1)}.`, path, trace, ctx);
  const method = req.method ?? 'GET';
  const handler = route.methods[method];
  if (handler === undefined) {
    return writeError(res, 405, `Request method '${method}' is not supported`, path, trace, ctx);
  }
  const request: RestRequest = {
    method,
    path,
    query: url.searchParams,
    params: route.params,
    body: () => readJson(req),
  };
  let reply: RestReply;
  try {
    reply = await handler(request, ctx.env);
  } catch (error) {
    if (!(error instanceof RestFailure)) throw error;
    if (epoch === ctx.epoch()) writeError(res, error.status, error.message, path, trace, ctx);
    else res.destroy();
    return;
  }
  const replyLatency = ctx.faults.restReplyLatencyMs;
  if (replyLatency > 0) await new Promise((resolve) => setTimeout(resolve, replyLatency).unref());
  if (epoch !== ctx.epoch()) return void res.destroy();
  if ('json' in reply) write(res, reply.status, stringify(reply.json), 'application/json');
  else if ('text' in reply) write(res, reply.status, reply.text, 'text/plain;charset=UTF-8');
  else writeEmpty(res, reply.status);
}

async function passFaults(faults: FaultState): Promise<void> {
  if (faults.isFrozen) await new Promise<void>((resolve) => faults.whenUnfrozen(resolve));
  const latency = faults.restLatencyMs;
  if (latency > 0) await new Promise((resolve) => setTimeout(resolve, latency).unref());
  // A saturated server: each request holds it for `serviceMs`, one after the other.
  const waitMs = faults.takeServiceSlot(performance.now());
  if (waitMs > 0) await new Promise((resolve) => setTimeout(resolve, waitMs).unref());
}

function readJson(req: IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on('error', reject);
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      if (size > MAX_BODY_BYTES) return reject(new RestFailure(413, 'Request body too large'));
      if (text.trim() === '') return reject(new RestFailure(400, 'Required request body is missing'));
      try {
        resolve(JSON.parse(text));
      } catch {
        reject(new RestFailure(400, GENERIC_BAD_REQUEST));
      }
    });
  });
}

function writeError(
  res: ServerResponse,
  status: number,
  message: string,
  path: string,
  trace: boolean,
  ctx: RestServerContext,
): void {
  const error = STATUS_CODES[status] ?? 'Unknown';
  const timestamp = ctx.env.options.now();
  // Keys in the order Spring writes them; `trace` only when the request asked for it.
  const body: RestErrorBody = trace
    ? { timestamp, status, error, trace: javaTrace(status, error, message), message, path }
    : { timestamp, status, error, message, path };
  write(res, status, JSON.stringify(body), 'application/json');
}

function javaTrace(status: number, error: string, message: string): string {
  const exception = `org.springframework.web.server.ResponseStatusException: ${status} ${error.toUpperCase()} "${message}"`;
  return `${exception}\n\tat lavalink.server.emulated(Emulator.kt)\n`;
}

function write(res: ServerResponse, status: number, body: string, contentType: string): void {
  const headers: OutgoingHttpHeaders = {
    [Headers.apiVersion]: '4',
    'Content-Type': contentType,
    'Content-Length': Buffer.byteLength(body),
  };
  res.writeHead(status, headers).end(body);
}

function writeEmpty(res: ServerResponse, status: number): void {
  const headers: OutgoingHttpHeaders = { [Headers.apiVersion]: '4' };
  if (status !== 204) headers['Content-Length'] = 0;
  res.writeHead(status, headers).end();
}
