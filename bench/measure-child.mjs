/** Runs one claude-mon command in this process and reports its peak RSS (KiB) on fd 3 when it ends. */
import { writeSync } from 'node:fs';
import { main } from '../dist/cli.js';
import { nodeIo } from '../dist/io/cliIo.js';

const code = await main(['node', 'claude-mon', ...process.argv.slice(2)], nodeIo());
writeSync(3, JSON.stringify({ code, maxRssKiB: process.resourceUsage().maxRSS }));
process.exitCode = code;
