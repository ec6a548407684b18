/**
 * `npm run soak`: the chaos soak. Three emulated Lavalink nodes and a bot with a thousand players;
 * for the given time, seeded random faults (kills, restarts, freezes, latency, REST 5xx bursts,
 * session expiry, graceful and kill -9 bot restarts over a FileStore), with invariants checked all
 * along. Exit code 0 only when every invariant held; the report ends with the command that replays
 * the run.
 *
 *   npm run soak -- --duration-ms 60000 --seed 42
 */
import { parseArgs } from 'node:util';
import { SoakRun } from './engine.js';
import { DEFAULT_SOAK_OPTIONS } from './options.js';
import { randomSeed } from './prng.js';
import { renderReport } from './report.js';

const USAGE = `usage: npm run soak -- [--duration-ms N] [--seed N] [--players N] [--nodes N] [--json]

  --duration-ms  how long faults are thrown, in ms: cycles of 6 s of faults, each followed by a
                 quiet checkpoint (default ${DEFAULT_SOAK_OPTIONS.durationMs}; CI: 60000)
  --seed         seed of every random choice (default: random, always printed)
  --players      players of the bot (default ${DEFAULT_SOAK_OPTIONS.players})
  --nodes        emulated Lavalink nodes (default ${DEFAULT_SOAK_OPTIONS.nodes})
  --json         print the result as JSON on stdout (progress goes to stderr)`;

function integer(flag: string, value: string | undefined, min: number): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (value.trim() === '' || !Number.isInteger(number) || number < min) {
    throw new RangeError(`--${flag} expects an integer from ${min}, received '${value}'`);
  }
  return number;
}

async function main(): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        'duration-ms': { type: 'string' },
        seed: { type: 'string' },
        players: { type: 'string' },
        nodes: { type: 'string' },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
    }));
  } catch (error) {
    console.error(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const json = values.json;
  const progress = (line: string) => (json ? console.error(line) : console.log(line));
  let run: SoakRun;
  let seed = 0;
  try {
    seed = integer('seed', values.seed, 0) ?? randomSeed();
    progress(`soak seed ${seed}`);
    const durationMs = integer('duration-ms', values['duration-ms'], 1);
    const players = integer('players', values.players, 1);
    const nodes = integer('nodes', values.nodes, 1);
    run = await SoakRun.create({
      seed,
      ...(durationMs === undefined ? {} : { durationMs }),
      ...(players === undefined ? {} : { players }),
      ...(nodes === undefined ? {} : { nodes }),
      onProgress: progress,
    });
  } catch (error) {
    console.error(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
    return 2;
  }
  let result;
  try {
    result = await run.run();
  } catch (error) {
    console.error(
      `the soak itself failed (seed ${seed}): ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
    );
    return 1;
  }
  if (json) console.log(JSON.stringify(result, null, 2));
  else for (const line of renderReport(result)) console.log(line);
  return result.passed ? 0 : 1;
}

process.exitCode = await main();
