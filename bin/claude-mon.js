#!/usr/bin/env node
import { main } from '../dist/cli.js';
import { nodeIo } from '../dist/io/cliIo.js';
import { exitWhenDone } from '../dist/io/exit.js';

exitWhenDone(await main(process.argv, nodeIo()));
