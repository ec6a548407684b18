/**
 * Connector for Oceanic.js.
 *
 * Wiring: `connectors.oceanic(client)` with the `GUILDS` and `GUILD_VOICE_STATES` intents; create it
 * before or after `client.connect()`.
 */
import type { VoiceStateUpdatePayload } from './connector.js';
import { GatewayConnector, connectorError } from './custom.js';
import type { LibraryConnector } from './custom.js';
import { invalidOption } from '../errors.js';

/** The part of an Oceanic `Shard` the adapter uses. */
export interface OceanicShardLike {
  send(op: number, data: unknown): void;
}

/** The part of an Oceanic `Client` the adapter uses (types only: Oceanic is never imported). */
export interface OceanicClientLike {
  /** Oceanic's getter throws until a shard is READY. */
  readonly user: { readonly id: string };
  readonly guildShardMap: { get(guildId: string): number | undefined };
  readonly shards: { get(shardId: number): OceanicShardLike | undefined };
  on(event: string, listener: (...args: unknown[]) => void): unknown;
  off(event: string, listener: (...args: unknown[]) => void): unknown;
}

/**
 * A connector over an Oceanic.js client: reads the `packet` event and sends op 4 on the guild's
 * shard.
 *
 * @example
 * const client = new Client({ auth: `Bot ${token}`, gateway: { intents: ['GUILDS', 'GUILD_VOICE_STATES'] } });
 * const pool = new Pool({ connector: connectors.oceanic(client), nodes });
 * await client.connect();
 */
export function oceanic(client: OceanicClientLike): LibraryConnector {
  const candidate = client as Partial<OceanicClientLike> | null;
  if (
    typeof candidate !== 'object' ||
    candidate === null ||
    typeof candidate.on !== 'function' ||
    typeof candidate.shards?.get !== 'function' ||
    typeof candidate.guildShardMap?.get !== 'function'
  ) {
    throw invalidOption('type', 'client', 'an Oceanic.js Client', client);
  }
  return new GatewayConnector({
    name: 'oceanic.js',
    readUserId: () => readUserId(client),
    send: (d, shardId) => sendOnShard(client, d, shardId),
    attach: (events) => {
      const onPacket = (packet: unknown): void => events.packet(packet);
      const onReady = (): void => events.ready();
      client.on('packet', onPacket);
      client.on('ready', onReady);
      return () => {
        client.off('packet', onPacket);
        client.off('ready', onReady);
      };
    },
  });
}

function readUserId(client: OceanicClientLike): string | null {
  try {
    return client.user.id;
  } catch {
    // The getter signals "no user yet" by throwing (UncachedError); that is the null case.
    return null;
  }
}

function sendOnShard(
  client: OceanicClientLike,
  d: VoiceStateUpdatePayload,
  shardId: number | undefined,
): void {
  const id = shardId ?? client.guildShardMap.get(d.guild_id);
  if (id === undefined) {
    throw connectorError(
      `oceanic.js: guild ${d.guild_id} is not in the client's guild-to-shard map. Check that the bot ` +
        'is in that guild, that the client has the GUILDS intent and is ready, or pass the shard id.',
    );
  }
  const shard = client.shards.get(id);
  if (shard === undefined) {
    throw connectorError(`oceanic.js: shard ${id} (owner of guild ${d.guild_id}) is not run by this client.`);
  }
  shard.send(4, { ...d });
}
