// @ts-nocheck
// Audit: reading a bundle before import and archiving it for years (V1-V4).
//   verify:  the zip's safety limits, the bag's manifests, every record against
//            its schema, references, the signature (verify.ts; retention
//            archives in verify-retention.ts);
//   inspect: the header, counts, exclusions and the people in it (inspect.ts);
//   convert: the same records as CSV files or one XML document (convert.ts);
//   the HTML report of inspect, with the import dry run (html-report*.ts);
//   trace:   where one contact went and where it came from (trace.ts).
export { verifyBundle, type VerifyResult } from './verify.js';
export { verifyFile } from './verify-file.js';
export { inspectBundle, type InspectReport, type PersonLine } from './inspect.js';
export { inspectForAudit, inspectFile, type InspectRequest, type DryRunTarget } from './inspect-report.js';
export { inspectArchive, type ArchiveReport } from './inspect-archive.js';
export { convertBundle, type ConvertFormat } from './convert.js';
export { transferLog, type LogEntry } from './log.js';
export { writeInspectHtml, dryRunFromAccept } from './html-report.js';
export { traceContact, parseTraceId, type TraceRequest, type TraceReport, type TracedExport, type TracedFinalize, type TracedImport } from './trace.js';
