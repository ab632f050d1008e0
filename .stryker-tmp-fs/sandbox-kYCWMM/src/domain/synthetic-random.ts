// @ts-nocheck
// Deterministic randomness and value pools for the synthetic installation (D5).
// Own PRNG (sfc32 seeded through cyrb128) so that one seed gives the same bytes
// on every machine and Node version: no Math.random, no clock.

export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: string) {
    [this.a, this.b, this.c, this.d] = cyrb128(seed);
    for (let i = 0; i < 15; i++) this.next();
  }

  /** A float in [0, 1). */
  next(): number {
    this.a |= 0;
    this.b |= 0;
    this.c |= 0;
    this.d |= 0;
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return (t >>> 0) / 4294967296;
  }

  /** An integer in [lo, hi]. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.next() * xs.length)]!;
  }

  /** Index chosen by weights (need not sum to 1). */
  weighted(weights: readonly number[]): number {
    const total = weights.reduce((a, b) => a + b, 0);
    let r = this.next() * total;
    for (let i = 0; i < weights.length; i++) {
      r -= weights[i]!;
      if (r < 0) return i;
    }
    return weights.length - 1;
  }

  digits(n: number): string {
    let s = '';
    for (let i = 0; i < n; i++) s += String(this.int(0, 9));
    return s;
  }

  /** A decimal string with two places in [lo, hi]. */
  money(lo: number, hi: number): string {
    return (this.int(lo * 100, hi * 100) / 100).toFixed(2);
  }
}

function cyrb128(str: string): [number, number, number, number] {
  let h1 = 1779033703;
  let h2 = 3144134277;
  let h3 = 1013904242;
  let h4 = 2773480762;
  for (let i = 0; i < str.length; i++) {
    const k = str.charCodeAt(i);
    h1 = h2 ^ Math.imul(h1 ^ k, 597399067);
    h2 = h3 ^ Math.imul(h2 ^ k, 2869860233);
    h3 = h4 ^ Math.imul(h3 ^ k, 951274213);
    h4 = h1 ^ Math.imul(h4 ^ k, 2716044179);
  }
  h1 = Math.imul(h3 ^ (h1 >>> 18), 597399067);
  h2 = Math.imul(h4 ^ (h2 >>> 22), 2869860233);
  h3 = Math.imul(h1 ^ (h3 >>> 17), 951274213);
  h4 = Math.imul(h2 ^ (h4 >>> 19), 2716044179);
  h1 ^= h2 ^ h3 ^ h4;
  h2 ^= h1;
  h3 ^= h1;
  h4 ^= h1;
  return [h1 >>> 0, h2 >>> 0, h3 >>> 0, h4 >>> 0];
}

// ------------------------------------------------------------------ dates

const DAY = 86_400_000;
/** Day number (days since 1970-01-01) of 2025-06-30, the generator's "today". */
export const TODAY = Math.floor(Date.UTC(2025, 5, 30) / DAY);

export function dayOf(year: number, month = 1, day = 1): number {
  return Math.floor(Date.UTC(year, month - 1, day) / DAY);
}

export function isoDate(dayNumber: number): string {
  return new Date(dayNumber * DAY).toISOString().slice(0, 10);
}

/** A timestamp on the given day at a business hour, ISO 8601 with zone. */
export function isoTime(rng: Rng, dayNumber: number, hour = rng.int(13, 22)): string {
  const ms = dayNumber * DAY + hour * 3_600_000 + rng.int(0, 3) * 15 * 60_000;
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}

export function uuidFrom(rng: Rng): string {
  const h = () =>
    Math.floor(rng.next() * 65536)
      .toString(16)
      .padStart(4, '0');
  return `${h()}${h()}-${h()}-4${h().slice(1)}-a${h().slice(1)}-${h()}${h()}${h()}`;
}

// ------------------------------------------------------------------ pools

export const FIRST_MALE = [
  'James',
  'John',
  'Robert',
  'Michael',
  'William',
  'David',
  'Richard',
  'Joseph',
  'Thomas',
  'Charles',
  'Daniel',
  'Matthew',
  'Anthony',
  'Mark',
  'Steven',
  'Paul',
  'Andrew',
  'Joshua',
  'Kevin',
  'Brian',
  'George',
  'Edward',
  'Ryan',
  'Jacob',
  'Gary',
  'Eric',
  'Jonathan',
  'Samuel',
  'Luis',
  'Wei',
] as const;
export const FIRST_FEMALE = [
  'Mary',
  'Patricia',
  'Jennifer',
  'Linda',
  'Elizabeth',
  'Barbara',
  'Susan',
  'Jessica',
  'Sarah',
  'Karen',
  'Nancy',
  'Lisa',
  'Betty',
  'Margaret',
  'Sandra',
  'Ashley',
  'Emily',
  'Donna',
  'Michelle',
  'Carol',
  'Amanda',
  'Melissa',
  'Deborah',
  'Laura',
  'Rebecca',
  'Sharon',
  'Maria',
  'Priya',
  'Mei',
  'Fatima',
] as const;
export const LAST = [
  'Smith',
  'Johnson',
  'Williams',
  'Brown',
  'Jones',
  'Garcia',
  'Miller',
  'Davis',
  'Rodriguez',
  'Martinez',
  'Hernandez',
  'Lopez',
  'Gonzalez',
  'Wilson',
  'Anderson',
  'Thomas',
  'Taylor',
  'Moore',
  'Jackson',
  'Martin',
  'Lee',
  'Perez',
  'Thompson',
  'White',
  'Harris',
  'Sanchez',
  'Clark',
  'Ramirez',
  'Lewis',
  'Robinson',
  'Walker',
  'Young',
  'Allen',
  'King',
  'Wright',
  'Scott',
  'Torres',
  'Nguyen',
  'Hill',
  'Flores',
  "O'Brien",
  'Van Dyke',
  'McAllister',
  'Patel',
  'Kim',
  'Chen',
  'Okafor',
  'Schmidt',
  'Rossi',
  'Kowalski',
] as const;
export const STREETS = [
  'Main St',
  'Oak St',
  'Maple Ave',
  'Cedar Ct',
  'Elm St',
  'Pine Rd',
  'Lake Shore Dr',
  'Washington Blvd',
  'Lincoln Ave',
  'Park Pl',
  'River Rd',
  'Hillcrest Dr',
  'Sunset Blvd',
  'Church St',
  'Mill Rd',
  'Highland Ave',
] as const;
export const US_CITIES = [
  ['Springfield', 'IL', '627'],
  ['Chicago', 'IL', '606'],
  ['Peoria', 'IL', '616'],
  ['Madison', 'WI', '537'],
  ['Columbus', 'OH', '432'],
  ['Indianapolis', 'IN', '462'],
  ['St. Louis', 'MO', '631'],
  ['Des Moines', 'IA', '503'],
  ['Minneapolis', 'MN', '554'],
  ['Louisville', 'KY', '402'],
  ['Nashville', 'TN', '372'],
  ['Omaha', 'NE', '681'],
] as const;
export const CA_CITIES = [
  ['Toronto', 'ON', 'M5V'],
  ['Montreal', 'QC', 'H3B'],
  ['Vancouver', 'BC', 'V6B'],
  ['Calgary', 'AB', 'T2P'],
  ['Ottawa', 'ON', 'K1P'],
  ['Halifax', 'NS', 'B3H'],
] as const;
export const BUSINESS_WORDS = [
  'Bakery',
  'Hardware',
  'Dental Group',
  'Landscaping',
  'Auto Repair',
  'Consulting',
  'Plumbing',
  'Law Office',
  'Family Farm',
  'Print Shop',
  'Veterinary Clinic',
  'Construction',
  'Cafe',
  'Accounting',
  'Florist',
  'Pharmacy',
] as const;
export const JOB_TITLES = ['Manager', 'Clerk', 'Technician', 'Driver', 'Assistant', 'Foreman', 'Bookkeeper', 'Sales Associate'] as const;
export const LETTER_SUBJECTS = [
  'Annual policy review',
  'Beneficiary confirmation',
  'Premium reminder',
  'Welcome',
  'Service anniversary',
  'Address change confirmation',
  'Illustration enclosed',
  'Required minimum distribution',
] as const;
export const ACTIVITY_SUBJECTS = [
  'Annual review',
  'Follow-up call',
  'Send application',
  'Collect signatures',
  'Beneficiary update',
  'Portfolio rebalance',
  'Birthday call',
  'Claim assistance',
] as const;
export const NOTES = [
  'Prefers morning calls.',
  'Spouse handles the paperwork.',
  'Interested in long-term care coverage.',
  'Retiring in the next five years.',
  'Asked about college savings, follow up in spring.',
  'Do not call on Fridays.',
  'Moved recently; confirm mailing address.',
  'Wants e-mail statements, not paper.',
] as const;
export const EVENTS = ['Retirement Planning Seminar', 'Client Appreciation Picnic', 'Estate Planning Workshop', 'Medicare Basics Night'] as const;
export const SYMBOLS = [
  ['VTI', 'Total Stock Market ETF', 262],
  ['BND', 'Total Bond Market ETF', 72],
  ['VXUS', 'Total International ETF', 61],
  ['SPFX', 'Stable Value Fund', 10],
  ['MMKT', 'Money Market Fund', 1],
  ['GOVT', 'Treasury Bond ETF', 23],
] as const;
