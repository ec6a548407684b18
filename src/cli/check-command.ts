/** `lavafleet check <uri>`: connects to a real node and reports whether it is healthy. */
import { LavafleetError } from '../errors.js';
import { Node } from '../node/node.js';
import type { NodeInfo } from '../protocol/info.js';
import type { LoadResult } from '../protocol/track.js';
import type { Stats } from '../protocol/stats.js';
import type { CliCommand, CliIo } from './command.js';
import { ExitCode, UsageError } from './command.js';
import { parseFlags } from './flags.js';

const HELP = `Usage: lavafleet check <uri> [options]

Connects to a Lavalink node and prints its version, info (plugins, source managers, filters),
stats, latency and whether sessions resume. Exit code 0 when the node is healthy, 1 when not.

Arguments:
  <uri>                 http(s)://host:port, ws(s)://host:port or host:port

Options:
  --password <text>     The node's password (default: youshallnotpass)
  --load <query>        Also load a query, e.g. "ytsearch:never gonna give you up"
  --timeout <ms>        Give up after this long (default: 5000)
  --json                Print one JSON object instead of text
  -h, --help            Show this help`;

export const checkCommand: CliCommand = {
  name: 'check',
  summary: 'Check a Lavalink node: version, plugins, stats, latency, resume support',
  help: HELP,
  run: runCheck,
};

interface CheckArgs {
  uri: string;
  password: string;
  load: string | null;
  timeoutMs: number;
  json: boolean;
}

/** The report `--json` prints. */
export interface CheckReport {
  uri: string;
  healthy: boolean;
  problems: string[];
  version: string | null;
  info: NodeInfo | null;
  stats: Stats | null;
  latencyMs: number | null;
  connectMs: number | null;
  canResume: boolean | null;
  load: { query: string; loadType: string; tracks: number } | null;
}

/** Parses the flags; throws UsageError on anything wrong. */
export function parseCheckArgs(args: string[]): CheckArgs | 'help' {
  const { values, positionals } = parseFlags({
    args,
    allowPositionals: true,
    options: {
      password: { type: 'string' },
      load: { type: 'string' },
      timeout: { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help === true) return 'help';
  if (positionals.length !== 1)
    throw new UsageError('expects exactly one <uri>, e.g. lavafleet check localhost:2333');
  const timeoutMs = values.timeout === undefined ? 5000 : Number(values.timeout);
  if (!Number.isInteger(timeoutMs) || timeoutMs < 1) {
    throw new UsageError(`--timeout expects a positive integer of ms, received '${values.timeout}'`);
  }
  return {
    uri: positionals[0]!,
    password: values.password ?? 'youshallnotpass',
    load: values.load ?? null,
    timeoutMs,
    json: values.json === true,
  };
}

async function runCheck(args: string[], io: CliIo): Promise<number> {
  const options = parseCheckArgs(args);
  if (options === 'help') {
    io.out(HELP);
    return ExitCode.ok;
  }
  let node: Node;
  try {
    node = new Node({
      uri: options.uri,
      password: options.password,
      userId: '1',
      requestTimeoutMs: options.timeoutMs,
      heartbeatMs: 60_000,
      reconnect: { infinite: false, maxAttempts: 0 },
    });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  node.on('error', () => undefined);
  const report = await inspect(node, options);
  await node.close();
  if (options.json) io.out(JSON.stringify(report, null, 2));
  else printReport(report, io);
  return report.healthy ? ExitCode.ok : ExitCode.failure;
}

async function inspect(node: Node, options: CheckArgs): Promise<CheckReport> {
  const report: CheckReport = {
    uri: options.uri,
    healthy: false,
    problems: [],
    version: null,
    info: null,
    stats: null,
    latencyMs: null,
    connectMs: null,
    canResume: null,
    load: null,
  };
  let lastDisconnect = '';
  node.on('disconnect', ({ reason }) => void (lastDisconnect = reason));
  const started = Date.now();
  try {
    await withDeadline(node.connect(), options.timeoutMs, 'connecting');
    report.connectMs = Date.now() - started;
  } catch (error) {
    const cause =
      error instanceof LavafleetError && error.code === 'ERR_RECONNECT_EXHAUSTED' && lastDisconnect
        ? lastDisconnect
        : describe(error);
    report.problems.push(`cannot connect: ${cause}`);
    return report;
  }
  const [version, info, stats] = await Promise.allSettled([node.version(), node.info(), node.rest.stats()]);
  if (version.status === 'fulfilled') report.version = version.value;
  else report.problems.push(`GET /version failed: ${describe(version.reason)}`);
  if (info.status === 'fulfilled') report.info = info.value;
  else report.problems.push(`GET /v4/info failed: ${describe(info.reason)}`);
  report.stats = node.stats ?? (stats.status === 'fulfilled' ? stats.value : null);
  if (report.stats === null) report.problems.push('no stats from the node');
  // Resume configuration and the first pong follow `ready` by a round trip or two.
  const deadline = Date.now() + Math.min(options.timeoutMs, 2000);
  while ((node.canResume === null || node.latencyMs === null) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  report.canResume = node.canResume;
  report.latencyMs = node.latencyMs === null ? null : Math.round(node.latencyMs * 10) / 10;
  if (report.version !== null && !/^4\./.test(report.version)) {
    report.problems.push(`version ${report.version} is not Lavalink 4.x; lavafleet speaks the v4 protocol`);
  }
  if (options.load !== null) {
    try {
      const result: LoadResult = await node.rest.loadTracks(options.load);
      report.load = { query: options.load, loadType: result.loadType, tracks: countTracks(result) };
      if (result.loadType === 'error')
        report.problems.push(`loading '${options.load}' failed: ${result.data.message ?? result.data.cause}`);
    } catch (error) {
      report.problems.push(`loading '${options.load}' failed: ${describe(error)}`);
    }
  }
  report.healthy = report.problems.length === 0;
  return report;
}

function printReport(report: CheckReport, io: CliIo): void {
  io.out(`${report.healthy ? 'healthy' : 'NOT healthy'}: ${report.uri}`);
  if (report.version !== null) io.out(`  version         ${report.version}`);
  if (report.connectMs !== null) io.out(`  connect         ${report.connectMs} ms to ready`);
  if (report.latencyMs !== null) io.out(`  latency         ${report.latencyMs} ms (WebSocket ping)`);
  if (report.canResume !== null)
    io.out(
      `  session resume  ${report.canResume ? 'supported' : 'NOT supported (players are lost on disconnect)'}`,
    );
  const info = report.info;
  if (info) {
    io.out(`  lavaplayer      ${info.lavaplayer}, JVM ${info.jvm}`);
    io.out(`  sources         ${info.sourceManagers.join(', ') || '(none)'}`);
    io.out(`  filters         ${info.filters.join(', ') || '(none)'}`);
    io.out(`  plugins         ${info.plugins.map((p) => `${p.name} ${p.version}`).join(', ') || '(none)'}`);
  }
  const stats = report.stats;
  if (stats) {
    const mb = (bytes: number): string => `${Math.round(bytes / 1024 / 1024)} MB`;
    io.out(`  players         ${stats.playingPlayers} playing of ${stats.players}`);
    io.out(
      `  cpu             ${Math.round(stats.cpu.systemLoad * 100)}% system, ${Math.round(stats.cpu.lavalinkLoad * 100)}% lavalink, ${stats.cpu.cores} cores`,
    );
    io.out(`  memory          ${mb(stats.memory.used)} used of ${mb(stats.memory.reservable)} reservable`);
    io.out(`  uptime          ${Math.round(stats.uptime / 1000)} s`);
  }
  if (report.load)
    io.out(
      `  load            '${report.load.query}': ${report.load.loadType}, ${report.load.tracks} track(s)`,
    );
  for (const problem of report.problems) io.out(`  problem         ${problem}`);
}

function countTracks(result: LoadResult): number {
  switch (result.loadType) {
    case 'track':
      return 1;
    case 'playlist':
      return result.data.tracks.length;
    case 'search':
      return result.data.length;
    default:
      return 0;
  }
}

async function withDeadline<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

function describe(error: unknown): string {
  if (error instanceof LavafleetError) return `${error.message} (${error.code})`;
  return error instanceof Error ? error.message : String(error);
}
