#!/usr/bin/env node
// The executable: the bundled command line, started with V8's code cache (src/launch.ts).
require('../dist/bundle/launch.cjs');
