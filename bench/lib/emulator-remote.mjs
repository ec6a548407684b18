// The client side of emulator-host.mjs: forks the host and turns commands into promises.
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const HOST = fileURLToPath(new URL('./emulator-host.mjs', import.meta.url));

export class RemoteEmulators {
  #child;
  #next = 0;
  #pending = new Map();

  static async start() {
    const remote = new RemoteEmulators();
    await remote.#ready;
    return remote;
  }

  constructor() {
    this.#child = fork(HOST, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], env: process.env });
    this.#ready = new Promise((resolve, reject) => {
      this.#child.once('error', reject);
      this.#child.once('exit', (code) => reject(new Error(`emulator host exited with ${code}`)));
      const onReady = (message) => {
        if (message?.ready) {
          this.#child.off('message', onReady);
          resolve();
        }
      };
      this.#child.on('message', onReady);
    });
    this.#child.on('message', ({ id, result, error }) => {
      const pending = this.#pending.get(id);
      if (!pending) return;
      this.#pending.delete(id);
      if (error) pending.reject(new Error(`emulator host: ${error}`));
      else pending.resolve(result);
    });
  }

  #ready;

  call(cmd, args) {
    const id = this.#next++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.#child.send({ id, cmd, args });
    });
  }

  /** Starts an emulator named `name`; resolves with `{ port, url, password }`. */
  start(name, options) {
    return this.call('start', { name, options });
  }

  close() {
    this.#child.removeAllListeners('exit');
    this.#child.kill();
  }
}
