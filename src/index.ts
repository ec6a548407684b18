/**
 * lavafleet: a Lavalink v4 client that keeps the music playing.
 * This is the only barrel: every public name is exported here explicitly.
 */
export {
  AuthenticationError,
  ErrorCodes,
  LavafleetError,
  LavalinkRestError,
  ProtocolError,
  TimeoutError,
  TrackCodecError,
  hasCode,
} from './errors.js';
export type { ErrorCode, InvalidOptionError, RestRequestInfo } from './errors.js';
export { TypedEmitter } from './util/typed-emitter.js';
export type { EventMap, Listener } from './util/typed-emitter.js';
export { systemClock } from './util/clock.js';
export type { Clock, TimerHandle } from './util/clock.js';
export { MAY_START_NEXT } from './protocol/messages.js';
export { Routes } from './protocol/routes.js';
export type * from './protocol/track.js';
export type * from './protocol/filters.js';
export type * from './protocol/player.js';
export type * from './protocol/stats.js';
export type * from './protocol/info.js';
export type * from './protocol/messages.js';
