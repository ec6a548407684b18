import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { shardIdForGuild } from '../../../src/connectors/connector.js';
import { GUILD_ON_SHARD_0, GUILD_ON_SHARD_1 } from './gateway-fixtures.js';

describe('shardIdForGuild', () => {
  it('applies (guild_id >> 22) % shard_count', () => {
    expect(shardIdForGuild(GUILD_ON_SHARD_0, 2)).toBe(0);
    expect(shardIdForGuild(GUILD_ON_SHARD_1, 2)).toBe(1);
    expect(shardIdForGuild('81384788765712384', 4)).toBe(2);
    expect(shardIdForGuild('81384788765712384', 1)).toBe(0);
  });

  it('keeps precision above 2^53', () => {
    // 2^63 - 1 >> 22 = 2199023255551, and 2199023255551 % 1000 = 551.
    expect(shardIdForGuild('9223372036854775807', 1000)).toBe(551);
  });

  it.each([
    ['guildId', 'abc', 2, TypeError],
    ['guildId', '', 2, TypeError],
    ['shardCount', GUILD_ON_SHARD_0, 0, RangeError],
    ['shardCount', GUILD_ON_SHARD_0, 1.5, RangeError],
  ])('rejects an invalid %s', (_name, guildId, shardCount, type) => {
    expect(() => shardIdForGuild(guildId, shardCount)).toThrow(type);
  });
});

describe('connector modules', () => {
  it('never import a Discord library, so a bot needs only its own', async () => {
    for (const file of ['connector', 'custom', 'discord-js', 'eris', 'oceanic', 'index']) {
      const source = await readFile(new URL(`../../../src/connectors/${file}.ts`, import.meta.url), 'utf8');
      expect(source, file).not.toMatch(/from '(discord\.js|eris|oceanic\.js|@discordjs\/[^']*)'/);
    }
  });
});
