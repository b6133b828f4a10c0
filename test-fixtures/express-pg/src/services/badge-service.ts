import { pool } from '../db';

interface Member {
  id: number;
  teamId: number;
}

/* The team badge shown next to each member of a search result page. */
export async function badgesFor(members: Member[]): Promise<Array<{ memberId: number; badge: string | null }>> {
  const result = [];
  for (const member of members) {
    const { rows } = await pool.query('SELECT team_id, badge FROM team_badges WHERE team_id = $1 ORDER BY awarded_at', [member.teamId]); // expect: no-query-in-loop
    result.push({ memberId: member.id, badge: rows.length > 0 ? rows[0].badge : null });
  }
  return result;
}

/* One badge lookup for the whole page: the batched form. */
export async function badgesForPage(members: Member[]): Promise<Map<number, string>> {
  const { rows } = await pool.query('SELECT team_id, badge FROM team_badges WHERE team_id = ANY($1)', [members.map((m) => m.teamId)]); // ok: no-query-in-loop -- one query for the page
  return new Map(rows.map((r) => [r.team_id as number, r.badge as string]));
}
