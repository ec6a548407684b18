// RESULTS.md sections for player state (lavafleet only: neither peer saves or restores players).
import { failed, num, range, table, verdict } from './render-format.mjs';
import { STATE_TARGETS } from './targets.mjs';

const STORES = { file: '`FileStore` (fsync on)', redis: '`RedisStore` (ioredis, local Redis)' };

/** `data`: { file, redis }: save.mjs results per store. */
export function save({ data }) {
  const rows = Object.entries(STORES).map(([key, name]) => {
    const r = data[key];
    if (failed(r)) return [name, r?.skipped ? 'skipped' : 'error', '—', '—', '—'];
    return [
      name,
      num(r.saveMs.median, 2),
      range(r.saveMs, 2),
      num(r.writtenPerSave.median, 0),
      verdict(r.saveMs.median < STATE_TARGETS.saveMs),
    ];
  });
  const any = data.file ?? data.redis;
  const markdown = [
    `A Pool with ${any?.players?.toLocaleString('en-US') ?? '?'} playing players; between saves ${any?.changedPerSave ?? '?'} of them change (a track queued), then one \`pool.saveState()\` is timed: finding what changed, snapshotting it, writing it (${any?.saveMs?.samples ?? '?'} saves). Target: < ${STATE_TARGETS.saveMs} ms (median). Neither peer saves players.`,
    '',
    table(['store', 'ms per save (median)', 'min–max', 'players written per save', 'target'], rows),
  ].join('\n');
  const summary = Object.entries(STORES)
    .filter(([key]) => !failed(data[key]))
    .map(([key, name]) => [
      `Save of ${data[key].players.toLocaleString('en-US')} players, 1 % changed: ${name} (ms)`,
      `< ${STATE_TARGETS.saveMs}`,
      num(data[key].saveMs.median, 2),
      'not available',
      verdict(data[key].saveMs.median < STATE_TARGETS.saveMs),
    ]);
  return { markdown, summary };
}

const MODES = {
  resumed: 'sessions resumed (the bot came back inside the resume window)',
  expired: 'sessions expired (every player re-created, voice re-joined)',
};
const restoreOk = (r) => r.lost === 0 && r.elapsedMs < STATE_TARGETS.restoreMs;

/** `data`: { resumed, expired }: restore.mjs results per mode. */
export function restore({ data }) {
  const rows = Object.entries(MODES).map(([key, what]) => {
    const r = data[key];
    if (failed(r)) return [what, 'error', '—', '—', '—', '—', '—', '—'];
    return [
      what,
      num(r.elapsedMs, 0),
      String(r.lost),
      r.positionErrorMs ? `${num(r.positionErrorMs.median, 0)} / ${num(r.positionErrorMs.max, 0)}` : '—',
      num(r.requestsPerPlayer, 2),
      num(r.clientCpuMs, 0),
      num(r.serverCpuMs, 0),
      verdict(restoreOk(r)),
    ];
  });
  const any = data.expired ?? data.resumed;
  const markdown = [
    `${any?.players?.toLocaleString('en-US') ?? '?'} playing players on two nodes, saved to a \`FileStore\`; the bot closes and a new Pool over the same store connects. Time from \`new Pool\` until the emulators play every player again and \`playersRestored\` counted them all. Position error: where each track plays once restored, against where it played at the close plus the time since (the restore assumes playback went on). Target: < ${STATE_TARGETS.restoreMs} ms, none lost. Neither peer restores players.`,
    '',
    table(
      [
        'case',
        'ms',
        'lost',
        'position error ms (median / max)',
        'REST requests / player',
        'client CPU ms',
        'emulator CPU ms',
        'target',
      ],
      rows,
    ),
  ].join('\n');
  const summary = Object.entries(MODES)
    .filter(([key]) => !failed(data[key]))
    .map(([key]) => [
      `Restore of ${data[key].players.toLocaleString('en-US')} players, sessions ${key}: ms / lost`,
      `< ${STATE_TARGETS.restoreMs} / 0`,
      `${num(data[key].elapsedMs, 0)} / ${data[key].lost}`,
      'not available',
      verdict(restoreOk(data[key])),
    ]);
  return { markdown, summary };
}
