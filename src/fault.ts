// Fault points for tests that prove a command leaves nothing between before and
// after (S3, L5, L6, L11). A test sets OFFICEPORT_FAULT to `kill:NAME` (the
// process SIGKILLs itself at that point, as a power cut would) or `throw:NAME`
// (an error is thrown there, as a failing write would). Several may be given,
// separated by commas. Unset, as for every user, a fault point does nothing.

/** An error thrown at a `throw:` fault point. */
export class InjectedFault extends Error {
  constructor(readonly point: string) {
    super(`injected fault at ${point}`);
    this.name = 'InjectedFault';
  }
}

const wanted = parse(process.env.OFFICEPORT_FAULT);

function parse(spec: string | undefined): Map<string, 'kill' | 'throw'> {
  const m = new Map<string, 'kill' | 'throw'>();
  for (const part of (spec ?? '').split(',')) {
    const [how, name] = part.trim().split(':', 2);
    if ((how === 'kill' || how === 'throw') && name) m.set(name, how);
  }
  return m;
}

/** Marks a named moment of a command; only a test's OFFICEPORT_FAULT makes it act. */
export function faultPoint(name: string): void {
  if (wanted.size === 0) return;
  const how = wanted.get(name);
  if (how === 'kill') process.kill(process.pid, 'SIGKILL');
  if (how === 'throw') throw new InjectedFault(name);
}
