/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-return --
   these tests read Lavalink's JSON exactly as the server sent it, untyped on purpose. */
/**
 * Raw clients for the emulator tests: a bare `ws` connection that records every frame, and a
 * `fetch` wrapper. Deliberately independent of lavafleet's own client.
 */
import type { IncomingMessage } from 'node:http';
import WebSocket from 'ws';
import type { LavalinkEmulator } from '../../src/testing/index.js';

export const USER_ID = '170000000000000001';
export const VOICE = {
  token: 'token',
  endpoint: 'eu.discord.media',
  sessionId: 'voice-session',
  channelId: '42',
};

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Frame = any;

/** One raw WebSocket client. */
export class RawClient {
  readonly frames: Frame[] = [];
  readonly binary: Buffer[] = [];
  private cursor = 0;
  private wake: (() => void) | undefined;
  closeCode: number | undefined;

  response!: IncomingMessage;

  private constructor(readonly ws: WebSocket) {
    // Listeners go on before the handshake completes: `ready` may arrive in the same packet as the 101.
    ws.on('message', (data, isBinary) => {
      if (isBinary) this.binary.push(data as Buffer);
      else this.frames.push(parseOrRaw((data as Buffer).toString('utf8')));
      this.wake?.();
    });
    ws.on('close', (code) => {
      this.closeCode = code;
      this.wake?.();
    });
    ws.on('error', () => undefined);
  }

  /** Connects and waits for the `ready` frame. */
  static async connect(
    emulator: LavalinkEmulator,
    headers: Record<string, string> = {},
  ): Promise<RawClient & { sessionId: string }> {
    const ws = new WebSocket(emulator.wsUrl, {
      headers: {
        Authorization: emulator.password,
        'User-Id': USER_ID,
        'Client-Name': 'raw-test/1.0',
        ...headers,
      },
    });
    const client = new RawClient(ws) as RawClient & { sessionId: string };
    client.response = await new Promise<IncomingMessage>((resolve, reject) => {
      ws.once('upgrade', resolve);
      ws.once('error', reject);
      ws.once('unexpected-response', (_req, res) =>
        reject(new Error(`handshake answered ${res.statusCode}`)),
      );
    });
    const ready = await client.next((frame) => frame.op === 'ready');
    client.sessionId = ready.sessionId as string;
    return client;
  }

  get resumedHeader(): string | undefined {
    return this.response.headers['session-resumed'] as string | undefined;
  }

  /** The next frame (after the previous `next`) matching `match`; frames skipped on the way are consumed. */
  async next(match: (frame: Frame) => boolean = () => true, timeoutMs = 2000): Promise<Frame> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      while (this.cursor < this.frames.length) {
        const frame = this.frames[this.cursor++];
        if (match(frame)) return frame;
      }
      const left = deadline - Date.now();
      if (left <= 0)
        throw new Error(`no matching frame within ${timeoutMs} ms; got ${JSON.stringify(this.frames)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = undefined;
    }
  }

  /** The next event frame of a type. */
  nextEvent(type: string): Promise<Frame> {
    return this.next((frame) => frame.op === 'event' && frame.type === type);
  }

  /** Frames received from now on only. */
  skipAll(): void {
    this.cursor = this.frames.length;
  }

  /** Ops/types of frames received after the cursor, without consuming them. */
  pending(): string[] {
    return this.frames
      .slice(this.cursor)
      .map((frame: Frame) => (frame.op === 'event' ? frame.type : frame.op));
  }

  async waitClosed(timeoutMs = 2000): Promise<number> {
    if (this.closeCode !== undefined) return this.closeCode;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('socket did not close')), timeoutMs);
      this.ws.once('close', (code) => {
        clearTimeout(timer);
        resolve(code);
      });
    });
  }

  close(): void {
    this.ws.terminate();
  }
}

/** Result of a raw handshake attempt. */
export async function handshakeStatus(
  emulator: LavalinkEmulator,
  headers: Record<string, string>,
): Promise<number> {
  const ws = new WebSocket(emulator.wsUrl, { headers });
  return new Promise((resolve, reject) => {
    ws.once('upgrade', () => {
      ws.terminate();
      resolve(101);
    });
    ws.once('unexpected-response', (_req, res) => {
      ws.terminate();
      resolve(res.statusCode ?? 0);
    });
    ws.once('error', reject);
  });
}

export interface RestResult {
  status: number;
  headers: Headers;
  text: string;
  json: Frame;
}

/** One REST call with the emulator's password (unless `auth` is given; `null` sends none). */
export async function rest(
  emulator: LavalinkEmulator,
  method: string,
  path: string,
  body?: unknown,
  auth: string | null = emulator.password,
): Promise<RestResult> {
  const headers: Record<string, string> = {};
  if (auth !== null) headers.Authorization = auth;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const init: RequestInit = { method, headers };
  if (body !== undefined) init.body = typeof body === 'string' ? body : JSON.stringify(body);
  const response = await fetch(`${emulator.url}${path}`, init);
  const text = await response.text();
  let json: Frame;
  try {
    json = text === '' ? undefined : JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json };
}

/** Loads one catalogue track's encoded blob. */
export async function encodedOf(emulator: LavalinkEmulator, identifier: string): Promise<string> {
  const result = await rest(emulator, 'GET', `/v4/loadtracks?identifier=${encodeURIComponent(identifier)}`);
  return result.json.data.encoded as string;
}

/** A mutable fake clock for the `now` option. */
export function fakeClock(start = 1_700_000_000_000): { now: () => number; advance: (ms: number) => void } {
  let time = start;
  return { now: () => time, advance: (ms) => void (time += ms) };
}

function parseOrRaw(text: string): Frame {
  try {
    return JSON.parse(text);
  } catch {
    return { op: '__unparsed__', text };
  }
}

/** Polls `condition` every 5 ms until it holds (or fails after `timeoutMs`). */
export async function waitUntil(condition: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
