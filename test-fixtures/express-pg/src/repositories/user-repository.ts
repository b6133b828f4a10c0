import type { Pool } from 'pg';
import { pool } from '../db';

export interface User {
  id: number;
  email: string;
  name: string;
  teamId: number | null;
}

const USER_COLUMNS = 'id, email, name, team_id AS "teamId"';
const TABLE = 'users';

export class UserRepository {
  constructor(private readonly db: Pool = pool) {}

  async findById(id: number): Promise<User | null> {
    const { rows } = await this.db.query<User>(
      'SELECT ' + USER_COLUMNS + ' FROM ' + TABLE + ' WHERE id = $1', // ok: no-sql-concatenation -- constants only, value bound as $1
      [id],
    );
    return rows[0] ?? null;
  }

  async findByIds(ids: readonly number[]): Promise<User[]> {
    const { rows } = await this.db.query<User>(`SELECT ${USER_COLUMNS} FROM ${TABLE} WHERE id = ANY($1::int[])`, [ids]); // ok: no-sql-concatenation -- constant identifiers, array bound as $1
    return rows;
  }

  async findByTeam(teamId: number): Promise<User[]> {
    const { rows } = await this.db.query<User>(`SELECT ${USER_COLUMNS} FROM users WHERE team_id = $1 ORDER BY name`, [teamId]);
    return rows;
  }

  async search(term: string, limit: number): Promise<User[]> {
    // `limit: number` is only a compile-time claim: req.query values arrive as strings.
    const { rows } = await this.db.query<User>(
      `SELECT ${USER_COLUMNS} FROM users WHERE name ILIKE '%${term}%' ORDER BY name LIMIT ${limit}`, // expect: no-sql-concatenation
    );
    return rows;
  }

  async findByEmailDomain(domain: string): Promise<User[]> {
    const sql = "SELECT id, email FROM users WHERE email LIKE '%@".concat(domain, "'");
    const { rows } = await this.db.query<User>(sql); // expect: no-sql-concatenation
    return rows;
  }

  async deactivate(id: number): Promise<void> {
    await this.db.query('UPDATE users SET active = false, updated_at = now() WHERE id = $1', [id]);
  }
}

export const userRepository = new UserRepository();
