// @ts-nocheck
// M1, M3: what finalize removes from the source office, what of it goes to the
// retention archive, and which references of staying records are cut, as plain
// data. The plan is a list of set-based steps over whole tables (so a store can
// run them in SQL without holding rows in memory); the dry run and the real run
// share it. Also the receipt's shape and how it must answer the export ledger.

export const OUTCOMES = ['created', 'merged', 'linked', 'pending', 'dropped'] as const;
export type Outcome = (typeof OUTCOMES)[number];
/** Outcomes that say a record arrived in the target (M1); pending and dropped do not (M3). */
export const CONFIRMING: ReadonlySet<string> = new Set<Outcome>(['created', 'merged', 'linked']);

/** Bundle ref prefixes of client records finalize may remove, with their tables. */
export const MOVABLE_PREFIXES = {
  contact: 'contacts',
  policy: 'policies',
  case: 'pending_cases',
  account: 'investment_accounts',
  position: 'positions',
  key_relation: 'key_relations',
  census: 'employee_census',
  letter: 'letters',
  activity: 'activities',
  note: 'smartpad',
} as const;
export type MovablePrefix = keyof typeof MOVABLE_PREFIXES;
/** Office catalogue: resolved or recreated by import, never removed by finalize. */
export const CATALOGUE_PREFIXES = ['carrier', 'product', 'rider', 'service_provider'] as const;

export interface ReceiptOutcome {
  ref: string;
  target_id?: string;
  outcome: Outcome;
  reason?: string;
}

export interface FinalizeReceipt {
  receipt_version: 1;
  accept_id: string;
  bundle_id: string;
  tagmanifest_sha256: string;
  session_id: string;
  source: { installation_id: string; office_id: string; office_name?: string };
  target: { installation_id?: string; office_id?: string; user_id?: string };
  accepted_at?: string;
  /** the key the target says signed the receipt (a bundle sent to an address card); checked against the card, never trusted */
  signed_with?: { alg: string; key_fingerprint: string };
  outcomes: ReceiptOutcome[];
}

export interface ShapeProblem {
  pointer: string;
  message: string;
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const REF = /^([a-z_]+)\/(.+)$/;

/** Check a parsed receipt's shape; problems carry JSON pointers into the receipt. */
export function checkReceiptShape(v: unknown): ShapeProblem[] {
  const p: ShapeProblem[] = [];
  if (!isObj(v)) return [{ pointer: '', message: 'expected a JSON object (a receipt written by officeport import)' }];
  if (v.receipt_version !== 1) p.push({ pointer: '/receipt_version', message: `expected 1, got ${JSON.stringify(v.receipt_version)}` });
  for (const k of ['accept_id', 'bundle_id', 'session_id'] as const) {
    if (typeof v[k] !== 'string' || v[k] === '') p.push({ pointer: `/${k}`, message: 'expected a non-empty string' });
  }
  if (typeof v.tagmanifest_sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(v.tagmanifest_sha256)) {
    p.push({ pointer: '/tagmanifest_sha256', message: 'expected 64 lower-case hex characters' });
  }
  if (!isObj(v.source)) p.push({ pointer: '/source', message: 'expected an object' });
  else {
    for (const k of ['installation_id', 'office_id'] as const) {
      if (typeof v.source[k] !== 'string') p.push({ pointer: `/source/${k}`, message: 'expected a string' });
    }
  }
  if (!Array.isArray(v.outcomes)) {
    p.push({ pointer: '/outcomes', message: 'expected an array' });
    return p;
  }
  v.outcomes.forEach((o, i) => {
    if (p.length < 50) p.push(...checkOutcomeShape(o, i));
  });
  return p;
}

/** The shape of one outcome of the receipt, at /outcomes/<index>. */
export function checkOutcomeShape(o: unknown, index: number): ShapeProblem[] {
  const at = `/outcomes/${index}`;
  if (!isObj(o)) return [{ pointer: at, message: 'expected an object' }];
  const p: ShapeProblem[] = [];
  if (typeof o.ref !== 'string' || !REF.test(o.ref)) {
    p.push({ pointer: `${at}/ref`, message: `expected a bundle ref like "contact/C-1001", got ${JSON.stringify(o.ref)}` });
  }
  if (!(OUTCOMES as readonly unknown[]).includes(o.outcome)) {
    p.push({ pointer: `${at}/outcome`, message: `expected one of ${OUTCOMES.join(', ')}, got ${JSON.stringify(o.outcome)}` });
  }
  return p;
}

/**
 * Reads a receipt's JSON text chunk by chunk and hands out each element of the
 * top-level "outcomes" array as it completes, so a receipt of a million refs
 * is never held whole; everything else (the head) is kept, with "outcomes": [].
 */
export class ReceiptScanner {
  private depth = 0;
  private inStr = false;
  private esc = false;
  private sink: 'head' | 'skip' | 'elem' = 'head';
  private head = '';
  private elem = '';
  private str = '';
  /** the last string closed (as read at depth 1; empty deeper): in JSON a '[' at depth 1 follows its key's string, so this is the key */
  private lastStr = '';
  private done = false;

  /** The outcomes completed in this chunk, parsed (JSON.parse errors propagate). */
  push(chunk: string): unknown[] {
    const out: unknown[] = [];
    let mark = 0;
    const flush = (end: number) => {
      if (this.sink === 'head') this.head += chunk.slice(mark, end);
      else if (this.sink === 'elem') this.elem += chunk.slice(mark, end);
      mark = end;
    };
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk[i]!;
      if (this.inStr) {
        if (this.esc) this.esc = false;
        else if (c === '\\') this.esc = true;
        else if (c === '"') {
          this.inStr = false;
          this.lastStr = this.str;
        }
        // only depth 1 strings can be the key: the millions inside "outcomes" are not copied
        if (this.depth === 1 && this.inStr) this.str += c;
        continue;
      }
      if (c === '"') {
        if (this.sink === 'skip') throw new SyntaxError('a string in "outcomes": expected an object per outcome');
        this.inStr = true;
        this.str = '';
        continue;
      }
      if (this.sink === 'skip') {
        if (c === '{' || c === '[') {
          mark = i;
          this.sink = 'elem';
          this.depth++;
        } else if (c === ']') {
          mark = i;
          this.sink = 'head';
          this.depth--;
        } else if (c !== ',' && !/\s/.test(c)) {
          throw new SyntaxError(`unexpected ${JSON.stringify(c)} in "outcomes": expected an object per outcome`);
        }
        continue;
      }
      // lastStr is empty after a string below depth 1, so only the top-level "outcomes" matches; until it is done, all is head
      if (c === '[' && this.lastStr === 'outcomes' && !this.done) {
        flush(i + 1);
        this.sink = 'skip';
        this.done = true;
        this.depth++;
        continue;
      }
      if (c === '{' || c === '[') this.depth++;
      else if (c === '}' || c === ']') {
        this.depth--;
        if (this.sink === 'elem' && this.depth === 2) {
          flush(i + 1);
          out.push(JSON.parse(this.elem));
          this.elem = '';
          this.sink = 'skip';
        }
      }
    }
    flush(chunk.length);
    return out;
  }

  /** Whether the top-level "outcomes" array was seen. */
  get sawOutcomes(): boolean {
    return this.done;
  }

  /** The receipt without its outcomes (JSON.parse errors propagate). */
  end(): unknown {
    if (this.sink !== 'head') throw new SyntaxError('the receipt ends inside "outcomes"');
    return JSON.parse(this.head);
  }
}

export interface ConfirmedRef {
  prefix: MovablePrefix;
  id: string;
}

/** M1/M3: the client record an outcome says arrived, if it does. Catalogue refs, pending and dropped are left out. */
export function confirmedRef(o: ReceiptOutcome): ConfirmedRef | undefined {
  if (!CONFIRMING.has(o.outcome)) return undefined;
  const m = o.ref.match(REF);
  // `policy/P-1#parties/0` is an entry of a record (I4), not a record; own keys only (`constructor/x` is no record)
  if (!m || !Object.hasOwn(MOVABLE_PREFIXES, m[1]!) || m[2]!.includes('#')) return undefined;
  return { prefix: m[1] as MovablePrefix, id: m[2]! };
}

export function* confirmedRefs(r: Pick<FinalizeReceipt, 'outcomes'>): Generator<ConfirmedRef> {
  for (const o of r.outcomes) {
    const c = confirmedRef(o);
    if (c) yield c;
  }
}

/** Tally of record refs per outcome (party entries aside), for the report: what stays and why. */
export function countOutcome(n: Record<Outcome, number>, o: ReceiptOutcome): void {
  if (!o.ref.includes('#')) n[o.outcome]++;
}

export interface LedgerEntry {
  bundle_id: string;
  session_id: string;
  office_id: string;
  tagmanifest_sha256: string;
  finalized_at: string | null;
  /** L4: the key the bundle's receipts are sealed with; null for bundles exported before receipts were sealed */
  receipt_key?: string | null;
}

export interface ReceiptContext {
  installationId: string;
  office: { id: string; name: string };
  /** the export ledger row of the receipt's bundle id, if this installation has one */
  ledger: LedgerEntry | undefined;
}

/** M1: every way the receipt fails to answer a bundle this office exported; empty when it does. */
export function receiptMismatches(r: Omit<FinalizeReceipt, 'outcomes'>, ctx: ReceiptContext): string[] {
  const out: string[] = [];
  if (r.source.installation_id !== ctx.installationId) {
    out.push(`the receipt answers a bundle of installation ${r.source.installation_id}, but this installation is ${ctx.installationId}`);
  }
  if (r.source.office_id !== ctx.office.id) {
    out.push(
      `the receipt answers a bundle of office ${r.source.office_name ?? r.source.office_id} (${r.source.office_id}), not ${ctx.office.name} (${ctx.office.id})`,
    );
  }
  const l = ctx.ledger;
  if (!l) {
    out.push(`this installation's export ledger has no bundle ${r.bundle_id}`);
    return out;
  }
  if (l.office_id !== ctx.office.id) {
    out.push(`bundle ${r.bundle_id} was exported by office ${l.office_id}, not ${ctx.office.name} (${ctx.office.id})`);
  }
  if (l.tagmanifest_sha256 !== r.tagmanifest_sha256) {
    out.push(`the receipt's tagmanifest hash ${r.tagmanifest_sha256} differs from the exported bundle's ${l.tagmanifest_sha256}`);
  }
  if (l.session_id !== r.session_id) {
    out.push(`the receipt names export session ${r.session_id}, the bundle was exported in session ${l.session_id}`);
  }
  return out;
}

// ---------------------------------------------------------------- the plan

/** How a travelled record proves it was in the bundle: its owner contact was exported in the bundle's session. */
export interface Owner {
  column: string;
  /** the owner is found through a parent row (positions: account -> primary contact) */
  via?: { table: string; column: string };
}

export type Step =
  /** rows whose id is a confirmed ref of `prefix`, of this office, owned by an exported contact: they travelled */
  | { op: 'travelled'; table: string; prefix: MovablePrefix; owner: Owner }
  /** rows naming a moved contact in any of `columns`: they belonged to it and did not travel */
  | { op: 'with_contact'; table: string; columns: readonly string[]; onlyIfNamedBy?: { table: string; column: string } }
  /** rows whose `column` names a removed row of `parent`; travelled only with a travelled parent when `withParent` */
  | { op: 'with_parent'; table: string; column: string; parent: string; withParent: boolean }
  /** staying rows naming a moved contact in `column`: the reference is set to NULL (M3) */
  | { op: 'detach'; table: string; column: string };

const exported = (column: string): Owner => ({ column });

/**
 * M1 and M3 as steps, in order: a row is claimed by the first step that selects
 * it (so a confirmed record counts as travelled even when a later step would
 * select it too), and a step may use the removals of earlier steps.
 */
export const FINALIZE_PLAN: readonly Step[] = [
  // What the receipt confirms arrived (M1).
  { op: 'travelled', table: 'contacts', prefix: 'contact', owner: exported('id') },
  { op: 'travelled', table: 'policies', prefix: 'policy', owner: exported('primary_contact_id') },
  { op: 'travelled', table: 'pending_cases', prefix: 'case', owner: exported('primary_contact_id') },
  { op: 'travelled', table: 'investment_accounts', prefix: 'account', owner: exported('primary_contact_id') },
  {
    op: 'travelled',
    table: 'positions',
    prefix: 'position',
    owner: { column: 'account_id', via: { table: 'investment_accounts', column: 'primary_contact_id' } },
  },
  { op: 'travelled', table: 'key_relations', prefix: 'key_relation', owner: exported('contact_id') },
  { op: 'travelled', table: 'employee_census', prefix: 'census', owner: exported('business_id') },
  { op: 'travelled', table: 'letters', prefix: 'letter', owner: exported('contact_id') },
  { op: 'travelled', table: 'activities', prefix: 'activity', owner: exported('contact_id') },
  { op: 'travelled', table: 'smartpad', prefix: 'note', owner: exported('contact_id') },
  // X10: its pending cases attached to commissions never travel; they leave with the contact.
  { op: 'with_contact', table: 'pending_cases', columns: ['primary_contact_id'], onlyIfNamedBy: { table: 'commissions', column: 'case_id' } },
  // Parts of removed records.
  { op: 'with_parent', table: 'positions', column: 'account_id', parent: 'investment_accounts', withParent: false },
  { op: 'with_parent', table: 'policy_riders', column: 'policy_id', parent: 'policies', withParent: true },
  { op: 'with_parent', table: 'policy_parties', column: 'policy_id', parent: 'policies', withParent: true },
  { op: 'with_parent', table: 'case_parties', column: 'case_id', parent: 'pending_cases', withParent: true },
  { op: 'with_parent', table: 'account_parties', column: 'account_id', parent: 'investment_accounts', withParent: true },
  { op: 'with_parent', table: 'commissions', column: 'policy_id', parent: 'policies', withParent: false },
  { op: 'with_parent', table: 'commissions', column: 'case_id', parent: 'pending_cases', withParent: false },
  // What belonged to a moved contact and did not travel (M1).
  { op: 'with_contact', table: 'leads', columns: ['contact_id'] },
  { op: 'with_contact', table: 'set_members', columns: ['contact_id'] },
  { op: 'with_contact', table: 'event_invitations', columns: ['contact_id'] },
  { op: 'with_contact', table: 'proposals', columns: ['contact_id'] },
  { op: 'with_contact', table: 'letters', columns: ['contact_id'] },
  { op: 'with_contact', table: 'activities', columns: ['contact_id'] },
  { op: 'with_contact', table: 'smartpad', columns: ['contact_id'] },
  { op: 'with_contact', table: 'key_relations', columns: ['contact_id', 'related_contact_id'] },
  { op: 'with_contact', table: 'employee_census', columns: ['business_id', 'employee_contact_id'] },
  { op: 'with_contact', table: 'carrier_contacts', columns: ['contact_id'] },
  { op: 'with_contact', table: 'policy_parties', columns: ['contact_id'] },
  { op: 'with_contact', table: 'case_parties', columns: ['contact_id'] },
  { op: 'with_contact', table: 'account_parties', columns: ['contact_id'] },
  // References from records that stay (M3): cut, recorded in the archive.
  { op: 'detach', table: 'contacts', column: 'primary_advisor_id' },
  { op: 'detach', table: 'contacts', column: 'referred_by_id' },
  { op: 'detach', table: 'policies', column: 'primary_contact_id' },
  { op: 'detach', table: 'pending_cases', column: 'primary_contact_id' },
  { op: 'detach', table: 'investment_accounts', column: 'primary_contact_id' },
  { op: 'detach', table: 'letters', column: 'recipient_contact_id' },
  { op: 'detach', table: 'commissions', column: 'payee_contact_id' },
  { op: 'detach', table: 'agent_contracts', column: 'advisor_id' },
  { op: 'detach', table: 'appointments', column: 'advisor_id' },
];

/** Tables the plan removes rows from, in plan order, each once. */
export function removalTables(plan: readonly Step[] = FINALIZE_PLAN): string[] {
  const out: string[] = [];
  for (const s of plan) if (s.op !== 'detach' && !out.includes(s.table)) out.push(s.table);
  return out;
}

/** Every table a step touches (removal or detach), each once. */
export function touchedTables(plan: readonly Step[] = FINALIZE_PLAN): string[] {
  const out: string[] = [];
  for (const s of plan) if (!out.includes(s.table)) out.push(s.table);
  return out;
}

// ---------------------------------------------------------------- the result

export interface FinalizeCounts {
  /** rows of records that travelled (and are now in the target), per table */
  travelled: Record<string, number>;
  /** rows that did not travel, removed with a moved contact or record, per table */
  not_travelled: Record<string, number>;
  /** references of staying records set to NULL, per "table.column" */
  detached: Record<string, number>;
  /** letter documents no remaining letter names */
  documents: number;
}

export function totalRemoved(c: FinalizeCounts): number {
  const sum = (r: Record<string, number>) => Object.values(r).reduce((a, b) => a + b, 0);
  return sum(c.travelled) + sum(c.not_travelled);
}

/** One line for the transfer log. */
export function summarize(c: FinalizeCounts, done = true): string {
  const moved = c.travelled.contacts ?? 0;
  const nt = Object.values(c.not_travelled).reduce((a, b) => a + b, 0);
  const det = Object.values(c.detached).reduce((a, b) => a + b, 0);
  const [remove, cut] = done ? ['removed', 'cut'] : ['would remove', 'would be cut'];
  return `${remove} ${moved} moved contact${moved === 1 ? '' : 's'}, ${totalRemoved(c)} rows in all (${nt} that did not travel, archived); ${det} reference${det === 1 ? '' : 's'} of staying records ${cut}`;
}
