/**
 * A scriptable raw `node:http` server for NodeRest tests: odd cases the emulator does not script
 * (non-JSON bodies, empty 401s, hangs, resets). It is a real server on 127.0.0.1 port 0, not a mock.
 */
import http from 'node:http';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** One request as the server received it. */
export interface SeenRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
  remotePort: number;
}

/** Handles a request; `index` counts requests from 0. Not answering leaves the request hanging. */
export type Handler = (req: IncomingMessage, res: ServerResponse, seen: SeenRequest, index: number) => void;

export interface RawServer {
  url: string;
  seen: SeenRequest[];
  /** Sockets currently open on the server side. */
  sockets: Set<Socket>;
  /** Resolves once `count` requests arrived. */
  waitForRequests(count: number): Promise<void>;
  close(): Promise<void>;
}

/** Sends JSON with a status. */
export function json(res: ServerResponse, status: number, value: unknown): void {
  const body = JSON.stringify(value);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Lavalink-Api-Version': '4' });
  res.end(body);
}

/** A Lavalink-style error body. */
export function lavalinkError(res: ServerResponse, status: number, error: string, message: string): void {
  json(res, status, { timestamp: Date.now(), status, error, message, path: res.req.url ?? '' });
}

/** Starts a server on 127.0.0.1 port 0. */
export async function startServer(handler: Handler): Promise<RawServer> {
  const seen: SeenRequest[] = [];
  const sockets = new Set<Socket>();
  const waiters: (() => void)[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      const entry: SeenRequest = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body,
        remotePort: req.socket.remotePort ?? 0,
      };
      seen.push(entry);
      handler(req, res, entry, seen.length - 1);
      for (const wake of waiters.splice(0)) wake();
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    sockets,
    async waitForRequests(count) {
      while (seen.length < count) await new Promise<void>((resolve) => waiters.push(resolve));
    },
    close() {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/** A port on 127.0.0.1 where nothing listens (taken, then released). */
export async function closedPort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Polls `condition` every few ms until it holds (at most ~1 s). */
export async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i += 1) await new Promise((resolve) => setTimeout(resolve, 5));
  if (!condition()) throw new Error('condition not reached');
}
