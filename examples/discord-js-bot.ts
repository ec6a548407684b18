/**
 * A minimal discord.js music bot on lavafleet: `!play <query>`, `!skip`, `!stop`.
 * Run: DISCORD_TOKEN=... LAVALINK_URI=http://localhost:2333 LAVALINK_PASSWORD=youshallnotpass npx tsx examples/discord-js-bot.ts
 * (or point LAVALINK_URI at `npx lavafleet emulator`).
 */
import { Client, GatewayIntentBits } from 'discord.js';
import { Pool, connectors } from 'lavafleet';

const client = new Client({
  intents: [
    GatewayIntentBits.Guilds,
    GatewayIntentBits.GuildVoiceStates,
    GatewayIntentBits.GuildMessages,
    GatewayIntentBits.MessageContent,
  ],
});

const pool = new Pool({
  nodes: [
    {
      identifier: 'main',
      uri: process.env.LAVALINK_URI ?? 'http://localhost:2333',
      password: process.env.LAVALINK_PASSWORD ?? 'youshallnotpass',
    },
  ],
  connector: connectors.discordJs(client),
});

pool.on('trackStart', ({ player, track }) =>
  console.log(`[${player.guildId}] now playing: ${track.info.title}`),
);
pool.on('queueEnd', ({ player }) => console.log(`[${player.guildId}] queue finished`));
pool.on('playerMoved', ({ player, from, to, reason }) =>
  console.log(`[${player.guildId}] moved ${from.identifier} → ${to.identifier} (${reason})`),
);
pool.on('error', (error) => console.warn(`lavafleet ${error.code}: ${error.message}`));

client.once('clientReady', () => {
  pool.connect().then(
    () => console.log('lavafleet connected'),
    (error: unknown) => console.error('no Lavalink node could be reached', error),
  );
});

client.on('messageCreate', (message) => {
  if (!message.guildId || message.author.bot) return;
  const [command, ...rest] = message.content.split(' ');
  const channelId = message.member?.voice.channelId;
  const run = async (): Promise<void> => {
    if (command === '!play' && channelId) {
      const query = rest.join(' ');
      const player = pool.getPlayer(message.guildId!);
      if (!player) {
        await pool.join({ guildId: message.guildId!, channelId, play: query });
        return;
      }
      const result = await pool.load(query);
      const track =
        result.loadType === 'track' ? result.data : result.loadType === 'search' ? result.data[0] : undefined;
      if (!track) await message.reply('Nothing found.');
      else if (player.track) player.queue.add(track);
      else await player.play(track);
    } else if (command === '!skip') {
      await pool.getPlayer(message.guildId!)?.skip();
    } else if (command === '!stop') {
      await pool.getPlayer(message.guildId!)?.destroy();
    }
  };
  run().catch((error: unknown) => console.warn('command failed', error));
});

process.once('SIGINT', () => {
  // Saves every player so a restart picks the music up where it was.
  void pool.close().then(() => client.destroy());
});

await client.login(process.env.DISCORD_TOKEN);
