// @ts-nocheck
// Progress of a long step, as a feature reports it (U6). The feature counts;
// the command line decides whether and how to show it (cli/output.ts), so no
// feature holds terminal code.

/**
 * How much of a step is done, of how much in all (the same unit: records,
 * rows or bytes); `total` is undefined when it is not known. Called with
 * growing `done`; a caller that passes none spends nothing on counting.
 */
export type OnProgress = (done: number, total: number | undefined) => void;
