// Opening an installation: the one place that chooses the store's adapter.
export { openInstallation, resolveDbPath, type Db } from './sqlite/db.js';
export { SCHEMA_VERSION } from './sqlite/schema.js';
