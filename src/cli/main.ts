/** Entry point of the `lavafleet` binary (`tsx src/cli/main.ts <command>` in development). */
import { processIo, runCli } from './cli.js';

process.exitCode = await runCli(process.argv.slice(2), processIo());
