import type { PoolClient } from 'pg';

export interface LedgerEntry {
  accountId: string;
  amountCents: number;
  memo: string;
}

export async function postEntry(client: PoolClient, entry: LedgerEntry): Promise<void> {
  await client.query('INSERT INTO ledger (account_id, amount_cents, memo) VALUES ($1, $2, $3)', [entry.accountId, entry.amountCents, entry.memo]);
}

export async function postEntries(client: PoolClient, entries: LedgerEntry[]): Promise<void> {
  await client.query(
    'INSERT INTO ledger (account_id, amount_cents, memo) SELECT * FROM unnest($1::uuid[], $2::bigint[], $3::text[])',
    [entries.map((e) => e.accountId), entries.map((e) => e.amountCents), entries.map((e) => e.memo)], // ok: no-query-in-loop -- the maps only build parameter arrays
  );
}

export async function balanceOf(client: PoolClient, accountId: string): Promise<number> {
  const { rows } = await client.query<{ balance: string }>('SELECT coalesce(sum(amount_cents), 0) AS balance FROM ledger WHERE account_id = $1', [accountId]);
  return Number(rows[0].balance);
}

export async function lockAccounts(client: PoolClient, accountIds: string[]): Promise<void> {
  const sorted = [...accountIds].sort();
  await client.query(`SELECT id FROM accounts WHERE id IN (${sorted.map((_, i) => `$${i + 1}`).join(', ')}) ORDER BY id FOR UPDATE`, sorted); // ok: no-sql-concatenation -- generated $n placeholders only
}

export async function ledgerFor(client: PoolClient, accountId: string, since: string): Promise<LedgerEntry[]> {
  const { rows } = await client.query<LedgerEntry>(
    "SELECT account_id AS \"accountId\", amount_cents AS \"amountCents\", memo FROM ledger WHERE account_id = $1 AND created_at >= '" + since + "'", // expect: no-sql-concatenation
    [accountId],
  );
  return rows;
}
