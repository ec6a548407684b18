/**
 * Where the demo shows itself: a table redrawn in place on a terminal, or plain lines (a status line
 * now and then, and one line per scripted step) when stdout is not a terminal or with `--plain`.
 */
import type { CliIo } from '../command.js';
import type { TimelineEntry } from './scenario.js';
import type { DemoSnapshot } from './snapshot.js';
import { clockPrefix, renderStatusLine, renderTable } from './table.js';

export interface DemoView {
  /** Starts showing; `read` is called whenever the view wants fresh numbers. */
  start(read: () => DemoSnapshot): void;
  /** A setup message (the live table shows it as the phase instead). */
  log(message: string): void;
  /** A scripted step started or ended. */
  step(entry: TimelineEntry): void;
  /** Shows the last state and stops (idempotent). */
  stop(): void;
}

const HIDE_CURSOR = '\x1b[?25l';
const SHOW_CURSOR = '\x1b[?25h';
const CLEAR_LINE = '\x1b[2K';
const CLEAR_BELOW = '\x1b[0J';

/** The table redrawn in place with ANSI cursor movement. */
export class LiveView implements DemoView {
  #read: (() => DemoSnapshot) | null = null;
  #timer: NodeJS.Timeout | undefined;
  #height = 0;

  constructor(
    private readonly io: CliIo,
    private readonly options: { color: boolean; width: number; redrawIntervalMs: number },
  ) {}

  start(read: () => DemoSnapshot): void {
    this.#read = read;
    this.io.out(HIDE_CURSOR);
    this.#height = 1;
    this.#draw();
    this.#timer = setInterval(() => this.#draw(), this.options.redrawIntervalMs);
  }

  log(): void {}

  step(): void {
    this.#draw();
  }

  stop(): void {
    if (this.#read === null) return;
    clearInterval(this.#timer);
    this.#draw();
    this.#read = null;
    this.io.out(SHOW_CURSOR);
  }

  #draw(): void {
    if (this.#read === null) return;
    const lines = renderTable(this.#read(), this.options.color, this.options.width);
    // Back to the first line of the previous frame and over it line by line; then clear from the end
    // of the last line down (a shorter frame). Clearing the whole frame first would, at the top of the screen, make
    // some terminals (tmux) push it into the scrollback on every redraw.
    const up = this.#height > 0 ? `\x1b[${this.#height}F` : '';
    this.io.out(`${up}${lines.map((line) => CLEAR_LINE + line).join('\n')}${CLEAR_BELOW}`);
    this.#height = lines.length;
  }
}

/** Plain lines for logs and pipes. */
export class PlainView implements DemoView {
  #read: (() => DemoSnapshot) | null = null;
  #timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly io: CliIo,
    private readonly statusIntervalMs: number,
  ) {}

  start(read: () => DemoSnapshot): void {
    this.#read = read;
    this.#timer = setInterval(() => this.#status(), this.statusIntervalMs);
  }

  log(message: string): void {
    this.io.out(`[setup] ${message}`);
  }

  step(entry: TimelineEntry): void {
    const at = clockPrefix({ elapsedMs: entry.atMs, durationMs: this.#read?.().durationMs ?? 0 });
    if (entry.state === 'running') this.io.out(`${at} ${entry.title}: ${entry.purpose}`);
    else {
      const outcome = entry.state === 'failed' ? 'FAILED: ' : '';
      this.io.out(`${' '.repeat(at.length)}   → ${outcome}${entry.note}`);
    }
  }

  stop(): void {
    if (this.#read === null) return;
    clearInterval(this.#timer);
    this.#status();
    this.#read = null;
  }

  #status(): void {
    const snapshot = this.#read?.();
    if (snapshot === undefined || snapshot.elapsedMs === 0) return;
    this.io.out(renderStatusLine(snapshot));
  }
}
