/**
 * The parent's handle on the bot process: bundles bot-child.ts once (a bundle starts in tens of ms),
 * starts it, sends it requests, and stops it gracefully (the pool closes and the process must then
 * end by itself) or abruptly (SIGKILL: no close, no last save, sockets torn down by the OS).
 */
import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { BotMessage, BotRequest, BotResults } from './bot-protocol.js';

const CHILD_ENTRY = fileURLToPath(new URL('./bot-child.ts', import.meta.url));
/** How long a closed bot may take to end by itself. */
const EXIT_WAIT_MS = 3_000;
const REQUEST_TIMEOUT_MS = 60_000;

/** Bundles the bot into `directory`; resolves with the script path. */
export async function bundleBot(directory: string): Promise<string> {
  const outfile = join(directory, 'soak-bot.cjs');
  await build({
    entryPoints: [CHILD_ENTRY],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    logLevel: 'error',
  });
  return outfile;
}

interface Pending {
  resolve(result: unknown): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

/** One bot process. */
export class BotProcess {
  readonly #child: ChildProcess;
  readonly #pending = new Map<number, Pending>();
  readonly #exited: Promise<number | null>;
  #nextId = 1;
  #hasExited = false;
  #stderr = '';

  /** Starts the bundled bot; `onUnhandled` gets every unhandled error it reports, `onExit` its end. */
  constructor(
    script: string,
    onUnhandled: (kind: string, message: string) => void,
    onExit: (code: number | null, signal: string | null) => void,
  ) {
    this.#child = fork(script, [], {
      execArgv: ['--expose-gc'],
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      serialization: 'advanced',
    });
    this.#child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      this.#stderr = (this.#stderr + chunk).slice(-4_000);
    });
    this.#child.on('message', (message: BotMessage) => {
      if ('event' in message) onUnhandled(message.kind, message.message);
      else this.#settle(message);
    });
    this.#exited = new Promise((resolve) => {
      this.#child.once('exit', (code, signal) => {
        this.#hasExited = true;
        onExit(code, signal);
        const reason = `the bot process exited (code ${code})${this.#stderr ? `: ${this.#stderr}` : ''}`;
        for (const [id, pending] of this.#pending) {
          clearTimeout(pending.timer);
          pending.reject(new Error(reason));
          this.#pending.delete(id);
        }
        resolve(code);
      });
    });
  }

  get hasExited(): boolean {
    return this.#hasExited;
  }

  /** What the process wrote to stderr last (a crash's stack). */
  get stderr(): string {
    return this.#stderr;
  }

  /** Sends a request and resolves with its result. */
  request<K extends BotRequest['cmd']>(
    request: Extract<BotRequest, { cmd: K }>,
    timeoutMs = REQUEST_TIMEOUT_MS,
  ): Promise<BotResults[K]> {
    if (this.#hasExited || !this.#child.connected)
      return Promise.reject(new Error('the bot process has exited or closed its channel'));
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new Error(`the bot did not answer '${request.cmd}' within ${timeoutMs} ms`));
      }, timeoutMs);
      this.#pending.set(id, { resolve, reject, timer });
      // With a callback, a channel that closes meanwhile (a bot that closed its pool and is leaving)
      // fails this request instead of emitting an 'error' nobody listens to.
      this.#child.send({ ...request, id }, (error) => {
        if (error === null || !this.#pending.has(id)) return;
        this.#pending.delete(id);
        clearTimeout(timer);
        reject(error);
      });
    });
  }

  /**
   * Closes the pool and waits for the process to end. Resolves with what close left behind; a
   * process still running after {@link EXIT_WAIT_MS} is killed and reported as `keptAlive`.
   */
  async close(): Promise<BotResults['close'] & { keptAlive: boolean }> {
    const result = await this.request({ cmd: 'close' });
    const exited = await Promise.race([
      this.#exited.then(() => true),
      new Promise<false>((resolve) => setTimeout(() => resolve(false), EXIT_WAIT_MS).unref()),
    ]);
    if (!exited) await this.kill();
    return { ...result, keptAlive: !exited };
  }

  /** `kill -9`: the bot dies on the spot. */
  async kill(): Promise<void> {
    if (!this.#hasExited) this.#child.kill('SIGKILL');
    await this.#exited;
  }

  #settle(message: Exclude<BotMessage, { event: string }>): void {
    const pending = this.#pending.get(message.id);
    if (!pending) return;
    this.#pending.delete(message.id);
    clearTimeout(pending.timer);
    if (message.ok) pending.resolve(message.result);
    else pending.reject(new Error(message.error));
  }
}
