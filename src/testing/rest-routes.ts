/**
 * The emulator's route table: one row per route of `Routes` (src/protocol/routes.ts), with its path
 * pattern and a handler per method. Route names double as counter names.
 */
import type { RouteName } from '../protocol/routes.js';
import {
  getInfo,
  getRoutePlannerStatus,
  getStats,
  getVersion,
  getWebSocketWithoutUpgrade,
  postFreeAddress,
  postFreeAll,
} from './rest-info.js';
import { deletePlayer, getPlayer, getPlayers, updateSession } from './rest-players.js';
import { getDecodeTrack, getLoadTracks, postDecodeTracks } from './rest-tracks.js';
import type { RestHandler } from './rest-types.js';
import { updatePlayer } from './update-player.js';

interface RouteRow {
  name: RouteName;
  pattern: RegExp;
  methods: Readonly<Record<string, RestHandler>>;
}

const SEGMENT = '([^/]+)';

const ROUTE_TABLE: readonly RouteRow[] = [
  { name: 'version', pattern: /^\/version$/, methods: { GET: getVersion } },
  { name: 'loadTracks', pattern: /^\/v4\/loadtracks$/, methods: { GET: getLoadTracks } },
  { name: 'decodeTrack', pattern: /^\/v4\/decodetrack$/, methods: { GET: getDecodeTrack } },
  { name: 'decodeTracks', pattern: /^\/v4\/decodetracks$/, methods: { POST: postDecodeTracks } },
  { name: 'players', pattern: new RegExp(`^/v4/sessions/${SEGMENT}/players$`), methods: { GET: getPlayers } },
  {
    name: 'player',
    pattern: new RegExp(`^/v4/sessions/${SEGMENT}/players/${SEGMENT}$`),
    methods: { GET: getPlayer, PATCH: updatePlayer, DELETE: deletePlayer },
  },
  { name: 'session', pattern: new RegExp(`^/v4/sessions/${SEGMENT}$`), methods: { PATCH: updateSession } },
  { name: 'info', pattern: /^\/v4\/info$/, methods: { GET: getInfo } },
  { name: 'stats', pattern: /^\/v4\/stats$/, methods: { GET: getStats } },
  {
    name: 'routePlannerStatus',
    pattern: /^\/v4\/routeplanner\/status$/,
    methods: { GET: getRoutePlannerStatus },
  },
  {
    name: 'routePlannerFreeAddress',
    pattern: /^\/v4\/routeplanner\/free\/address$/,
    methods: { POST: postFreeAddress },
  },
  { name: 'routePlannerFreeAll', pattern: /^\/v4\/routeplanner\/free\/all$/, methods: { POST: postFreeAll } },
  { name: 'websocket', pattern: /^\/v4\/websocket$/, methods: { GET: getWebSocketWithoutUpgrade } },
];

/** A path matched to its route. */
export interface MatchedRoute {
  name: RouteName;
  methods: Readonly<Record<string, RestHandler>>;
  params: string[];
}

/** Finds the route of a path (without query), or undefined for an unknown path. */
export function matchRoute(path: string): MatchedRoute | undefined {
  for (const row of ROUTE_TABLE) {
    const match = row.pattern.exec(path);
    if (match === null) continue;
    const params = match.slice(1).map((value) => safeDecode(value));
    return { name: row.name, methods: row.methods, params };
  }
  return undefined;
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    // A malformed escape is kept as sent; the handler then rejects it like any unknown id.
    return value;
  }
}
