// @ts-nocheck
// A small installation filled through the port, shared by the contract tests
// of the offices, sets and realign parts: a resource office and its agency,
// two users, three contacts (one the advisor of another), a carrier in each
// office under the same name, and two policies on the agency's carrier.
import { expect } from 'vitest';
import type { Cells, Store } from '../../src/store/port.js';
import type { TableName } from '../../src/domain/model/tables.js';

export const FIXTURE: [TableName, string[], Cells[]][] = [
  ['installation', ['id', 'name'], [['I-1', 'Contract installation']]],
  [
    'offices',
    ['id', 'name', 'kind', 'parent_id', 'region'],
    [
      ['O-R', 'Resource', 'resource', null, 'US'],
      ['O-A', 'Agency', 'agency', 'O-R', 'US'],
    ],
  ],
  [
    'users',
    ['id', 'office_id', 'username', 'full_name', 'rights'],
    [
      ['U-2', 'O-A', 'zed', 'Zed Admin', 'admin'],
      ['U-1', 'O-A', 'ann', 'Ann', null],
    ],
  ],
  [
    'contacts',
    ['id', 'office_id', 'kind', 'first_name', 'last_name', 'business_name', 'primary_advisor_id'],
    [
      ['C-1', 'O-A', 'individual', 'Ada', 'Advisor', null, null],
      ['C-2', 'O-A', 'business', null, null, 'Two Ltd', 'C-1'],
      ['C-3', 'O-R', 'individual', null, 'Three', null, null],
    ],
  ],
  [
    'carriers',
    ['id', 'office_id', 'name'],
    [
      ['CAR-R', 'O-R', 'Acme Life'],
      ['CAR-L', 'O-A', 'Acme Life'],
    ],
  ],
  [
    'policies',
    ['id', 'office_id', 'carrier_id'],
    [
      ['P-1', 'O-A', 'CAR-L'],
      ['P-2', 'O-A', 'CAR-L'],
    ],
  ],
];

export async function fill(store: Store): Promise<void> {
  await store.installation.load(async (s) => {
    for (const [table, columns, rows] of FIXTURE) expect(await s.insert(table, columns, rows)).toEqual([]);
  });
}

export async function rowsOf(store: Store, table: TableName, columns: string[]): Promise<Cells[]> {
  const out: Cells[] = [];
  for await (const r of store.installation.rows(table, columns)) out.push(r);
  return out;
}
