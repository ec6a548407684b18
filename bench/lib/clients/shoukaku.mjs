// Shoukaku 4 with a small custom connector (its documented extension point) in place of a Discord
// library: op-4 goes to the fake gateway, and its voice packets come back through Connector.raw().
import { Connector, Shoukaku } from 'shoukaku';
import { quietClose } from '../quiet-close.mjs';
import { CHANNEL_ID } from '../stats.mjs';

const CONNECTED = 1;
const DISCONNECTED = 3;

class FakeDiscordConnector extends Connector {
  sendPacket(_shardId, payload) {
    return this.client.sendVoiceStateUpdate(payload.d);
  }
  getId() {
    return this.client.getUserId();
  }
  listen(nodes) {
    this.client.onVoicePacket((packet) => this.raw(packet));
    // A Discord library calls ready() once logged in: here, once the constructor has returned.
    queueMicrotask(() => this.ready(nodes));
  }
}

export class ShoukakuClient {
  constructor(nodes, { discord, track }, { allNodes = false, shoukaku = {}, preferNode } = {}) {
    this.discord = discord;
    this.track = track;
    const options = { ...shoukaku };
    if (preferNode) {
      // New players go to `preferNode` while it is connected (Shoukaku's nodeResolver option).
      options.nodeResolver = (map) => {
        const connected = [...map.values()].filter((node) => node.state === CONNECTED);
        return connected.find((node) => node.name === preferNode) ?? connected[0];
      };
    }
    this.shoukaku = new Shoukaku(
      new FakeDiscordConnector(discord),
      nodes.map((n) => ({ name: n.name, url: `127.0.0.1:${n.port}`, auth: n.password })),
      options,
    );
    this.shoukaku.on('error', () => {});
    const ready = new Set();
    this.readyPromise = new Promise((resolve) => {
      this.shoukaku.on('ready', (name) => {
        ready.add(name);
        if (!allNodes || ready.size === nodes.length) resolve();
      });
    });
  }
  ready() {
    return this.readyPromise;
  }
  async createPlaying(guildId) {
    const player = await this.shoukaku.joinVoiceChannel({ guildId, channelId: CHANNEL_ID, shardId: 0 });
    await player.playTrack({ track: { encoded: this.track.encoded } });
  }
  setVolume(guildId, volume) {
    return this.shoukaku.players.get(guildId).setGlobalVolume(volume);
  }
  onPlayerUpdate(listener) {
    // Shoukaku has no manager-wide update event: one listener per player, as a bot would add.
    for (const player of this.shoukaku.players.values()) player.on('update', listener);
  }
  hasPlayer(guildId) {
    return this.shoukaku.players.has(guildId);
  }
  sessionIds() {
    return [...this.shoukaku.nodes.values()].map((node) => node.sessionId);
  }
  async close() {
    // removeNode() leaves the socket's close handler in place, which reconnects: tear down directly.
    for (const node of this.shoukaku.nodes.values()) {
      node.removeAllListeners();
      quietClose(node.ws);
      node.ws = null;
      node.state = DISCONNECTED;
    }
    this.shoukaku.nodes.clear();
    this.discord.destroy();
  }
}
