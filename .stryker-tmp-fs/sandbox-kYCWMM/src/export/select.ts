// @ts-nocheck
// export, step 1 (X2-X10): which rows travel. The store keeps the chosen ids
// in scratch space of its own, so that the record files can be read with one
// ordered read each and nothing is held in memory. Rows whose fate a rule
// decides (letters, key relations, pending cases) are put to the rules of
// src/domain/export-rules.ts class by class: the store groups the candidates by
// the features a rule reads (ExportSelection.selectRest), the rule decides each
// class once.
import type { BundleHeader } from '../bundle/records.js';
import { notFoundMessage } from '../domain/names.js';
import { caseTravels, catalogueOrigin, letterTravels, relationTravels, tally, type Presence } from '../domain/export-rules.js';
import { ErrorCode, OfficeportError } from '../shared/errors.js';
import type { ContactSelection, ExportSelection, ExportStore, SelectionRules } from '../store/port.js';
import type { ExportScope } from './records.js';

export type Selection = ContactSelection;

/**
 * The export rules on the features the store groups candidates by: a row
 * showing just those features (ids 'c', 'r', 'a', 'b' stand for the contacts
 * the features tell apart).
 */
export const SELECTION_RULES: SelectionRules = {
  pendingCase: (k) => caseTravels(k.attached),
  letter: (k) => letterTravels({ kind: k.kind, contact_id: 'c', recipient_contact_id: !k.named ? null : k.toContact ? 'c' : 'r' }),
  relation: (k) => relationTravels({ contact_id: 'a', related_contact_id: k.named ? 'b' : null }, (id) => (id === 'a' ? k.a : k.b) as Presence),
};

/** X2: the set, the whole office or the named contacts; an unknown or empty selection is an error. Returns how many. */
export async function chooseContacts(selection: ExportSelection, officeId: string, s: Selection): Promise<number> {
  const choice = await selection.chooseContacts(officeId, s);
  if (!choice.found) {
    throw new OfficeportError(ErrorCode.NOT_FOUND, notFoundMessage('set', (s as { set: string }).set, 'in the source office', choice.names), {
      hint: `see the sets with: officeport list sets --office ${officeId}, or make one with officeport set create`,
    });
  }
  if (choice.set && choice.count === 0) {
    throw new OfficeportError(ErrorCode.REFUSED, `the set ${choice.set.name} has no contacts of this office; nothing to export`, {
      hint: `add contacts with: officeport set add ${JSON.stringify(choice.set.name)} --office ${officeId} --contact ID`,
    });
  }
  if (choice.missing.length > 0) {
    throw new OfficeportError(ErrorCode.NOT_FOUND, `no contact ${choice.missing.join(', ')} in the source office`, {
      hint: 'name contacts of the source office by id (officeport dump shows them in contacts.csv)',
    });
  }
  if (choice.count === 0) {
    throw new OfficeportError(ErrorCode.REFUSED, 'the source office has no contacts to export', { hint: 'choose another office' });
  }
  return choice.count;
}

/**
 * X3-X10: everything that travels with the chosen contacts; what the rules keep
 * out is counted in the header's exclusions. `store` answers the office tree.
 */
export async function selectRest(store: ExportStore, selection: ExportSelection, header: BundleHeader): Promise<ExportScope> {
  const officeId = header.source.office_id;
  const ex = header.exclusions;
  const outcome = await selection.selectRest(header.session_id, officeId, SELECTION_RULES);
  for (const r of outcome.refused) tally(ex, r.decision, r.count);
  const never = outcome.neverExported;
  const add = (what: string, k: number) => tally(ex, { go: false, rule: 'X10', what }, k);
  add('leads', never.leads);
  add('set_memberships', never.set_memberships);
  add('event_invitations', never.event_invitations);
  add('proposals', never.proposals);
  add('commissions', never.commissions);
  const ancestors = await ancestorsOf(store, officeId);
  checkCatalogueOwners(outcome.catalogue, officeId, ancestors);
  return { officeId, ancestors };
}

async function ancestorsOf(store: ExportStore, officeId: string): Promise<string[]> {
  const out: string[] = [];
  let cur = await store.parentOf(officeId);
  while (cur && !out.includes(cur) && cur !== officeId) {
    out.push(cur);
    cur = await store.parentOf(cur);
  }
  return out;
}

/** X9: a catalogue record of any other office is not this office's to give away. */
function checkCatalogueOwners(catalogue: { table: string; id: string; office_id: string }[], officeId: string, ancestors: string[]): void {
  for (const table of ['carriers', 'products', 'riders', 'service_providers']) {
    const bad = catalogue.filter((r) => r.table === table && catalogueOrigin(r.office_id, officeId, ancestors) === undefined);
    if (bad.length > 0) {
      throw new OfficeportError(
        ErrorCode.REFUSED,
        `${table} ${bad.map((r) => `${r.id} (office ${r.office_id})`).join(', ')} belong to neither the source office nor its parent office`,
        { hint: `point the exported policies and cases at ${table} of the source office or its parent office, then export again` },
      );
    }
  }
}
