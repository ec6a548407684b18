/** Node routes (protocol reference §3): info, version, stats and the route planner. */
import { isIP } from 'node:net';
import { GENERIC_BAD_REQUEST, RestFailure } from './rest-failure.js';
import type { RestEnv, RestReply, RestRequest } from './rest-types.js';

export function getInfo(_request: RestRequest, env: RestEnv): RestReply {
  return { status: 200, json: env.node.info() };
}

export function getVersion(_request: RestRequest, env: RestEnv): RestReply {
  return { status: 200, text: env.options.version };
}

export function getStats(_request: RestRequest, env: RestEnv): RestReply {
  return { status: 200, json: env.node.restStats() };
}

export function getRoutePlannerStatus(_request: RestRequest, env: RestEnv): RestReply {
  const planner = env.options.routePlanner;
  return planner === null ? { status: 204 } : { status: 200, json: planner };
}

export async function postFreeAddress(request: RestRequest, env: RestEnv): Promise<RestReply> {
  const body = await request.body();
  requirePlanner(env);
  const address = (body as { address?: unknown } | null)?.address;
  if (typeof address !== 'string') throw new RestFailure(400, GENERIC_BAD_REQUEST);
  if (isIP(address) === 0) throw new RestFailure(400, `Invalid address: ${address}`);
  return { status: 204 };
}

export function postFreeAll(_request: RestRequest, env: RestEnv): RestReply {
  requirePlanner(env);
  return { status: 204 };
}

/** A plain GET on the WebSocket path, without an upgrade. */
export function getWebSocketWithoutUpgrade(): RestReply {
  throw new RestFailure(400, 'Can "Upgrade" only to "WebSocket".');
}

function requirePlanner(env: RestEnv): void {
  if (env.options.routePlanner === null) throw new RestFailure(500, "Can't access disabled route planner");
}
