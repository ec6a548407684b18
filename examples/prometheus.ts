/**
 * A pool's Prometheus metrics, served at http://localhost:9464/metrics with node:http.
 * Run: npx tsx examples/prometheus.ts   (then: curl localhost:9464/metrics)
 *
 * It runs against the built-in Lavalink emulator and a test connector so that it works without
 * Discord or Lavalink. In a bot, pass your own pool (with its Discord connector) the same way.
 */
import { createServer } from 'node:http';
import { Pool } from 'lavafleet';
import { registerPoolMetrics } from 'lavafleet/prometheus';
import { LavalinkEmulator, TestConnector } from 'lavafleet/testing';
import { Registry, collectDefaultMetrics } from 'prom-client';

const port = Number(process.env.PORT ?? 9464);

const emulator = new LavalinkEmulator({ password: 'youshallnotpass' });
await emulator.start();

const pool = new Pool({
  nodes: [{ identifier: 'main', uri: emulator.url, password: emulator.password }],
  connector: new TestConnector({ userId: '100000000000000001' }),
  store: false,
});
pool.on('error', (error) => console.warn(`lavafleet ${error.code}: ${error.message}`));

// One registry for the whole bot: process metrics beside lavafleet's.
const registry = new Registry();
collectDefaultMetrics({ register: registry });
const metrics = registerPoolMetrics(pool, { registry });

await pool.connect();
// A player, so that the gauges and REST counters have something to show.
await pool.join({ guildId: '200000000000000001', channelId: '300000000000000001', play: 'ytsearch:demo' });

const server = createServer((request, response) => {
  if (request.url !== '/metrics') {
    response.writeHead(404).end();
    return;
  }
  registry.metrics().then(
    (body) => response.writeHead(200, { 'Content-Type': registry.contentType }).end(body),
    (error: unknown) => response.writeHead(500).end(String(error)),
  );
});
server.listen(port, () => console.log(`metrics at http://localhost:${port}/metrics (Ctrl+C to stop)`));

process.once('SIGINT', () => {
  metrics.unregister();
  server.close();
  void pool.close().then(() => emulator.stop());
});
