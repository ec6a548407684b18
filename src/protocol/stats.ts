/** Wire shapes for node statistics (protocol reference §2.3). */

export interface MemoryStats {
  free: number;
  used: number;
  allocated: number;
  reservable: number;
}

export interface CpuStats {
  cores: number;
  /** 0..1 */
  systemLoad: number;
  /** 0..1 */
  lavalinkLoad: number;
}

/** Per-session audio frame figures for the last full minute, averaged per player. */
export interface FrameStats {
  sent: number;
  nulled: number;
  /** 3000 - (sent + nulled): positive means frames were missing. */
  deficit: number;
}

/** Node statistics (`GET /v4/stats` or the `stats` op). */
export interface Stats {
  players: number;
  playingPlayers: number;
  /** ms since server start. */
  uptime: number;
  memory: MemoryStats;
  cpu: CpuStats;
  /** `null` over WS when no player qualifies; omitted on `GET /v4/stats`. */
  frameStats?: FrameStats | null;
}
