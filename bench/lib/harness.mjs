// What every client gets from the bench, not from its own library: the fake Discord gateway
// (lavafleet/testing's TestConnector answers each op-4 with VOICE_STATE_UPDATE + VOICE_SERVER_UPDATE
// on a microtask) and the track every player plays (10 minutes, the blob the emulator's catalogue
// returns for this identifier). lavafleet/testing is a bundle of its own: importing it loads none of
// the client code.
import { importTesting } from './dist.mjs';

const { TestConnector, loadCatalogueTracks } = await importTesting();

export const TRACK = loadCatalogueTracks('emulator:track?length=600000&title=bench').data;

export function createHarness() {
  return { discord: new TestConnector(), track: TRACK };
}
