import { Inject, Injectable } from '@nestjs/common';
import type { Pool, PoolClient } from 'pg';
import { PG_POOL } from '../database/database.providers';

export interface UserRow {
  id: string;
  email: string;
  displayName: string;
  managerId: string | null;
}

export interface UserSearch {
  email?: string;
  role?: string;
  orderBy?: string;
}

const ORDERABLE = new Map<string, string>([
  ['email', 'email'],
  ['name', 'display_name'],
  ['joined', 'created_at'],
]);

@Injectable()
export class UsersRepository {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  async findById(id: string): Promise<UserRow | undefined> {
    const { rows } = await this.pool.query<UserRow>(
      'SELECT id, email, display_name AS "displayName", manager_id AS "managerId" FROM users WHERE id = $1',
      [id],
    );
    return rows[0];
  }

  async findByIds(ids: string[]): Promise<UserRow[]> {
    const { rows } = await this.pool.query<UserRow>(
      'SELECT id, email, display_name AS "displayName", manager_id AS "managerId" FROM users WHERE id = ANY($1::uuid[])',
      [ids],
    );
    return rows;
  }

  async rolesOf(userId: string): Promise<string[]> {
    const { rows } = await this.pool.query<{ role: string }>('SELECT role FROM user_roles WHERE user_id = $1', [userId]);
    return rows.map((r) => r.role);
  }

  async rolesOfMany(userIds: string[]): Promise<Map<string, string[]>> {
    const { rows } = await this.pool.query<{ user_id: string; roles: string[] }>(
      'SELECT user_id, array_agg(role) AS roles FROM user_roles WHERE user_id = ANY($1::uuid[]) GROUP BY user_id',
      [userIds],
    );
    return new Map(rows.map((r) => [r.user_id, r.roles]));
  }

  async search(criteria: UserSearch): Promise<UserRow[]> {
    const orderBy = ORDERABLE.get(criteria.orderBy ?? '') ?? 'created_at';
    const where: string[] = [];
    if (criteria.email) where.push(`email = '${criteria.email}'`);
    if (criteria.role) where.push(`id IN (SELECT user_id FROM user_roles WHERE role = '${criteria.role}')`);
    const sql = `SELECT id, email FROM users ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY ${orderBy}`;
    const { rows } = await this.pool.query<UserRow>(sql); // expect: no-sql-concatenation
    return rows;
  }

  async listPage(orderBy: string, limit: number): Promise<UserRow[]> {
    const column = ORDERABLE.get(orderBy) ?? 'created_at';
    const { rows } = await this.pool.query<UserRow>(`SELECT id, email FROM users ORDER BY ${column} LIMIT $1`, [limit]); // ok: no-sql-concatenation -- column from a constant Map, limit bound
    return rows;
  }

  async listRecent(limit: number): Promise<UserRow[]> {
    const { rows } = await this.pool.query<UserRow>(`SELECT id, email FROM users ORDER BY created_at DESC LIMIT ${limit}`); // expect: no-sql-concatenation
    return rows;
  }

  async setManager(client: PoolClient, userId: string, managerId: string): Promise<void> {
    await client.query('UPDATE users SET manager_id = $2 WHERE id = $1', [userId, managerId]);
  }
}
