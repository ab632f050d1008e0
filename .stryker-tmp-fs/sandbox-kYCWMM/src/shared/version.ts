// @ts-nocheck
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
// dist/src/shared/version.js sits three levels below the package root, src/shared/version.ts two.
function readVersion(): string {
  for (const p of ['../../../package.json', '../../package.json']) {
    try {
      const pkg = require(p) as { name?: string; version?: string };
      if (pkg.name === 'officeport' && pkg.version) return pkg.version;
    } catch {
      // try the next location
    }
  }
  return '0.0.0';
}
export const VERSION = readVersion();
