// @ts-nocheck
// The import floor of `npm run bench`: the bundle's NDJSON rows inserted into
// an empty SQLite file as plainly as possible (one transaction, one prepared
// statement per record type, schema properties as TEXT columns, nested values
// as JSON text). A minimal script on purpose: it loads nothing of officeport.
// Usage: node dist/bench/floor-import.js DB BAG-FOLDER
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

async function insertAll(dbFile: string, recordsDir: string): Promise<number> {
  const db = new Database(dbFile);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  let n = 0;
  try {
    db.exec('BEGIN');
    for (const f of fs.readdirSync(recordsDir).sort()) {
      const table = f.replace(/\.ndjson$/, '');
      const schema = JSON.parse(fs.readFileSync(path.join(ROOT, 'schemas', `${table}.schema.json`), 'utf8')) as { properties: Record<string, unknown> };
      const cols = Object.keys(schema.properties);
      db.exec(`CREATE TABLE "${table}" (${cols.map((c) => `"${c}" TEXT`).join(', ')})`);
      const insert = db.prepare(`INSERT INTO "${table}" VALUES (${cols.map(() => '?').join(', ')})`);
      const lines = readline.createInterface({ input: fs.createReadStream(path.join(recordsDir, f)), crlfDelay: Infinity });
      for await (const line of lines) {
        const rec = JSON.parse(line) as Record<string, unknown>;
        insert.run(
          cols.map((c) => {
            const v = rec[c];
            return v === undefined ? null : typeof v === 'string' ? v : JSON.stringify(v);
          }),
        );
        n++;
      }
    }
    db.exec('COMMIT');
  } finally {
    db.close();
  }
  return n;
}

const [dbFile, bagDir] = process.argv.slice(2);
if (!dbFile || !bagDir) {
  process.stderr.write('usage: floor-import.js DB BAG-FOLDER\n');
  process.exit(2);
}
insertAll(dbFile, path.join(bagDir, 'data', 'records')).then(
  (n) => process.stdout.write(`${JSON.stringify({ records: n })}\n`),
  (e: unknown) => {
    process.stderr.write(`floor-import failed: ${String(e)}\n`);
    process.exit(1);
  },
);
