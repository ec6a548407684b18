/**
 * The listening HTTP server of the emulator and every TCP socket it accepted, so the emulator can
 * close them gracefully, reset them like a dead process, or listen again on the same port.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';

export class HttpListener {
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();

  constructor(
    private readonly onRequest: (req: IncomingMessage, res: ServerResponse) => void,
    private readonly onUpgrade: (req: IncomingMessage, socket: Duplex, head: Buffer) => void,
  ) {}

  get isListening(): boolean {
    return this.server !== null;
  }

  /** Listens and resolves with the bound port. */
  async listen(host: string, port: number): Promise<number> {
    if (this.server !== null) throw new Error('The emulator is already listening');
    const server = createServer({ keepAliveTimeout: 5000 }, this.onRequest);
    server.on('upgrade', this.onUpgrade);
    server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
    });
    server.on('clientError', (_error, socket) => socket.destroy());
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.server = server;
    return (server.address() as { port: number }).port;
  }

  /** Like a process that died: every socket gets a TCP reset, new connections are refused. */
  async reset(): Promise<void> {
    for (const socket of this.sockets) if (!socket.destroyed) socket.resetAndDestroy();
    this.sockets.clear();
    await this.closeServer();
  }

  /** Stops listening, waits up to `graceMs` for open sockets to end, then destroys what is left. */
  async close(graceMs: number): Promise<void> {
    const server = this.server;
    if (server === null) return;
    server.closeIdleConnections();
    const closed = this.closeServer();
    const deadline = Date.now() + graceMs;
    while (this.sockets.size > 0 && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 5));
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    await closed;
  }

  private async closeServer(): Promise<void> {
    const server = this.server;
    if (server === null) return;
    this.server = null;
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
