/** Track routes (protocol reference §3): loadtracks, decodetrack, decodetracks. */
import { loadTracks } from './catalogue.js';
import { GENERIC_BAD_REQUEST, RestFailure } from './rest-failure.js';
import type { RestEnv, RestReply, RestRequest } from './rest-types.js';
import { TrackLoadFailure, decodeForServer, decodedToJson } from './tracks.js';
import type { Track } from '../protocol/track.js';

export function getLoadTracks(request: RestRequest, env: RestEnv): RestReply {
  const identifier = request.query.get('identifier');
  if (identifier === null) {
    throw new RestFailure(
      400,
      "Required request parameter 'identifier' for method parameter type String is not present",
    );
  }
  return { status: 200, json: loadTracks(identifier, env.options) };
}

export function getDecodeTrack(request: RestRequest, env: RestEnv): RestReply {
  const encoded = request.query.get('encodedTrack') ?? request.query.get('track');
  if (encoded === null || encoded === '') throw new RestFailure(400, 'No track to decode provided');
  return { status: 200, json: decode(encoded, env) };
}

export async function postDecodeTracks(request: RestRequest, env: RestEnv): Promise<RestReply> {
  const body = await request.body();
  if (!Array.isArray(body) || !body.every((item) => typeof item === 'string')) {
    throw new RestFailure(400, GENERIC_BAD_REQUEST);
  }
  if (body.length === 0) throw new RestFailure(400, 'No tracks to decode provided');
  return { status: 200, json: body.map((encoded) => decode(encoded, env)) };
}

function decode(encoded: string, env: RestEnv): Track {
  try {
    return decodedToJson(decodeForServer(encoded, env.options.sourceManagers));
  } catch (error) {
    if (error instanceof TrackLoadFailure) throw new RestFailure(500, error.message);
    throw error;
  }
}
