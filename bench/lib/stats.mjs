// Small statistics and argument helpers shared by the scenarios and the runner.

export function median(values) {
  const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return null;
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export function summarize(values) {
  const finite = values.filter((v) => Number.isFinite(v));
  if (finite.length === 0) return { median: null, min: null, max: null, samples: values.length };
  return {
    median: median(finite),
    min: Math.min(...finite),
    max: Math.max(...finite),
    samples: finite.length,
  };
}

/** `--key=value` and `--flag` arguments as an object. */
export function parseArgs(argv = process.argv.slice(2)) {
  const args = {};
  for (const arg of argv) {
    const match = /^--([^=]+)(?:=(.*))?$/.exec(arg);
    if (match) args[match[1]] = match[2] ?? true;
  }
  return args;
}

/** Prints the scenario result as the last stdout line, for the runner to parse. */
export function report(result) {
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** CPU time (user + system) of this process in µs since `start` (a process.cpuUsage() value). */
export function cpuSince(start) {
  const used = process.cpuUsage(start);
  return used.user + used.system;
}

/** Runs `task` over `items` with at most `limit` at once. */
export async function bounded(items, limit, task) {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      await task(items[index], index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/** Polls `check` every `intervalMs` until it returns truthy or `timeoutMs` passes; returns the last value. */
export async function waitFor(check, { timeoutMs = 10_000, intervalMs = 5 } = {}) {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value || performance.now() >= deadline) return value;
    await sleep(intervalMs);
  }
}

/** Guild ids used by every scenario: deterministic snowflakes. */
export function guildId(i, base = 0) {
  return String(200_000_000_000_000_000n + BigInt(base + i));
}

export const CHANNEL_ID = '300000000000000001';
