/** The ready-made connectors, one per Discord library, plus `custom` for any other. */
import { custom } from './custom.js';
import { discordJs } from './discord-js.js';
import { eris } from './eris.js';
import { oceanic } from './oceanic.js';

/**
 * Connector factories: pass the result as the pool's `connector`.
 * @namespace
 *
 * @example
 * const pool = new Pool({ connector: connectors.discordJs(client), nodes });
 */
export const connectors = Object.freeze({ discordJs, eris, oceanic, custom });
