// @ts-nocheck
// The synthetic installation (D5) as one lazy stream of rows: offices and the
// catalogue first, then office by office, household by household, each contact
// with the records that belong to it. Pure and deterministic: the same options
// give the same rows in the same order; nothing is held beyond one household.
import { planSetup, type Emission, type SyntheticRow, type SynthOptions } from './synthetic-catalogue.js';
import { personRecords } from './synthetic-records.js';
import { nextId, otherContact, type Person, type Walk } from './synthetic-walk.js';
import {
  BUSINESS_WORDS,
  CA_CITIES,
  FIRST_FEMALE,
  FIRST_MALE,
  JOB_TITLES,
  LAST,
  Rng,
  STREETS,
  TODAY,
  US_CITIES,
  dayOf,
  isoDate,
  isoTime,
} from './synthetic-random.js';

export type { Emission, SyntheticRow, SynthOptions } from './synthetic-catalogue.js';
export type { Person, Walk } from './synthetic-walk.js';

const MOVE_BATCH = 400;

export function* syntheticRows(opts: SynthOptions): Generator<Emission> {
  const rng = new Rng(`officeport-synthetic:${opts.seed}`);
  const setup = planSetup(opts, rng);
  yield* setup.rows;
  const counters = new Map<string, number>();
  let documents = 0;
  for (const [k, office] of setup.offices.entries()) {
    const w: Walk = {
      rng,
      office,
      officeNo: k + 1,
      counters,
      householdStart: office.firstContact,
      next: office.firstContact,
      advisors: [],
      seenSets: new Set(),
      documents,
    };
    yield* officeRows(w);
    documents = w.documents;
  }
}

function* officeRows(w: Walk): Generator<Emission> {
  const o = w.office;
  if (o.contacts === 0) return;
  yield { table: 'sets', row: { id: `S-${w.officeNo}-E`, office_id: o.id, name: 'Empty Set', owner_user_id: o.exporterUserId } };
  for (let i = 0; i < o.advisors; i++) {
    const p = newPerson(w, 'individual', w.rng.pick(LAST));
    w.advisors.push(p);
    yield contactRow(w, p, {
      is_advisor: 'true',
      email: `${p.first}.${p.last}.${p.id.slice(2)}@agency${w.officeNo}.example`.toLowerCase().replace(/[^a-z0-9.@]/g, ''),
    });
    yield {
      table: 'sets',
      row: { id: `S-${w.officeNo}-A${i + 1}`, office_id: o.id, name: `Book of ${p.first} ${p.last} (${p.id})`, owner_user_id: o.exporterUserId },
    };
  }
  let household = 0;
  const end = o.firstContact + o.contacts;
  while (w.next < end) {
    w.householdStart = w.next;
    yield* householdRows(w, household++, end - w.next);
  }
}

function newPerson(w: Walk, kind: Person['kind'], last: string, gender?: Person['gender']): Person {
  const id = `C-${w.next++}`;
  if (kind === 'business') return { id, kind, last };
  const g = gender ?? (w.rng.chance(0.5) ? 'male' : 'female');
  return { id, kind, last, gender: g, first: w.rng.pick(g === 'male' ? FIRST_MALE : FIRST_FEMALE) };
}

function address(w: Walk): SyntheticRow {
  const ca = w.office.region === 'CA';
  const cities: readonly (readonly [string, string, string])[] = ca ? CA_CITIES : US_CITIES;
  const [city, state, zip] = w.rng.pick(cities);
  return {
    street: `${w.rng.int(1, 9999)} ${w.rng.pick(STREETS)}`,
    city,
    state,
    postal_code: ca ? `${zip} ${w.rng.int(1, 9)}${String.fromCharCode(65 + w.rng.int(0, 25))}${w.rng.int(1, 9)}` : `${zip}${w.rng.digits(2)}`,
    country: ca ? 'CA' : 'US',
  };
}

function taxId(w: Walk, kind: Person['kind']): string | undefined {
  if (w.rng.chance(0.1)) return undefined;
  if (kind === 'business') return `${w.rng.digits(2)}-${w.rng.digits(7)}`;
  if (w.office.region === 'CA') return `${w.rng.digits(3)}-${w.rng.digits(3)}-${w.rng.digits(3)}`;
  return `${w.rng.int(100, 899)}-${w.rng.digits(2)}-${w.rng.digits(4)}`;
}

function contactRow(w: Walk, p: Person, extra: SyntheticRow, birthYear?: [number, number], addr: SyntheticRow = address(w)): Emission {
  const created = TODAY - w.rng.int(30, 4000);
  const [y0, y1] = birthYear ?? [1945, 1990];
  // drawn for a business too, so that the draws after it stay where they were
  const initial = w.rng.chance(0.3) ? `${String.fromCharCode(65 + w.rng.int(0, 25))}.` : undefined;
  const row: SyntheticRow = {
    id: p.id,
    office_id: w.office.id,
    kind: p.kind,
    first_name: p.first,
    middle_name: p.kind === 'individual' ? initial : undefined,
    last_name: p.kind === 'individual' ? p.last : undefined,
    business_name: p.kind === 'business' ? p.last : undefined,
    birth_date: p.kind === 'individual' ? isoDate(dayOf(w.rng.int(y0, y1), w.rng.int(1, 12), w.rng.int(1, 28))) : undefined,
    tax_id: taxId(w, p.kind),
    gender: p.gender,
    phone: `${w.rng.int(200, 989)}-555-${w.rng.digits(4)}`,
    ...addr,
    is_advisor: 'false',
    primary_advisor_id: p.advisorId,
    created_at: isoTime(w.rng, created),
    updated_at: isoTime(w.rng, created + w.rng.int(0, 29)),
    ...extra,
  };
  if (!row.email && w.rng.chance(0.8)) {
    row.email = `${p.first ?? 'office'}.${p.last}.${p.id.slice(2)}@example.com`.toLowerCase().replace(/[^a-z0-9.@]/g, '');
  }
  return { table: 'contacts', row };
}

function* householdRows(w: Walk, index: number, remaining: number): Generator<Emission> {
  const { rng } = w;
  const business = remaining >= 2 && rng.chance(0.08);
  const want = business ? rng.int(1, 2) : [1, 2, 3, 4][rng.weighted([0.4, 0.4, 0.12, 0.08])]!;
  const size = Math.max(1, Math.min(want, remaining - (business ? 1 : 0)));
  const last = rng.pick(LAST);
  const advisor = rng.pick(w.advisors.length > 0 ? w.advisors : [undefined]);
  const addr = address(w);
  const people: Person[] = [];
  for (let i = 0; i < size; i++) {
    const gender = i === 1 && people[0]?.gender ? (people[0].gender === 'male' ? 'female' : 'male') : undefined;
    people.push({ ...newPerson(w, 'individual', last, gender), advisorId: advisor?.id });
  }
  const biz = business ? { ...newPerson(w, 'business', `${last} ${rng.pick(BUSINESS_WORDS)} LLC`), advisorId: advisor?.id } : undefined;
  for (const [i, p] of people.entries()) {
    const extra: SyntheticRow = {
      referred_by_id: rng.chance(0.1) ? otherContact(w) : undefined,
      custom: rng.chance(0.3) ? JSON.stringify({ hobby: rng.pick(['golf', 'sailing', 'gardening', 'chess']), vip: rng.chance(0.2) }) : undefined,
    };
    yield contactRow(w, p, extra, i < 2 ? [1940, 1995] : [1996, 2015], addr);
  }
  if (biz) yield contactRow(w, biz, { custom: rng.chance(0.5) ? JSON.stringify({ industry: 'small business', employees: rng.int(3, 60) }) : undefined });

  yield* memberships(w, index, [...people, ...(biz ? [biz] : [])], advisor);
  yield* familyRelations(w, people, biz);
  for (const p of people) yield* personRecords(w, p, people);
  if (biz) {
    yield* personRecords(w, biz, people);
    yield* census(w, biz, people);
  }
}

function* memberships(w: Walk, index: number, members: Person[], advisor: Person | undefined): Generator<Emission> {
  const o = w.office;
  if (w.rng.chance(0.35)) {
    const batch = Math.floor(index / MOVE_BATCH) + 1;
    const setId = `S-${w.officeNo}-M${batch}`;
    if (!w.seenSets.has(setId)) {
      w.seenSets.add(setId);
      yield { table: 'sets', row: { id: setId, office_id: o.id, name: `Move batch ${batch}`, owner_user_id: o.exporterUserId } };
    }
    for (const m of members) yield { table: 'set_members', row: { set_id: setId, contact_id: m.id } };
  }
  if (advisor && w.rng.chance(0.3)) {
    const setId = `S-${w.officeNo}-A${w.advisors.indexOf(advisor) + 1}`;
    for (const m of members) yield { table: 'set_members', row: { set_id: setId, contact_id: m.id } };
  }
}

function* familyRelations(w: Walk, people: Person[], biz: Person | undefined): Generator<Emission> {
  const rel = (a: Person | string, b: Person | string, relation: string, notes?: string): Emission => ({
    table: 'key_relations',
    row: {
      id: nextId(w, `KR-${w.officeNo}`),
      office_id: w.office.id,
      contact_id: typeof a === 'string' ? a : a.id,
      related_contact_id: typeof b === 'string' ? b : b.id,
      relation,
      notes,
    },
  });
  const [a, b, ...kids] = people;
  if (a && b) {
    yield rel(a, b, 'spouse');
    yield rel(b, a, 'spouse');
  }
  for (const k of kids) {
    yield rel(a!, k, 'child');
    if (w.rng.chance(0.5)) yield rel(k, a!, 'parent');
  }
  if (biz && a) yield rel(a, biz, 'business_partner', 'owner');
  const friend = a && w.rng.chance(0.15) ? otherContact(w) : undefined;
  if (a && friend) yield rel(a, friend, w.rng.pick(['friend', 'neighbor', 'accountant']));
}

function* census(w: Walk, biz: Person, owners: Person[]): Generator<Emission> {
  const employees = [...owners.slice(0, 1).map((p) => p.id)];
  for (let i = w.rng.int(1, 4); i > 0; i--) {
    const e = otherContact(w);
    if (e && !employees.includes(e)) employees.push(e);
  }
  for (const e of employees) {
    yield {
      table: 'employee_census',
      row: {
        id: nextId(w, `EC-${w.officeNo}`),
        office_id: w.office.id,
        business_id: biz.id,
        employee_contact_id: e,
        job_title: w.rng.pick(JOB_TITLES),
        hire_date: isoDate(TODAY - w.rng.int(30, 7000)),
        annual_salary: w.rng.money(28000, 140000),
        employee_class: w.rng.pick(['salaried', 'hourly']),
      },
    };
  }
}
