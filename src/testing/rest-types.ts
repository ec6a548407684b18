/** Shapes shared by the emulator's REST router and its route handlers. */
import type { EmulatorNode } from './node.js';
import type { ResolvedEmulatorOptions } from './options.js';

/** One REST request as a handler sees it. */
export interface RestRequest {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  /** Decoded path parameters, in order (`{sid}`, `{guildId}`). */
  readonly params: readonly string[];
  /** The JSON body; throws a 400 RestFailure when it is missing or not JSON. */
  body(): Promise<unknown>;
}

/** What handlers may use. */
export interface RestEnv {
  readonly node: EmulatorNode;
  readonly options: ResolvedEmulatorOptions;
}

/** A successful answer: JSON, plain text, or no body (204). */
export type RestReply =
  { status: number; json: unknown } | { status: number; text: string } | { status: 204 };

export type RestHandler = (request: RestRequest, env: RestEnv) => RestReply | Promise<RestReply>;
