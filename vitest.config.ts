import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 15_000,
    hookTimeout: 15_000,
    // Child processes, not worker threads: a worker that held TCP-reset sockets (emulator kill tests)
    // sometimes never terminates under tinypool, although lavafleet itself is idle after close().
    pool: 'forks',
    reporters: ['default'],
  },
});
