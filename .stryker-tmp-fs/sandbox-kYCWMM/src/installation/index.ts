// @ts-nocheck
// The installation itself: create it, fill it from and write it to the CSV
// layout, generate a synthetic one, list what it holds, manage rights and sets,
// and run the demo.
export { loadDir, dumpDir } from './office-data.js';
export { generateInstallation } from './generate.js';
export { list, LISTABLE, type Listable } from './list.js';
export { changeRights, showRights } from './rights.js';
export { createSet, addToSet, removeFromSet, deleteSet, showSet, type SetSummary } from './sets.js';
export { runDemo } from './demo.js';
