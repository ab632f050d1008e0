// @ts-nocheck
// Top self-time functions of a V8 .cpuprofile (from `node --cpu-prof`), to see
// what a slow benchmark step spends its time on before optimising it.
// Usage: node dist/bench/profile-top.js FILE.cpuprofile [N]
import fs from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export function topSelfTime(p: Profile, n: number): { name: string; ms: number; share: number }[] {
  const byId = new Map(p.nodes.map((x) => [x.id, x]));
  const self = new Map<string, number>();
  let total = 0;
  p.samples.forEach((id, i) => {
    const f = byId.get(id)!.callFrame;
    const where = f.url ? `${f.url.replace(/^.*\/(node_modules\/|dist\/)/, '$1')}:${f.lineNumber + 1}` : '';
    const key = `${f.functionName || '(anonymous)'} ${where}`.trim();
    const dt = p.timeDeltas[i] ?? 0;
    self.set(key, (self.get(key) ?? 0) + dt);
    total += dt;
  });
  return [...self]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([name, us]) => ({ name, ms: us / 1000, share: us / total }));
}

const [file, count] = process.argv.slice(2);
if (file) {
  const p = JSON.parse(fs.readFileSync(file, 'utf8')) as Profile;
  for (const r of topSelfTime(p, Number(count ?? 25))) {
    process.stdout.write(`${r.ms.toFixed(0).padStart(8)} ms ${(r.share * 100).toFixed(1).padStart(5)}%  ${r.name}\n`);
  }
}
