// lavafleet as users get it: the built dist, a Pool with the TestConnector and no state store.
import { importLavafleet } from '../dist.mjs';
import { CHANNEL_ID } from '../stats.mjs';

const { Pool, Node } = await importLavafleet();

export class LavafleetClient {
  constructor(nodes, { discord, track }, { allNodes = false, pool = {} } = {}) {
    this.discord = discord;
    this.track = track;
    this.pool = new Pool({
      nodes: nodes.map((n) => ({ identifier: n.name, uri: n.url, password: n.password })),
      connector: discord,
      store: false,
      waitForAllNodes: allNodes,
      ...pool,
    });
    this.pool.on('error', () => {});
  }
  ready() {
    return this.pool.connect();
  }
  async createPlaying(guildId, { node } = {}) {
    await this.pool.join({ guildId, channelId: CHANNEL_ID, play: this.track, ...(node ? { node } : {}) });
  }
  setVolume(guildId, volume) {
    return this.pool.getPlayer(guildId).setVolume(volume);
  }
  onPlayerUpdate(listener) {
    this.pool.on('playerUpdate', listener);
  }
  hasPlayer(guildId) {
    return this.pool.getPlayer(guildId) !== undefined;
  }
  sessionIds() {
    return [...this.pool.nodes.values()].map((node) => node.sessionId);
  }
  async close() {
    await this.pool.close();
    this.discord.destroy();
  }
}

/** A bare Node: socket, parser and event, no pool and no players. */
export class LavafleetNodeClient {
  constructor(nodes, { discord }) {
    const n = nodes[0];
    this.node = new Node({
      identifier: n.name,
      uri: n.url,
      password: n.password,
      userId: discord.getUserId(),
    });
    this.node.on('error', () => {});
  }
  ready() {
    return this.node.connect();
  }
  onPlayerUpdate(listener) {
    this.node.on('playerUpdate', listener);
  }
  close() {
    return this.node.close();
  }
}
