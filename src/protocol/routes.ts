/** Every REST path of the Lavalink v4 API, in one table (protocol reference §3). */

const enc = encodeURIComponent;

export const Routes = {
  loadTracks: (identifier: string) => `/v4/loadtracks?identifier=${enc(identifier)}`,
  decodeTrack: (encoded: string) => `/v4/decodetrack?encodedTrack=${enc(encoded)}`,
  decodeTracks: () => '/v4/decodetracks',
  players: (sessionId: string) => `/v4/sessions/${enc(sessionId)}/players`,
  player: (sessionId: string, guildId: string) => `/v4/sessions/${enc(sessionId)}/players/${enc(guildId)}`,
  session: (sessionId: string) => `/v4/sessions/${enc(sessionId)}`,
  info: () => '/v4/info',
  version: () => '/version',
  stats: () => '/v4/stats',
  routePlannerStatus: () => '/v4/routeplanner/status',
  routePlannerFreeAddress: () => '/v4/routeplanner/free/address',
  routePlannerFreeAll: () => '/v4/routeplanner/free/all',
  websocket: () => '/v4/websocket',
} as const;

/** Stable route names, used for metrics labels and emulator counters. */
export type RouteName = keyof typeof Routes;

/** Header names of the protocol. */
export const Headers = {
  authorization: 'Authorization',
  userId: 'User-Id',
  clientName: 'Client-Name',
  sessionId: 'Session-Id',
  sessionResumed: 'Session-Resumed',
  apiVersion: 'Lavalink-Api-Version',
} as const;
