/**
 * `lavafleet/testing`: a Lavalink 4.2.2 emulator with fault injection, for your bot's tests.
 * This barrel is the subpath's whole public surface.
 *
 * @module lavafleet/testing
 */
export { LavalinkEmulator } from './emulator.js';
export type { EmulatedSessionInfo, RestartOptions } from './emulator.js';
export { DEFAULT_EMULATOR_OPTIONS, DEFAULT_SOURCE_MANAGERS } from './options.js';
export type { EmulatorStatsOptions, LavalinkEmulatorOptions } from './options.js';
export type { FailRequestsOptions } from './faults.js';
export type { PendingRequest } from './rest-server.js';
export type { TrackExceptionOptions } from './scripted-events.js';
export { loadTracks as loadCatalogueTracks } from './catalogue.js';
export type { CatalogueOptions } from './catalogue.js';
export { TestConnector, DEFAULT_TEST_USER_ID } from './test-connector.js';
export type { TestConnectorOptions } from './test-connector.js';
