/**
 * The password never appears in an error, even when a proxy in front of Lavalink echoes the request
 * headers in its body (bodies are quoted in error messages).
 */
import { inspect } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { NodeRest } from '../../src/node/node-rest.js';
import { json, startServer, type RawServer } from './node-rest.server.js';

const PASSWORD = 'hunter2-very-secret';
let server: RawServer | undefined;
let rest: NodeRest | undefined;

afterEach(async () => {
  rest?.close();
  rest = undefined;
  await server?.close();
  server = undefined;
});

async function failureOf(call: (rest: NodeRest) => Promise<unknown>): Promise<unknown> {
  rest = new NodeRest({ baseUrl: server!.url, password: PASSWORD, sessionId: () => 'session' });
  return call(rest).then(
    () => expect.fail('the call should have failed'),
    (error: unknown) => error,
  );
}

function expectRedacted(error: unknown): void {
  const everything = inspect(error, { depth: 10, showHidden: true });
  expect(everything).not.toContain(PASSWORD);
  expect(everything).toContain('[redacted]');
}

describe('NodeRest keeps the password out of errors', () => {
  it('in a proxy error page that echoes the headers', async () => {
    server = await startServer((req, res) => {
      res.writeHead(502, { 'Content-Type': 'text/html' });
      res.end(`<html>bad gateway; you sent Authorization: ${req.headers.authorization}</html>`);
    });
    expectRedacted(await failureOf((r) => r.version({ retries: 0 })));
  });

  it("in a JSON error body's message", async () => {
    server = await startServer((req, res) =>
      json(res, 400, {
        status: 400,
        error: 'Bad Request',
        message: `bad ${req.headers.authorization}`,
        path: '/',
      }),
    );
    expectRedacted(await failureOf((r) => r.info()));
  });

  it('in a 2xx body that is not what the route promises', async () => {
    server = await startServer((req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      res.end(`echo ${req.headers.authorization}`);
    });
    expectRedacted(await failureOf((r) => r.info()));
  });
});
