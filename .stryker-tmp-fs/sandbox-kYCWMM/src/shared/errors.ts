// @ts-nocheck
// One list of error codes and one class for failures a user can act on.
// Anything else that is thrown is a bug: cli/ prints it with a hint to use --debug.

export const ErrorCode = {
  USAGE: 'USAGE',
  NOT_FOUND: 'NOT_FOUND',
  INVALID_INPUT: 'INVALID_INPUT',
  LOAD_FAILED: 'LOAD_FAILED',
  NOT_EMPTY: 'NOT_EMPTY',
  RIGHTS: 'RIGHTS',
  REFUSED: 'REFUSED',
  BUNDLE_INVALID: 'BUNDLE_INVALID',
  MISADDRESSED: 'MISADDRESSED',
  CONFLICT: 'CONFLICT',
  BUSY: 'BUSY',
  SCHEMA_TOO_NEW: 'SCHEMA_TOO_NEW',
  /** the file system or the installation file refused (permissions, full disk, damaged file): cli/main.ts names it */
  ENVIRONMENT: 'ENVIRONMENT',
  /** our bug: reported with a hint to run again with --debug */
  INTERNAL: 'INTERNAL',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export interface Problem {
  /** file name (inside a bundle or a CSV folder) */
  file?: string;
  line?: number;
  column?: number | string;
  /** JSON pointer inside a record */
  pointer?: string;
  message: string;
}

export function formatProblem(p: Problem): string {
  let where = p.file ?? '';
  if (p.line !== undefined) where += `:${p.line}`;
  if (p.column !== undefined) where += `:${p.column}`;
  if (p.pointer !== undefined && p.pointer !== '') where += ` ${p.pointer}`;
  return where ? `${where}: ${p.message}` : p.message;
}

export class OfficeportError extends Error {
  readonly code: ErrorCode;
  readonly hint?: string;
  readonly problems: Problem[];
  /** 1: refused or invalid; 2: usage */
  readonly exitCode: 1 | 2;

  constructor(code: ErrorCode, message: string, opts: { hint?: string; problems?: Problem[] } = {}) {
    super(message);
    this.name = 'OfficeportError';
    this.code = code;
    this.hint = opts.hint;
    this.problems = opts.problems ?? [];
    this.exitCode = code === ErrorCode.USAGE ? 2 : 1;
  }
}

/** An internal invariant broke: this is our bug, not the user's input. */
export class BugError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BugError';
  }
}

export function fail(code: ErrorCode, message: string, hint?: string): never {
  throw new OfficeportError(code, message, { hint });
}

/** The default of a switch over a closed union: a new member fails typecheck here until the switch handles it. */
export function unreachable(value: never, what: string): never {
  throw new BugError(`unhandled ${what}: ${String(value)}`);
}
