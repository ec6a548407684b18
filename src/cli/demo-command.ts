/** `lavafleet demo`: three emulated nodes, a simulated bot, scripted faults, a live view and a verdict. */
import type { CliCommand, CliIo } from './command.js';
import { ExitCode, UsageError } from './command.js';
import { integerFlag, parseFlags } from './flags.js';
import { BACKWARD_TOLERANCE_MS } from './demo/audit.js';
import { runDemo } from './demo/demo.js';
import { DEMO_DEFAULTS } from './demo/settings.js';
import type { DemoSettings } from './demo/settings.js';
import { hasPassed, renderSummary } from './demo/summary.js';
import { LiveView, PlainView } from './demo/view.js';
import type { DemoView } from './demo/view.js';

const d = DEMO_DEFAULTS;

const HELP = `Usage: lavafleet demo [options]

Shows lavafleet keeping the music playing, with nothing to install: ${d.nodes} emulated Lavalink
nodes, a simulated bot playing a queue in each of its guilds, and scripted faults — a node killed
(its players move), a network blip (the session resumes, nobody moves), the node restarted, the bot
itself restarted halfway (a new Pool over the same store picks every player up), then another node
killed and restarted. A live table shows each node and the totals; a summary ends the run.

Options:
  --duration <seconds>  Length of the scripted run, ${d.minDurationMs / 1000}-${d.maxDurationMs / 1000} (default: ${d.durationMs / 1000})
  --fast                A quick run of ${d.fastDurationMs / 1000} seconds (what the tests use)
  --guilds <n>          Guilds the bot plays in, 1-${d.maxGuilds} (default: ${d.guilds})
  --plain               Plain lines instead of the live table (automatic when stdout is not a terminal)
  -h, --help            Show this help

Exit code 0 when no guild was lost, 1 otherwise. A guild is lost when, at the end, the bot has no
player for it, its player's node is not connected, or that node's Lavalink is not playing a track
for it — or when, at any point of the run, it went backwards: an earlier track of its queue, or
more than ${BACKWARD_TOLERANCE_MS} ms back within a track. A guild still playing on two nodes at the end also fails
the run. Silence per guild is estimated from events (from its node's failure to its re-creation)
and checked against what the emulators play, sampled every ${d.sampleIntervalMs} ms.`;

export const demoCommand: CliCommand = {
  name: 'demo',
  summary: 'Watch a simulated bot ride out node kills, a blip and its own restart',
  help: HELP,
  run: runDemoCommand,
};

/** Turns the flags into demo settings; throws UsageError on anything wrong. */
export function parseDemoArgs(
  args: string[],
  terminal: { isTty: boolean; noColor: boolean } = { isTty: false, noColor: true },
): DemoSettings | 'help' {
  const { values } = parseFlags({
    args,
    allowPositionals: false,
    options: {
      duration: { type: 'string' },
      fast: { type: 'boolean' },
      guilds: { type: 'string' },
      plain: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help === true) return 'help';
  if (values.fast === true && values.duration !== undefined) {
    throw new UsageError('--fast and --duration both set the length of the run; give one of them');
  }
  const seconds = integerFlag('--duration', values.duration, d.minDurationMs / 1000, d.maxDurationMs / 1000);
  const durationMs =
    values.fast === true ? d.fastDurationMs : seconds === undefined ? d.durationMs : seconds * 1000;
  const live = terminal.isTty && values.plain !== true;
  return {
    durationMs,
    guilds: integerFlag('--guilds', values.guilds, 1, d.maxGuilds) ?? d.guilds,
    live,
    color: live && !terminal.noColor,
  };
}

async function runDemoCommand(args: string[], io: CliIo): Promise<number> {
  const settings = parseDemoArgs(args, {
    isTty: process.stdout.isTTY === true,
    noColor: process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== '',
  });
  if (settings === 'help') {
    io.out(HELP);
    return ExitCode.ok;
  }
  const columns = process.stdout.columns ?? 0;
  const view: DemoView = settings.live
    ? new LiveView(io, {
        color: settings.color,
        // A pty may report 0 columns; a line as wide as the terminal would wrap and break the redraw.
        width: columns > 0 ? Math.max(40, columns - 1) : 120,
        redrawIntervalMs: d.redrawIntervalMs,
      })
    : new PlainView(io, Math.max(1_000, Math.round(settings.durationMs / 10)));
  const interrupt = new AbortController();
  void io.waitForShutdown().then(() => interrupt.abort());
  const result = await runDemo(settings, view, interrupt.signal);
  for (const line of renderSummary(result)) io.out(line);
  return hasPassed(result) ? ExitCode.ok : ExitCode.failure;
}
