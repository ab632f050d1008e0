#!/usr/bin/env node
// @ts-nocheck
import { main } from '../dist/cli/main.js';

// A closed pipe (officeport ... | head) ends the output quietly, as other tools do.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e) => {
    if (e && e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
  });
}

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
