/**
 * The WebSocket endpoint `/v4/websocket` (protocol reference §2, §8): handshake checks in
 * Lavalink's order, resume of paused sessions, and the binding of a socket to its session.
 * Scripted rejections answer before any check, as a proxy or an overloaded server would.
 */
import { STATUS_CODES } from 'node:http';
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import type WebSocket from 'ws';
import { Headers } from '../protocol/routes.js';
import type { FaultState } from './faults.js';
import type { EmulatorNode } from './node.js';
import type { ResolvedEmulatorOptions } from './options.js';
import { OutboundChannel } from './outbound.js';
import type { EmulatedSession } from './session.js';

/** What the WebSocket side needs from the emulator. */
export interface WebSocketContext {
  readonly node: EmulatorNode;
  readonly options: ResolvedEmulatorOptions;
  readonly faults: FaultState;
  epoch(): number;
  count(route: string): void;
}

const WEBSOCKET_PATH = '/v4/websocket';

export class WebSocketGateway {
  // Pongs are answered by hand so that a frozen server can leave pings unanswered.
  private readonly wss = new WebSocketServer({
    noServer: true,
    autoPong: false,
    perMessageDeflate: false,
    clientTracking: false,
  });
  private readonly resumed = new WeakMap<IncomingMessage, boolean>();

  constructor(private readonly ctx: WebSocketContext) {
    this.wss.on('headers', (headers, req) => {
      headers.push(
        `${Headers.sessionResumed}: ${this.resumed.get(req) === true}`,
        `${Headers.apiVersion}: 4`,
      );
    });
  }

  /** The `upgrade` listener of the HTTP server. */
  readonly onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    this.ctx.count('websocket');
    socket.on('error', () => {
      // Resets by the client are part of the tests; the socket is gone either way.
    });
    const epoch = this.ctx.epoch();
    this.ctx.faults.whenUnfrozen(() => {
      if (epoch === this.ctx.epoch() && !socket.destroyed) this.upgrade(req, socket as Socket, head, epoch);
    });
  };

  close(): void {
    this.wss.close();
  }

  private upgrade(req: IncomingMessage, socket: Socket, head: Buffer, epoch: number): void {
    const { node, options, faults } = this.ctx;
    const path = new URL(req.url ?? '/', 'http://emulator').pathname;
    if (path !== WEBSOCKET_PATH) return reject(socket, 404);
    const scripted = faults.takeHandshakeRejection();
    if (scripted !== undefined) return reject(socket, scripted);
    if (req.headers.authorization !== options.password) return reject(socket, 401);
    const userId = header(req, Headers.userId);
    // Lavalink rejects a missing, empty or "0" User-Id; a non-numeric one would break the session later.
    if (userId === undefined || userId === '0' || !/^\d+$/.test(userId)) return reject(socket, 400);
    const clientName = header(req, Headers.clientName) ?? null;
    const requested = header(req, Headers.sessionId);
    const paused = requested === undefined ? undefined : node.sessions.get(requested);
    const resumable = options.sessionSupport && paused?.status === 'paused' ? paused : undefined;
    this.resumed.set(req, resumable !== undefined);
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      if (epoch !== this.ctx.epoch()) {
        ws.terminate();
        return;
      }
      const session = resumable?.status === 'paused' ? resumable : node.createSession(userId, clientName);
      this.bind(ws, socket, session, session === resumable);
    });
  }

  private bind(ws: WebSocket, transport: Socket, session: EmulatedSession, resumed: boolean): void {
    const { faults, options } = this.ctx;
    const channel = new OutboundChannel(ws, transport, faults);
    ws.on('ping', (data) => {
      if (faults.isFrozen || faults.pongsWithheld) return;
      if (faults.pongLatencyMs === 0) ws.pong(data);
      else
        setTimeout(() => {
          if (ws.readyState === ws.OPEN && !faults.isFrozen && !faults.pongsWithheld) ws.pong(data);
        }, faults.pongLatencyMs).unref();
    });
    ws.on('error', () => {
      // Surfaced as `close` right after; nothing to report to the client.
    });
    // Client frames are ignored, as in v4. A hung server notices a close only once it runs again.
    const epoch = this.ctx.epoch();
    const detach = () =>
      faults.whenUnfrozen(() => {
        if (session.outbound === channel && epoch === this.ctx.epoch())
          session.detach(options.sessionSupport);
      });
    ws.on('close', () => {
      if (faults.closeNoticeMs === 0) detach();
      else setTimeout(detach, faults.closeNoticeMs).unref();
    });
    session.attach(channel, resumed);
  }
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name.toLowerCase()];
  const text = Array.isArray(value) ? value[0] : value;
  return text === undefined || text === '' ? undefined : text;
}

function reject(socket: Socket, status: number): void {
  const reason = STATUS_CODES[status] ?? 'Unknown';
  const response = `HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\n${Headers.apiVersion}: 4\r\nContent-Length: 0\r\n\r\n`;
  socket.end(response, () => socket.destroy());
}
