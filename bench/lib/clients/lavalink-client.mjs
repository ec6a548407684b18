// lavalink-client 2 with `sendToShard` and `sendRawData` wired to the fake gateway.
import { LavalinkManager } from 'lavalink-client';
import { quietClose } from '../quiet-close.mjs';
import { CHANNEL_ID } from '../stats.mjs';

export class LavalinkClientClient {
  constructor(nodes, { discord, track }, { allNodes = false, manager = {}, node = {} } = {}) {
    this.discord = discord;
    this.manager = new LavalinkManager({
      nodes: nodes.map((n) => ({
        id: n.name,
        host: '127.0.0.1',
        port: n.port,
        authorization: n.password,
        ...node,
      })),
      sendToShard: (_guildId, payload) => discord.sendVoiceStateUpdate(payload.d),
      client: { id: discord.getUserId(), username: 'bench' },
      ...manager,
    });
    discord.onVoicePacket((packet) => void this.manager.sendRawData(packet).catch(() => {}));
    this.manager.nodeManager.on('error', () => {});
    // Usable = the socket is open with /v4/info fetched (lavalink-client does that on open) and the
    // ready op gave a session id.
    this.readyPromise = new Promise((resolve) => {
      const check = () => {
        const usable = [...this.manager.nodeManager.nodes.values()].filter((n) => n.info && n.sessionId);
        if (usable.length > 0 && (!allNodes || usable.length === nodes.length)) {
          this.manager.nodeManager.off('connect', check);
          this.manager.nodeManager.off('raw', check);
          resolve();
        }
      };
      this.manager.nodeManager.on('connect', check);
      this.manager.nodeManager.on('raw', check);
    });
    this.track = track ? this.manager.utils.buildTrack(track, { id: '1' }) : null;
  }
  async ready() {
    await this.manager.init({ id: this.discord.getUserId(), username: 'bench' });
    await this.readyPromise;
  }
  async createPlaying(guildId, { node } = {}) {
    const player = this.manager.createPlayer({
      guildId,
      voiceChannelId: CHANNEL_ID,
      selfDeaf: true,
      ...(node ? { node } : {}),
    });
    await player.connect();
    await player.play({ clientTrack: this.track });
  }
  setVolume(guildId, volume) {
    return this.manager.getPlayer(guildId).setVolume(volume);
  }
  onPlayerUpdate(listener) {
    this.manager.on('playerUpdate', listener);
  }
  hasPlayer(guildId) {
    return this.manager.getPlayer(guildId) !== undefined;
  }
  sessionIds() {
    return [...this.manager.nodeManager.nodes.values()].map((node) => node.sessionId);
  }
  async close() {
    for (const node of this.manager.nodeManager.nodes.values()) {
      node.resetAckTimeouts(true, true);
      node.resetReconnectionAttempts();
      quietClose(node.socket);
      node.socket = null;
    }
    this.manager.nodeManager.nodes.clear();
    this.discord.destroy();
  }
}
