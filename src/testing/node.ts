/**
 * The emulated Lavalink process: its sessions, its uptime and the figures it reports in stats and
 * `/v4/info`. Everything here is lost when the process "dies" (`kill()`).
 */
import { randomBytes } from 'node:crypto';
import { BUILT_IN_FILTERS } from '../protocol/filters.js';
import type { NodeInfo } from '../protocol/info.js';
import type { StatsMessage } from '../protocol/messages.js';
import type { CpuStats, MemoryStats, Stats } from '../protocol/stats.js';
import type { EmulatorStatsOptions, ResolvedEmulatorOptions } from './options.js';
import { EmulatedSession } from './session.js';
import type { SessionHost } from './session.js';

const DEFAULT_MEMORY: MemoryStats = {
  free: 52_428_800,
  used: 104_857_600,
  allocated: 157_286_400,
  reservable: 1_073_741_824,
};
const DEFAULT_CPU: CpuStats = { cores: 4, systemLoad: 0.05, lavalinkLoad: 0.02 };
const ID_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';
const BUILD_TIME = Date.UTC(2026, 2, 7);

export class EmulatorNode implements SessionHost {
  readonly sessions = new Map<string, EmulatedSession>();
  startedAt: number;
  stats: EmulatorStatsOptions;

  constructor(readonly options: ResolvedEmulatorOptions) {
    this.startedAt = options.now();
    this.stats = { ...options.stats };
  }

  createSession(userId: string, clientName: string | null): EmulatedSession {
    let id = newSessionId();
    while (this.sessions.has(id)) id = newSessionId();
    const session = new EmulatedSession(id, userId, clientName, this);
    this.sessions.set(id, session);
    return session;
  }

  /** A session REST may use: connected (a paused session answers 404 until resumed). */
  connectedSession(id: string): EmulatedSession | undefined {
    const session = this.sessions.get(id);
    return session?.status === 'connected' ? session : undefined;
  }

  onSessionDestroyed(session: EmulatedSession): void {
    if (this.sessions.get(session.id) === session) this.sessions.delete(session.id);
  }

  /** Ends every session (no events) and restarts the uptime: a fresh process. */
  reset(): void {
    for (const session of [...this.sessions.values()]) session.destroy();
    this.startedAt = this.options.now();
  }

  /** Node-wide figures, as `GET /v4/stats` reports them (no frameStats). */
  restStats(): Stats {
    let players = 0;
    let playingPlayers = 0;
    for (const session of this.sessions.values()) {
      players += session.players.size;
      for (const player of session.players.values()) if (player.isPlaying) playingPlayers++;
    }
    return {
      players,
      playingPlayers,
      uptime: this.stats.uptime ?? Math.max(this.options.now() - this.startedAt, 0),
      memory: { ...DEFAULT_MEMORY, ...this.stats.memory },
      cpu: { ...DEFAULT_CPU, ...this.stats.cpu },
    };
  }

  statsMessage(): StatsMessage {
    return { op: 'stats', ...this.restStats(), frameStats: this.stats.frameStats ?? null };
  }

  info(): NodeInfo {
    const { version } = this.options;
    const match = /^(\d+)\.(\d+)\.(\d+)(?:-([^+]+))?/.exec(version);
    return {
      version: {
        semver: version,
        major: Number(match?.[1] ?? 0),
        minor: Number(match?.[2] ?? 0),
        patch: Number(match?.[3] ?? 0),
        preRelease: match?.[4] ?? null,
      },
      buildTime: BUILD_TIME,
      git: { branch: 'main', commit: 'e0a1b2c', commitTime: BUILD_TIME },
      jvm: '21.0.6',
      lavaplayer: '2.2.4',
      sourceManagers: [...this.options.sourceManagers],
      filters: BUILT_IN_FILTERS.filter((name) => !this.options.disabledFilters.has(name)),
      plugins: this.options.plugins.map((plugin) => ({ ...plugin })),
    };
  }
}

function newSessionId(): string {
  const bytes = randomBytes(16);
  let id = '';
  for (const byte of bytes) id += ID_ALPHABET[byte % ID_ALPHABET.length]!;
  return id;
}
