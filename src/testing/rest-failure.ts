/** A REST request that ends with a Lavalink error body. */

/** The `message` Spring gives a body it cannot read (malformed JSON, wrong field type, missing field). */
export const GENERIC_BAD_REQUEST = 'Failed to read request';

/** Thrown by route handlers; the router turns it into Lavalink's error body. */
export class RestFailure extends Error {
  override name = 'RestFailure';
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}
