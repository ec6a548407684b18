/**
 * Connector for Eris.
 *
 * Wiring: `connectors.eris(client)` with the `guilds` and `guildVoiceStates` intents; create it
 * before or after `client.connect()`.
 */
import type { VoiceStateUpdatePayload } from './connector.js';
import { GatewayConnector, connectorError } from './custom.js';
import type { LibraryConnector } from './custom.js';
import { invalidOption } from '../errors.js';

/** The part of an Eris `Shard` the adapter uses. */
export interface ErisShardLike {
  sendWS(op: number, data: Record<string, unknown>): void;
}

/** The part of an Eris `Client` the adapter uses (types only: Eris is never imported). */
export interface ErisClientLike {
  /** Unset until the first READY. */
  readonly user?: { readonly id: string } | undefined;
  readonly guildShardMap: Readonly<Record<string, number>>;
  readonly shards: { get(shardId: number): ErisShardLike | undefined };
  on(event: string, listener: (...args: unknown[]) => void): unknown;
  off(event: string, listener: (...args: unknown[]) => void): unknown;
}

/**
 * A connector over an Eris client: reads the `rawWS` event and sends op 4 with the guild's shard.
 *
 * @example
 * const client = new Eris.Client(`Bot ${token}`, { intents: ['guilds', 'guildVoiceStates'] });
 * const pool = new Pool({ connector: connectors.eris(client), nodes });
 * client.connect();
 */
export function eris(client: ErisClientLike): LibraryConnector {
  const candidate = client as Partial<ErisClientLike> | null;
  if (
    typeof candidate !== 'object' ||
    candidate === null ||
    typeof candidate.on !== 'function' ||
    typeof candidate.shards?.get !== 'function' ||
    typeof candidate.guildShardMap !== 'object'
  ) {
    throw invalidOption('type', 'client', 'an Eris Client', client);
  }
  return new GatewayConnector({
    name: 'eris',
    readUserId: () => client.user?.id ?? null,
    send: (d, shardId) => sendOnShard(client, d, shardId),
    attach: (events) => {
      const onRawWS = (packet: unknown): void => events.packet(packet);
      const onReady = (): void => events.ready();
      client.on('rawWS', onRawWS);
      client.on('ready', onReady);
      return () => {
        client.off('rawWS', onRawWS);
        client.off('ready', onReady);
      };
    },
  });
}

function sendOnShard(client: ErisClientLike, d: VoiceStateUpdatePayload, shardId: number | undefined): void {
  // Eris fills guildShardMap from READY and GUILD_CREATE; its own voice code falls back to shard
  // 0, which silently sends to the wrong shard when sharded, so an unknown guild is an error here.
  const id = shardId ?? client.guildShardMap[d.guild_id];
  if (id === undefined) {
    throw connectorError(
      `eris: guild ${d.guild_id} is not in the client's guild-to-shard map. Check that the bot is ` +
        'in that guild, that the client has the guilds intent and is ready, or pass the shard id.',
    );
  }
  const shard = client.shards.get(id);
  if (shard === undefined) {
    throw connectorError(`eris: shard ${id} (owner of guild ${d.guild_id}) is not run by this client.`);
  }
  shard.sendWS(4, { ...d });
}
