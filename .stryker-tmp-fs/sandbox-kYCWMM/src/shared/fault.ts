// @ts-nocheck
// Fault points for tests that prove a command leaves nothing between before and
// after (S3, L5, L6, L11). A test sets OFFICEPORT_FAULT to `kill:NAME` (the
// process SIGKILLs itself at that point, as a power cut would) or `throw:NAME`
// (an error is thrown there, as a failing write would). `throw:NAME:CODE` throws
// one carrying that error code (ENOSPC, EACCES, SQLITE_FULL, ...), as the file
// system or SQLite would (L10). Several may be given, separated by commas.
// Unset, as for every user, a fault point does nothing.

/** An error thrown at a `throw:` fault point. */
export class InjectedFault extends Error {
  /** the errno or SQLite code asked for, if any */
  readonly code?: string;
  constructor(
    readonly point: string,
    code?: string,
  ) {
    super(`injected fault at ${point}${code ? ` (${code})` : ''}`);
    this.name = 'InjectedFault';
    if (code) this.code = code;
  }
}

const codes = new Map<string, string>();
const wanted = parse(process.env.OFFICEPORT_FAULT);

function parse(spec: string | undefined): Map<string, 'kill' | 'throw'> {
  const m = new Map<string, 'kill' | 'throw'>();
  for (const part of (spec ?? '').split(',')) {
    const [how, name, code] = part.trim().split(':', 3);
    if ((how === 'kill' || how === 'throw') && name) m.set(name, how);
    if (how === 'throw' && name && code) codes.set(name, code);
  }
  return m;
}

/** Marks a named moment of a command; only a test's OFFICEPORT_FAULT makes it act. */
export function faultPoint(name: string): void {
  if (wanted.size === 0) return;
  const how = wanted.get(name);
  if (how === 'kill') process.kill(process.pid, 'SIGKILL');
  if (how === 'throw') throw new InjectedFault(name, codes.get(name));
}
