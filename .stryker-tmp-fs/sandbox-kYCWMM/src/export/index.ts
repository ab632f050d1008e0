// @ts-nocheck
// Export: what a user does to send contacts to another office (X1-X12, B1-B8).
// The steps, in order (export.ts exportBundle):
//   1. check the output path, the offices, the user's rights and the addressee;
//   2. select the set's contacts and every record the export rules let travel
//      (select.ts: the store groups candidates by class, domain/export-rules
//      decides each class; ExportStore in store/port.ts);
//   3. stream the records as NDJSON, on a worker thread for large exports
//      (records.ts, parallel.ts, worker.ts: the worker opens its own reader of
//      the selection through store/open.ts), noting each ref the bundle holds
//      (held-refs.ts);
//   4. write the BagIt zip under a private name, record it in the ledger, and
//      only then publish it at --out.
export { exportBundle, creationTime, type ExportOptions, type ExportResult, type Selection } from './export.js';
