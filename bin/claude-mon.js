#!/usr/bin/env node
import { main } from '../dist/cli.js';
import { nodeIo } from '../dist/io/cliIo.js';

// main() has written and flushed everything (it awaits each write); exit now rather than wait for handles that
// may linger, such as a stdin socket nobody reads.
process.exit(await main(process.argv, nodeIo()));
