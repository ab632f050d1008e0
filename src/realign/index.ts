// Realign: moving an office's locally created carriers, products, riders and
// service providers onto its resource office's catalogue (R1-R8, S5).
//   one pair:   realignContext -> prepareMigration (plan, read only) -> the
//               caller confirms -> applyMigration (one transaction, journaled);
//   a plan file: pairingsFor -> writePlanFile; readPlanFile -> prepareApply ->
//               applyPlanned;
//   the journal: realignLog, undoRealign; preparePurge -> applyPurge;
//   the catalogue: searchCatalogue, renameRecord, carriersProductsReport.
export {
  realignContext,
  realignOffices,
  prepareMigration,
  applyMigration,
  preparePurge,
  applyPurge,
  realignLog,
  undoRealign,
  type RealignContext,
} from './migrate.js';
export { pairingsFor, writePlanFile, readPlanFile, prepareApply, applyPlanned } from './plan-file.js';
export { searchCatalogue, renameRecord, carriersProductsReport, type CarriersProductsReport } from './catalogue-admin.js';
