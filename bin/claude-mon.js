#!/usr/bin/env node
import { main } from '../dist/cli.js';
import { nodeIo } from '../dist/io/cliIo.js';

process.exitCode = await main(process.argv, nodeIo());
