/** The command line's entry point, bundled into dist/bundle/claude-mon.cjs: run main() on this process and exit. */
import { main } from './cli.js';
import { nodeIo } from './io/cliIo.js';
import { exitWhenDone } from './io/exit.js';

void main(process.argv, nodeIo()).then(exitWhenDone);
