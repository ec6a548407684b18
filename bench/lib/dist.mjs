// Where the built lavafleet lives. run.mjs copies dist/ to bench/.tmp/dist before a run (a parallel
// `npm run build` cleans dist/ and would break scenarios started meanwhile) and passes the copy in
// LAVAFLEET_DIST; a scenario started by hand imports ../../dist directly.
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join, resolve } from 'node:path';

export const BENCH_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const REPO_DIR = resolve(BENCH_DIR, '..');
export const DIST_DIR = process.env.LAVAFLEET_DIST ?? join(REPO_DIR, 'dist');

export function distUrl(file) {
  return pathToFileURL(join(DIST_DIR, file)).href;
}

/** The public entry point, as users import it. */
export function importLavafleet() {
  return import(distUrl('index.js'));
}

/** `lavafleet/testing`. */
export function importTesting() {
  return import(distUrl('testing/index.js'));
}
