import type { Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { FaultState } from '../../../src/testing/faults.js';
import { OutboundChannel } from '../../../src/testing/outbound.js';

function channel() {
  const sent: string[] = [];
  const socket = {
    readyState: WebSocket.OPEN,
    send: (data: string) => void sent.push(data),
  } as unknown as WebSocket;
  const faults = new FaultState();
  return { sent, faults, channel: new OutboundChannel(socket, {} as Socket, faults) };
}

const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('OutboundChannel', () => {
  it('sends at once without latency', () => {
    const { sent, channel: out } = channel();
    out.send('a');
    expect(sent).toEqual(['a']);
  });

  it('delays by the latency and keeps order when the latency drops', async () => {
    const { sent, faults, channel: out } = channel();
    faults.wsLatencyMs = 20;
    out.send('slow');
    faults.wsLatencyMs = 0;
    out.send('fast');
    expect(sent).toEqual([]);
    await tick(30);
    expect(sent).toEqual(['slow', 'fast']);
  });

  it('holds frames while frozen and drops them when closed', async () => {
    const { sent, faults, channel: out } = channel();
    faults.freeze();
    out.send('held');
    await tick(5);
    expect(sent).toEqual([]);
    faults.unfreeze();
    expect(sent).toEqual(['held']);
    faults.freeze();
    out.send('lost');
    out.close();
    faults.unfreeze();
    expect(sent).toEqual(['held']);
  });
});

describe('FaultState', () => {
  it('takes scripted failures by route name or path prefix, in order', () => {
    const faults = new FaultState();
    faults.failNext(1, { route: 'player', status: 502 });
    faults.failNext(2, { route: '/v4/loadtracks' });
    expect(faults.takeFailure('info', '/v4/info')).toBeUndefined();
    expect(faults.takeFailure('player', '/v4/sessions/a/players/1')).toEqual({
      status: 502,
      message: 'Emulated failure',
    });
    expect(faults.takeFailure('player', '/v4/sessions/a/players/1')).toBeUndefined();
    expect(faults.takeFailure('loadTracks', '/v4/loadtracks')?.status).toBe(500);
    expect(faults.takeFailure('loadTracks', '/v4/loadtracks')?.status).toBe(500);
    expect(faults.takeFailure('loadTracks', '/v4/loadtracks')).toBeUndefined();
  });

  it('counts handshake rejections down', () => {
    const faults = new FaultState();
    faults.rejectHandshakes(503, 2);
    faults.rejectHandshakes(429, 1);
    expect([1, 2, 3, 4].map(() => faults.takeHandshakeRejection())).toEqual([503, 503, 429, undefined]);
  });
});
