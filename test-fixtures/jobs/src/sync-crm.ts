import { writeFile } from 'node:fs/promises';
import { pool, sleep } from './db.js';

interface CrmContact {
  externalId: string;
  email: string;
  name: string;
}

interface CrmPage {
  contacts: CrmContact[];
  next?: string;
}

async function fetchPage(since: string, cursor?: string): Promise<CrmPage> {
  const url = new URL('https://crm.example.com/api/contacts');
  url.searchParams.set('updated_since', since);
  if (cursor) url.searchParams.set('cursor', cursor);
  const response = await fetch(url, { headers: { authorization: `Bearer ${process.env.CRM_TOKEN}` } });
  if (!response.ok) throw new Error(`CRM answered ${response.status}`);
  return (await response.json()) as CrmPage;
}

/** Pulls every changed contact from the CRM, then upserts them in one statement. */
export async function syncContacts(since: string): Promise<number> {
  const contacts: CrmContact[] = [];
  let cursor: string | undefined;
  do {
    const page = await fetchPage(since, cursor); // ok: no-query-in-loop -- HTTP call, not a database call
    contacts.push(...page.contacts);
    cursor = page.next;
    await sleep(200); // ok: no-query-in-loop -- rate limiting, not a database call
  } while (cursor);

  await pool.query(
    `INSERT INTO contacts (external_id, email, name)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[])
     ON CONFLICT (external_id) DO UPDATE SET email = EXCLUDED.email, name = EXCLUDED.name`,
    [contacts.map((c) => c.externalId), contacts.map((c) => c.email), contacts.map((c) => c.name)],
  );
  return contacts.length;
}

/** The first version of the sync, still used for the small "partners" list. */
export async function syncPartners(partners: CrmContact[]): Promise<void> {
  for (const partner of partners) {
    await fetch(`https://crm.example.com/api/partners/${partner.externalId}/touch`, { method: 'POST' }); // ok: no-query-in-loop -- HTTP call
    await pool.query( // expect: no-query-in-loop
      'INSERT INTO partners (external_id, email, name) VALUES ($1, $2, $3) ON CONFLICT (external_id) DO UPDATE SET email = EXCLUDED.email',
      [partner.externalId, partner.email, partner.name],
    );
  }
}

export async function dumpContacts(dir: string, segments: string[]): Promise<void> {
  const { rows } = await pool.query<{ segment: string; email: string }>('SELECT segment, email FROM contacts WHERE segment = ANY($1)', [segments]);
  for (const segment of segments) {
    const lines = rows.filter((r) => r.segment === segment).map((r) => r.email); // ok: no-query-in-loop -- filters rows already loaded
    await writeFile(`${dir}/${segment}.txt`, lines.join('\n')); // ok: no-query-in-loop -- file write, not a database call
  }
}

export async function contactsBySegment(segment: string, limit: number): Promise<string[]> {
  const { rows } = await pool.query<{ email: string }>(`SELECT email FROM contacts WHERE segment = $1 LIMIT ${limit}`, [segment]); // expect: no-sql-concatenation
  return rows.map((r) => r.email);
}
