/**
 * Connector for discord.js v14 (the `@discordjs/ws`-based 14.x line included).
 *
 * Wiring: `connectors.discordJs(client)` with the client created with the `Guilds` and
 * `GuildVoiceStates` intents; create it before or after `client.login()`.
 */
import { shardIdForGuild } from './connector.js';
import type { VoiceStateUpdatePayload } from './connector.js';
import { GatewayConnector, connectorError } from './custom.js';
import type { LibraryConnector } from './custom.js';
import { invalidOption } from '../errors.js';

/** The part of a discord.js `WebSocketShard` the adapter uses. */
export interface DiscordJsShardLike {
  send(packet: { op: number; d: unknown }): void;
}

/** The part of a discord.js v14 `Client` the adapter uses (types only: discord.js is never imported). */
export interface DiscordJsClientLike {
  readonly user: { readonly id: string } | null;
  readonly options: { readonly shardCount?: number | undefined };
  readonly guilds: { readonly cache: { get(guildId: string): { readonly shardId: number } | undefined } };
  readonly ws: { readonly shards: { get(shardId: number): DiscordJsShardLike | undefined } };
  on(event: string, listener: (...args: unknown[]) => void): unknown;
  off(event: string, listener: (...args: unknown[]) => void): unknown;
}

/**
 * A connector over a discord.js v14 client: reads the `raw` gateway event and sends op 4 on the
 * guild's shard.
 *
 * @example
 * const client = new Client({ intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildVoiceStates] });
 * const pool = new Pool({ connector: connectors.discordJs(client), nodes });
 * await client.login(token);
 */
export function discordJs(client: DiscordJsClientLike): LibraryConnector {
  assertClient(client);
  return new GatewayConnector({
    name: 'discord.js',
    readUserId: () => client.user?.id ?? null,
    send: (d, shardId) => sendOnShard(client, d, shardId),
    attach: (events) => {
      const onRaw = (packet: unknown): void => events.packet(packet);
      // Releases before 14.22 emit only the deprecated `ready`; for them the READY dispatch seen
      // through `raw` teaches the user id.
      const onReady = (): void => events.ready();
      client.on('raw', onRaw);
      client.on('clientReady', onReady);
      return () => {
        client.off('raw', onRaw);
        client.off('clientReady', onReady);
      };
    },
  });
}

function sendOnShard(
  client: DiscordJsClientLike,
  d: VoiceStateUpdatePayload,
  shardId: number | undefined,
): void {
  const id = shardId ?? guildShardId(client, d.guild_id);
  const shard = client.ws.shards.get(id);
  if (shard === undefined) {
    throw connectorError(
      `discord.js: shard ${id} (owner of guild ${d.guild_id}) is not run by this process. ` +
        'Send voice updates from the process that runs that shard.',
    );
  }
  shard.send({ op: 4, d });
}

function guildShardId(client: DiscordJsClientLike, guildId: string): number {
  const guild = client.guilds.cache.get(guildId);
  if (guild === undefined) {
    throw connectorError(
      `discord.js: guild ${guildId} is not in the client's guild cache. Check that the bot is in ` +
        'that guild, that the client has the Guilds intent and is ready, or pass the shard id.',
    );
  }
  // discord.js always sets shardId on cached guilds; the formula only guards a partial structure.
  return Number.isInteger(guild.shardId)
    ? guild.shardId
    : shardIdForGuild(guildId, client.options.shardCount ?? 1);
}

function assertClient(client: DiscordJsClientLike): void {
  const candidate = client as Partial<DiscordJsClientLike> | null;
  if (typeof candidate !== 'object' || candidate === null || typeof candidate.on !== 'function') {
    throw invalidOption('type', 'client', 'a discord.js Client', client);
  }
  if (typeof candidate.ws?.shards?.get !== 'function') {
    // discord.js v15 replaces `client.ws` with an @discordjs/ws manager and drops the `raw` event.
    throw invalidOption(
      'type',
      'client',
      'a discord.js v14 Client (client.ws.shards is missing; for other versions use connectors.custom())',
      client,
    );
  }
}
