import type { Pool, PoolClient } from 'pg';
import { pool } from '../db';
import { withClient } from '../lib/client';

export interface TeamImport {
  name: string;
  members: Array<{ email: string; name: string }>;
}

export class TeamImportService {
  constructor(private readonly db: Pool = pool) {}

  private async teamIdByName(name: string): Promise<number | null> {
    const { rows } = await this.db.query<{ id: number }>('SELECT id FROM teams WHERE name = $1', [name]);
    return rows[0]?.id ?? null;
  }

  private normalise(email: string): string {
    return email.trim().toLowerCase();
  }

  async resolveTeams(names: string[]): Promise<Map<string, number | null>> {
    const ids = new Map<string, number | null>();
    for (const name of names) {
      ids.set(name, await this.teamIdByName(name)); // expect: no-query-in-loop
    }
    return ids;
  }

  async resolveTeamsBatched(names: string[]): Promise<Map<string, number>> {
    const { rows } = await this.db.query<{ id: number; name: string }>('SELECT id, name FROM teams WHERE name = ANY($1::text[])', [names]);
    return new Map(rows.map((r) => [r.name, r.id])); // ok: no-query-in-loop -- builds a Map from rows
  }

  async importTeam(team: TeamImport): Promise<void> {
    const emails = team.members.map((m) => this.normalise(m.email)); // ok: no-query-in-loop -- normalise is pure
    const client = await this.db.connect(); // ok: no-unreleased-client -- released in finally
    try {
      await client.query('BEGIN');
      const { rows } = await client.query<{ id: number }>('INSERT INTO teams (name) VALUES ($1) RETURNING id', [team.name]);
      const values: unknown[] = [rows[0].id];
      const tuples = team.members.map((m, i) => {
        values.push(emails[i], m.name);
        return `($1, $${values.length - 1}, $${values.length})`;
      });
      await client.query(`INSERT INTO users (team_id, email, name) VALUES ${tuples.join(', ')}`, values); // ok: no-sql-concatenation -- only generated placeholders are concatenated
      await client.query('COMMIT');
    } catch (err) {
      await client.query('ROLLBACK');
      throw err;
    } finally {
      client.release();
    }
  }

  async importMembersSlowly(teamId: number, members: TeamImport['members']): Promise<void> {
    const client = await this.db.connect(); // expect: no-unreleased-client
    for (let i = 0; i < members.length; i += 1) {
      await client.query('INSERT INTO users (team_id, email, name) VALUES ($1, $2, $3)', [teamId, this.normalise(members[i].email), members[i].name]); // expect: no-query-in-loop
    }
    client.release();
  }

  async renameTeam(teamId: number, name: string): Promise<void> {
    await withClient(this.db, async (client: PoolClient) => { // ok: no-unreleased-client -- withClient releases in finally
      await client.query('UPDATE teams SET name = $2 WHERE id = $1', [teamId, name]);
      await client.query('INSERT INTO audit_log (action, team_id) VALUES ($1, $2)', ['rename', teamId]);
    });
  }

  async deleteTeams(teamIds: number[]): Promise<void> {
    await withClient(this.db, async (client: PoolClient) => {
      for (const id of teamIds) {
        await client.query('DELETE FROM teams WHERE id = $1', [id]); // expect: no-query-in-loop
      }
    });
  }
}
