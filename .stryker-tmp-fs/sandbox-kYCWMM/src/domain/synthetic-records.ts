// @ts-nocheck
// The records that belong to one synthetic contact (D5): business records on
// which it is the primary contact, with party lists naming people inside and
// outside its household, and the notes, letters and activities filed under it.
// Proportions aim at about 12 rows per contact across all tables.
import type { Emission } from './synthetic-catalogue.js';
import { ACTIVITY_SUBJECTS, EVENTS, LETTER_SUBJECTS, NOTES, SYMBOLS, TODAY, isoDate, isoTime } from './synthetic-random.js';
import { nextId, otherContact, pickCarrier, type Person, type Walk } from './synthetic-walk.js';

type Gen = Generator<Emission>;

export function* personRecords(w: Walk, p: Person, household: Person[]): Gen {
  const { rng } = w;
  const o = w.office.id;
  const n = w.officeNo;
  const spouse = household.find((h) => h.id !== p.id);
  if (rng.chance(0.2)) {
    yield {
      table: 'leads',
      row: {
        id: nextId(w, `LD-${n}`),
        office_id: o,
        contact_id: p.id,
        source: rng.pick(['website', 'seminar', 'referral', 'purchased_list']),
        status: rng.pick(['open', 'converted', 'closed']),
        created_at: isoTime(rng, TODAY - rng.int(30, 3000)),
      },
    };
  }
  for (let i = rng.weighted([0.45, 0.35, 0.2]); i > 0; i--) yield* policy(w, p, spouse);
  if (rng.chance(0.2)) yield* pendingCase(w, p, spouse);
  if (rng.chance(p.kind === 'business' ? 0.5 : 0.25)) yield* account(w, p, spouse);
  yield* correspondence(w, p);
  if (rng.chance(0.3)) {
    yield {
      table: 'event_invitations',
      row: {
        id: nextId(w, `EV-${n}`),
        office_id: o,
        contact_id: p.id,
        event_name: rng.pick(EVENTS),
        event_date: isoDate(TODAY + rng.int(-400, 120)),
        status: rng.pick(['invited', 'accepted', 'declined']),
      },
    };
  }
  if (rng.chance(0.2)) {
    const { product } = pickCarrier(w);
    yield {
      table: 'proposals',
      row: {
        id: nextId(w, `PP-${n}`),
        office_id: o,
        contact_id: p.id,
        product_id: product,
        description: 'Illustration and quote',
        amount: rng.money(10000, 1000000),
        status: rng.pick(['draft', 'presented', 'declined']),
        created_at: isoTime(rng, TODAY - rng.int(1, 700)),
      },
    };
  }
}

function* party(
  w: Walk,
  table: 'policy_parties' | 'case_parties',
  key: 'policy_id' | 'case_id',
  id: string,
  contact: string | undefined,
  list: string,
  role: string,
  share?: string,
): Gen {
  if (contact) yield { table, row: { [key]: id, contact_id: contact, list, role, share_percent: share } };
}

function* policy(w: Walk, p: Person, spouse: Person | undefined): Gen {
  const { rng } = w;
  const lob = p.kind === 'business' ? rng.pick(['disability', 'health', 'life']) : rng.pick(['life', 'life', 'annuity', 'long_term_care', 'disability']);
  const { carrier, product } = pickCarrier(w, lob);
  const id = nextId(w, `P-${w.officeNo}`);
  const annuity = lob === 'annuity';
  yield {
    table: 'policies',
    row: {
      id,
      office_id: w.office.id,
      primary_contact_id: p.id,
      carrier_id: carrier.id,
      product_id: product,
      policy_number: `${carrier.local ? 'L' : 'R'}${w.officeNo}-${rng.digits(8)}`,
      status: ['active', 'lapsed', 'surrendered', 'pending', 'terminated'][rng.weighted([0.7, 0.08, 0.06, 0.1, 0.06])],
      line_of_business: lob,
      face_amount: annuity ? undefined : rng.money(10000, 2000000),
      annual_premium: rng.money(200, 20000),
      issue_date: isoDate(TODAY - rng.int(10, 9000)),
      custom: rng.chance(0.3)
        ? JSON.stringify(annuity ? { annuitant_age_at_issue: rng.int(45, 80) } : { underwriting_class: rng.pick(['preferred', 'standard', 'rated']) })
        : undefined,
    },
  };
  if (carrier.riders.length > 0 && rng.chance(0.4)) {
    yield {
      table: 'policy_riders',
      row: { policy_id: id, rider_id: rng.pick(carrier.riders), amount: rng.chance(0.5) ? rng.money(10000, 250000) : undefined },
    };
  }
  const advisor = p.advisorId ?? w.advisors[0]?.id;
  if (rng.chance(0.8)) yield* party(w, 'policy_parties', 'policy_id', id, advisor, 'advisor', 'writing_agent', '100.00');
  yield* party(w, 'policy_parties', 'policy_id', id, spouse?.id ?? (rng.chance(0.4) ? otherContact(w) : undefined), 'relationship', 'beneficiary', '100.00');
  if (rng.chance(0.25)) yield* party(w, 'policy_parties', 'policy_id', id, otherContact(w), 'important', rng.pick(['attorney', 'trustee', 'accountant']));
  if (rng.chance(0.5)) {
    yield {
      table: 'commissions',
      row: {
        id: nextId(w, `CM-${w.officeNo}`),
        office_id: w.office.id,
        policy_id: id,
        payee_contact_id: advisor,
        amount: rng.money(50, 9000),
        paid_date: isoDate(TODAY - rng.int(5, 5000)),
      },
    };
  }
}

function* pendingCase(w: Walk, p: Person, spouse: Person | undefined): Gen {
  const { rng } = w;
  const lob = rng.pick(['life', 'annuity', 'long_term_care']);
  const { carrier, product } = pickCarrier(w, lob);
  const id = nextId(w, `PC-${w.officeNo}`);
  yield {
    table: 'pending_cases',
    row: {
      id,
      office_id: w.office.id,
      primary_contact_id: p.id,
      carrier_id: carrier.id,
      product_id: product,
      service_provider_id: rng.chance(0.7) ? rng.pick(w.office.serviceProviders) : undefined,
      case_number: `CASE-${w.officeNo}-${rng.digits(7)}`,
      status: rng.pick(['submitted', 'underwriting', 'approved', 'issued']),
      submitted_date: isoDate(TODAY - rng.int(1, 365)),
      custom: rng.chance(0.2) ? JSON.stringify({ rush: rng.chance(0.5) }) : undefined,
    },
  };
  const advisor = p.advisorId ?? w.advisors[0]?.id;
  yield* party(w, 'case_parties', 'case_id', id, advisor, 'advisor', 'writing_agent', '100.00');
  if (lob === 'annuity' && p.kind === 'individual') yield* party(w, 'case_parties', 'case_id', id, p.id, 'annuitant', 'annuitant');
  yield* party(w, 'case_parties', 'case_id', id, spouse?.id ?? otherContact(w), 'relationship', 'beneficiary', '100.00');
  if (rng.chance(0.2)) yield* party(w, 'case_parties', 'case_id', id, otherContact(w), 'important', 'attorney');
  if (rng.chance(0.25)) {
    yield {
      table: 'commissions',
      row: {
        id: nextId(w, `CM-${w.officeNo}`),
        office_id: w.office.id,
        case_id: id,
        payee_contact_id: advisor,
        amount: rng.money(100, 5000),
        paid_date: isoDate(TODAY - rng.int(1, 200)),
      },
    };
  }
}

function* account(w: Walk, p: Person, spouse: Person | undefined): Gen {
  const { rng } = w;
  const id = nextId(w, `IA-${w.officeNo}`);
  const equity = rng.int(20, 90);
  yield {
    table: 'investment_accounts',
    row: {
      id,
      office_id: w.office.id,
      primary_contact_id: p.id,
      account_number: `HTC-${rng.digits(8)}`,
      custodian: rng.pick(['Harbor Trust Custody', 'Prairie Clearing Co', 'Lakeside Securities']),
      account_type: p.kind === 'business' ? '401k_plan' : rng.pick(['ira', 'roth_ira', 'brokerage', 'joint_brokerage', '529_plan']),
      asset_allocation: JSON.stringify({ equity, fixed_income: 100 - equity - 5, cash: 5 }),
      performance: rng.chance(0.7) ? JSON.stringify({ ytd: rng.int(-80, 150) / 10, one_year: rng.int(-150, 250) / 10 }) : undefined,
      custom: rng.chance(0.3) ? JSON.stringify({ risk_profile: rng.pick(['conservative', 'moderate', 'aggressive']) }) : undefined,
    },
  };
  for (let i = rng.int(1, 5); i > 0; i--) {
    const [symbol, description, price] = rng.pick(SYMBOLS);
    const units = rng.int(1, 200000) / 100;
    yield {
      table: 'positions',
      row: {
        id: nextId(w, `POS-${w.officeNo}`),
        account_id: id,
        symbol,
        description,
        units: units.toFixed(4),
        price: price.toFixed(2),
        market_value: (units * price).toFixed(2),
        custom: rng.chance(0.15) ? JSON.stringify({ lot: `20${rng.int(10, 24)}-0${rng.int(1, 9)}` }) : undefined,
      },
    };
  }
  const interested = spouse?.id ?? (rng.chance(0.3) ? otherContact(w) : undefined);
  if (interested) yield { table: 'account_parties', row: { account_id: id, contact_id: interested, list: 'interested_party', role: 'joint_owner' } };
  if (p.advisorId && rng.chance(0.5))
    yield { table: 'account_parties', row: { account_id: id, contact_id: p.advisorId, list: 'advisor_relationship', role: 'advisor' } };
}

function* correspondence(w: Walk, p: Person): Gen {
  const { rng } = w;
  const o = w.office.id;
  const n = w.officeNo;
  for (let i = rng.weighted([0.3, 0.35, 0.35]); i > 0; i--) {
    const email = rng.chance(0.2);
    const toOther = !email && rng.chance(0.12) ? otherContact(w) : undefined;
    const id = nextId(w, `L-${n}`);
    const subject = rng.pick(LETTER_SUBJECTS);
    let document: string | undefined;
    if (!email && rng.chance(0.03)) {
      document = `office-${n}/${Math.floor(w.documents / 1000)}/${id}.txt`;
      w.documents++;
      yield { document, content: `${w.office.name}\n\n${subject}\nRe: ${p.first ?? ''} ${p.last}\nLetter ${id}\n` };
    }
    yield {
      table: 'letters',
      row: {
        id,
        office_id: o,
        contact_id: p.id,
        recipient_contact_id: toOther ?? p.id,
        kind: email ? 'email' : 'letter',
        subject,
        body: `${subject}, as discussed.`,
        sent_date: isoDate(TODAY - rng.int(1, 3000)),
        document,
      },
    };
  }
  for (let i = rng.weighted([0.25, 0.4, 0.35]); i > 0; i--) {
    const day = TODAY - rng.int(-60, 1500);
    const start = isoTime(rng, day);
    yield {
      table: 'activities',
      row: {
        id: nextId(w, `A-${n}`),
        office_id: o,
        contact_id: p.id,
        type: rng.pick(['call', 'meeting', 'task', 'to_do', 'other']),
        subject: rng.pick(ACTIVITY_SUBJECTS),
        start_at: start,
        end_at: rng.chance(0.6) ? isoTime(rng, day, 23) : undefined,
        status: day > TODAY ? 'open' : 'done',
        notes: rng.chance(0.3) ? rng.pick(NOTES) : undefined,
      },
    };
  }
  for (let i = rng.weighted([0.35, 0.4, 0.25]); i > 0; i--) {
    yield {
      table: 'smartpad',
      row: {
        id: nextId(w, `SM-${n}`),
        office_id: o,
        contact_id: p.id,
        text: rng.pick(NOTES),
        created_at: isoTime(rng, TODAY - rng.int(1, 3000)),
        created_by: 'exporter',
      },
    };
  }
}
