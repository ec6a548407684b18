/** Session and player routes (protocol reference §3): GET/DELETE players and PATCH session. */
import type { EmulatedSession } from './session.js';
import type { EmulatorNode } from './node.js';
import { GENERIC_BAD_REQUEST, RestFailure } from './rest-failure.js';
import type { RestEnv, RestReply, RestRequest } from './rest-types.js';

const GUILD_ID = /^-?\d{1,19}$/;

/** The session a REST call names; paused (resumable) sessions answer 404 too. */
export function requireSession(node: EmulatorNode, sessionId: string): EmulatedSession {
  const session = node.connectedSession(sessionId);
  if (session === undefined) throw new RestFailure(404, 'Session not found');
  return session;
}

/** `{guildId}` is a Java long path variable: anything else fails conversion with a 400. */
export function requireGuildId(guildId: string): string {
  if (!GUILD_ID.test(guildId)) {
    throw new RestFailure(
      400,
      `Failed to convert value of type 'java.lang.String' to required type 'long'; For input string: "${guildId}"`,
    );
  }
  return guildId;
}

export function getPlayers(request: RestRequest, env: RestEnv): RestReply {
  const session = requireSession(env.node, request.params[0]!);
  return { status: 200, json: [...session.players.values()].map((player) => player.toJson()) };
}

export function getPlayer(request: RestRequest, env: RestEnv): RestReply {
  const guildId = requireGuildId(request.params[1]!);
  const player = requireSession(env.node, request.params[0]!).players.get(guildId);
  if (player === undefined) throw new RestFailure(404, 'Player not found');
  return { status: 200, json: player.toJson() };
}

export function deletePlayer(request: RestRequest, env: RestEnv): RestReply {
  const guildId = requireGuildId(request.params[1]!);
  requireSession(env.node, request.params[0]!).removePlayer(guildId);
  return { status: 204 };
}

export async function updateSession(request: RestRequest, env: RestEnv): Promise<RestReply> {
  if (!env.options.sessionSupport) throw new RestFailure(404, `No static resource ${request.path.slice(1)}.`);
  const body = await request.body();
  const session = requireSession(env.node, request.params[0]!);
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new RestFailure(400, GENERIC_BAD_REQUEST);
  const { resuming, timeout } = body as { resuming?: unknown; timeout?: unknown };
  if (resuming !== undefined && typeof resuming !== 'boolean')
    throw new RestFailure(400, GENERIC_BAD_REQUEST);
  if (timeout !== undefined && !Number.isInteger(timeout)) throw new RestFailure(400, GENERIC_BAD_REQUEST);
  if (resuming !== undefined) session.resuming = resuming;
  if (timeout !== undefined) session.timeoutSeconds = timeout as number;
  return { status: 200, json: { resuming: session.resuming, timeout: session.timeoutSeconds } };
}
