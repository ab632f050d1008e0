// @ts-nocheck
// Realign: moving an office's locally created carriers, products, riders and
// service providers onto its resource office's catalogue (R1-R8, S5).
// One function per command (commands.ts); the ones that change the catalogue
// show their plan and ask through an Ask callback before they apply it:
//   one pair (migrateRecord):     realignContext -> prepareMigration (plan,
//               read only) -> show, confirm -> applyMigration (one
//               transaction, journaled);
//   a plan file (planRealignment, applyPlanFile): pairingsFor -> writePlanFile;
//               readPlanFile -> prepareApply -> show, confirm -> applyPlanned;
//   the journal: realignLog; undoRealignment (undoRealign); purgeRealigned
//               (preparePurge -> show, confirm -> applyPurge);
//   the catalogue: searchCatalogue, renameRecord, carriersProductsReport.
export {
  migrateRecord,
  planRealignment,
  applyPlanFile,
  undoRealignment,
  purgeRealigned,
  type Ask,
  type MigrateResult,
  type PurgeResult,
  type ApplyFileResult,
} from './commands.js';
export { realignLog, type RealignContext, type PurgePlan } from './migrate.js';
export type { ApplyItem } from './plan-file.js';
export { searchCatalogue, renameRecord, carriersProductsReport, type CarriersProductsReport } from './catalogue-admin.js';
