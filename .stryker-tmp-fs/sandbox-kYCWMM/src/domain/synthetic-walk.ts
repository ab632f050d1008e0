// @ts-nocheck
// The state of the synthetic generator's walk through one office (D5), and the
// small helpers that the household and record generators share.
import type { CarrierPlan, OfficePlan } from './synthetic-catalogue.js';
import type { Rng } from './synthetic-random.js';

export interface Person {
  id: string;
  kind: 'individual' | 'business';
  first?: string;
  last: string;
  gender?: 'male' | 'female';
  advisorId?: string;
}

/** Mutable state of one office's walk; ids are per-table counters. */
export interface Walk {
  rng: Rng;
  office: OfficePlan;
  officeNo: number;
  counters: Map<string, number>;
  /** First contact number of the current household. */
  householdStart: number;
  next: number;
  advisors: Person[];
  seenSets: Set<string>;
  documents: number;
}

export function nextId(w: Walk, prefix: string): string {
  const n = (w.counters.get(prefix) ?? 0) + 1;
  w.counters.set(prefix, n);
  return `${prefix}-${n}`;
}

/** A contact of the same office created before the current household, if any. */
export function otherContact(w: Walk): string | undefined {
  const span = w.householdStart - w.office.firstContact;
  if (span <= 0) return undefined;
  return `C-${w.office.firstContact + Math.floor(w.rng.next() * span)}`;
}

export function pickCarrier(w: Walk, lob?: string): { carrier: CarrierPlan; product: string } {
  const fits = (c: CarrierPlan) => !lob || c.products.some((p) => p.lob === lob);
  const local = w.rng.chance(0.3);
  // About 3 in 10 from the office's own carriers; from the resource's when none of its own sells this line.
  const pool = w.office.carriers.filter((c) => c.local === local && fits(c));
  const any = w.office.carriers.filter(fits);
  const carrier = w.rng.pick(pool.length > 0 ? pool : any.length > 0 ? any : w.office.carriers);
  const fitting = carrier.products.filter((p) => !lob || p.lob === lob);
  return { carrier, product: w.rng.pick(fitting.length > 0 ? fitting : carrier.products).id };
}
