#!/usr/bin/env node
// @ts-nocheck
// A throwaway PostgreSQL server for the tests and the bench (G3, G5): initdb
// into a temporary folder, start it on a free loopback port, stop and remove
// it at the end. Uses the server programs of Debian's `postgresql` package
// (found on PATH or under /usr/lib/postgresql/*/bin). As root, the server runs
// as the `postgres` user, since PostgreSQL refuses to run as root.
//   node scripts/pg-cluster.mjs            start one, print its address, stop on Ctrl-C
// From code: `const c = await startCluster(); ... c.stop()`.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The folder holding initdb and pg_ctl, or undefined when PostgreSQL's server is not installed. */
export function serverBin() {
  const onPath = spawnSync('sh', ['-c', 'command -v initdb'], { encoding: 'utf8' }).stdout.trim();
  const candidates = [];
  if (onPath) candidates.push(path.dirname(fs.realpathSync(onPath)));
  const root = '/usr/lib/postgresql';
  if (fs.existsSync(root)) {
    for (const v of fs.readdirSync(root).sort((a, b) => Number(b) - Number(a))) candidates.push(path.join(root, v, 'bin'));
  }
  return candidates.find((d) => fs.existsSync(path.join(d, 'initdb')) && fs.existsSync(path.join(d, 'pg_ctl')));
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** Starts a throwaway server; resolves to { url, dir, stop }. The url names the `postgres` database as the `postgres` user. */
export async function startCluster() {
  const bin = serverBin();
  if (!bin) throw new Error('PostgreSQL server programs (initdb, pg_ctl) are not installed: apt-get install postgresql');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'officeport-pg-'));
  const data = path.join(dir, 'data');
  const asRoot = process.getuid?.() === 0;
  const run = (prog, args) => {
    const cmd = path.join(bin, prog);
    if (asRoot) execFileSync('runuser', ['-u', 'postgres', '--', cmd, ...args], { stdio: 'pipe' });
    else execFileSync(cmd, args, { stdio: 'pipe' });
  };
  if (asRoot) {
    fs.chmodSync(dir, 0o755);
    execFileSync('chown', ['postgres', dir]);
  }
  run('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C', '--no-sync']);
  const port = await freePort();
  const opts = [
    `-p ${port}`,
    `-k ${dir}`,
    `-c listen_addresses=127.0.0.1`,
    // a throwaway server: durability is not wanted, speed is
    `-c fsync=off -c synchronous_commit=off -c full_page_writes=off`,
    `-c max_connections=200`,
  ].join(' ');
  run('pg_ctl', ['-D', data, '-o', opts, '-l', path.join(dir, 'server.log'), '-w', 'start']);
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    try {
      run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
    } catch {
      // already gone
    }
    fs.rmSync(dir, { recursive: true, force: true });
  };
  return { url, dir, port, stop };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const c = await startCluster();
  console.log(c.url);
  const end = () => {
    c.stop();
    process.exit(0);
  };
  process.on('SIGINT', end);
  process.on('SIGTERM', end);
  setInterval(() => {}, 1 << 30);
}
