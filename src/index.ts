/**
 * lavafleet: a Lavalink v4 client that keeps the music playing.
 * This is the only barrel: every public name is exported here explicitly.
 *
 * @module lavafleet
 */

// The pool, its players and nodes
export { Pool } from './pool.js';
export type { JoinOptions, NodeHealth, PoolMetrics } from './pool.js';
export { DEFAULT_POOL_OPTIONS } from './pool/pool-options.js';
export type { FailoverOptions, PoolOptions, ResolvedPoolOptions } from './pool/pool-options.js';
export type { PoolEvents, PoolOwnEvents, PoolNodeEvents } from './pool/pool-events.js';
export { penaltyStrategy, regionFromEndpoint, regionMatches, scoreCandidates } from './pool/selection.js';
export type { NodeCandidate, SelectionRequest, SelectionStrategy } from './pool/selection.js';
export { Node } from './node/node.js';
export { DEFAULT_NODE_OPTIONS } from './node/node-options.js';
export type {
  BreakerOptions,
  NodeOptions,
  ReconnectOptions,
  ResolvedNodeOptions,
  ResumeOptions,
} from './node/node-options.js';
export type { DebugEvent, NodeEvents } from './node/node-events.js';
export type { NodeStatus } from './node/node-status.js';
export { NodeRest } from './node/node-rest.js';
export type {
  NodeRestOptions,
  RestCallOptions,
  RestRequestEvent,
  RestRequestOptions,
  RestRetryOptions,
  RestRouteLabel,
  UpdatePlayerOptions,
} from './node/node-rest-options.js';
export { cpuPenalty, penaltyBreakdown } from './node/penalty.js';
export type { NodeLoad, PenaltyBreakdown } from './node/penalty.js';
export { Player } from './player/player.js';
export type { Playable, PlayOptions } from './player/player.js';
export type { DestroyReason, MoveReason, PlayerEvents, VoiceCloseAction } from './player/player-events.js';
export { PLAYER_SNAPSHOT_VERSION } from './player/player-snapshot.js';
export type { PlayerSnapshot } from './player/player-snapshot.js';
export { VOICE_CLOSE_POLICY } from './player/voice-close-policy.js';
export { Queue, LOOP_MODES } from './player/queue.js';
export type {
  AddOptions,
  LoopMode,
  QueueOptions,
  QueuePosition,
  QueueSnapshot,
  TrackEndOptions,
} from './player/queue.js';
export { FilterBuilder, normalizeFilters, speedOf } from './player/filters.js';
export type { NormalizeFiltersOptions } from './player/filter-validation.js';
export { FilterPresets } from './player/filter-presets.js';
export type { BassBoostLevel } from './player/filter-presets.js';
export type { VoiceChange, VoiceConnection, VoiceSnapshot } from './player/voice-state.js';

// Discord connectors
export { connectors } from './connectors/index.js';
export type {
  Connector,
  GatewayVoiceServer,
  GatewayVoiceState,
  VoicePacket,
  VoiceStateUpdatePayload,
} from './connectors/connector.js';
export type { CustomConnector, CustomConnectorOptions, LibraryConnector } from './connectors/custom.js';
export type { DiscordJsClientLike, DiscordJsShardLike } from './connectors/discord-js.js';
export type { ErisClientLike, ErisShardLike } from './connectors/eris.js';
export type { OceanicClientLike, OceanicShardLike } from './connectors/oceanic.js';

// Persistence
export { MemoryStore } from './persistence/memory-store.js';
export { FileStore } from './persistence/file-store.js';
export type { FileStoreInput, FileStoreOptions } from './persistence/file-store.js';
export type { StateStore, StoreEntry } from './persistence/state-store.js';

// Track cache, resilience building blocks
export { LfuCache } from './cache/lfu-cache.js';
export type { EvictionReason, LfuCacheOptions, LfuSetOptions } from './cache/lfu-cache.js';
export { TrackCache } from './cache/track-cache.js';
export type {
  TrackCacheInput,
  TrackCacheInternals,
  TrackCacheOptions,
  TrackCacheStats,
} from './cache/track-cache.js';
export { CircuitBreaker } from './resilience/circuit-breaker.js';
export type {
  CircuitBreakerEvents,
  CircuitBreakerInput,
  CircuitBreakerOptions,
  CircuitBreakerSnapshot,
  CircuitState,
} from './resilience/circuit-breaker.js';
export { backoffDelay } from './resilience/backoff.js';
export type { BackoffPolicy, JitterMode } from './resilience/backoff.js';

// Protocol: codec, parser, wire types
export {
  decodeTrack,
  decodeTrackDetailed,
  encodeTrack,
  readLavaSrcFields,
  readProbeInfo,
  writeLavaSrcFields,
  writeProbeInfo,
} from './protocol/track-codec.js';
export type {
  DecodedTrack,
  EncodableTrackInfo,
  EncodeTrackOptions,
  LavaSrcFields,
  TrackBlobVersion,
} from './protocol/track-codec.js';
export { parseFrame } from './protocol/parse.js';
export type { ParsedFrame } from './protocol/parse.js';
export { MAY_START_NEXT } from './protocol/messages.js';
export { Routes } from './protocol/routes.js';
export type { RouteName } from './protocol/routes.js';
export type * from './protocol/track.js';
export type * from './protocol/filters.js';
export type * from './protocol/player.js';
export type * from './protocol/stats.js';
export type * from './protocol/info.js';
export type * from './protocol/messages.js';

// Errors and utilities
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
export type { EmitterEvents, EventMap, Listener } from './util/typed-emitter.js';
export { systemClock } from './util/clock.js';
export type { Clock, TimerHandle } from './util/clock.js';
