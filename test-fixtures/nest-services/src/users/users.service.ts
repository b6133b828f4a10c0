import { Inject, Injectable, NotFoundException } from '@nestjs/common';
import { Client, type Pool, type PoolClient } from 'pg';
import { PG_POOL } from '../database/database.providers';
import { withTransaction } from '../database/transaction';
import { UnitOfWork } from '../database/unit-of-work';
import { UsersRepository, type UserRow } from './users.repository';

export interface UserWithRoles extends UserRow {
  roles: string[];
}

@Injectable()
export class UsersService {
  constructor(
    private readonly users: UsersRepository,
    @Inject(PG_POOL) private readonly pool: Pool,
  ) {}

  async withRoles(ids: string[]): Promise<UserWithRoles[]> {
    const users = await this.users.findByIds(ids);
    const result: UserWithRoles[] = [];
    for (const user of users) {
      result.push({ ...user, roles: await this.users.rolesOf(user.id) }); // expect: no-query-in-loop
    }
    return result;
  }

  async withRolesBatched(ids: string[]): Promise<UserWithRoles[]> {
    const [users, roles] = await Promise.all([this.users.findByIds(ids), this.users.rolesOfMany(ids)]); // ok: no-query-in-loop -- two different queries, not one per element
    return users.map((u) => ({ ...u, roles: roles.get(u.id) ?? [] })); // ok: no-query-in-loop -- Map lookup
  }

  async managersOf(ids: string[]): Promise<Array<UserRow | undefined>> {
    const users = await this.users.findByIds(ids);
    return Promise.all(users.map((u) => (u.managerId ? this.users.findById(u.managerId) : undefined))); // expect: no-query-in-loop
  }

  async emailsOf(ids: string[]): Promise<string[]> {
    const emails: string[] = [];
    let i = 0;
    while (i < ids.length) {
      const user = await this.users.findById(ids[i]); // expect: no-query-in-loop
      if (user) emails.push(user.email);
      i += 1;
    }
    return emails;
  }

  async reportingChainRecursive(userId: string): Promise<UserRow[]> {
    const { rows } = await this.pool.query<UserRow>(
      `WITH RECURSIVE chain AS (
         SELECT id, email, display_name, manager_id FROM users WHERE id = $1
         UNION ALL
         SELECT u.id, u.email, u.display_name, u.manager_id FROM users u JOIN chain c ON u.id = c.manager_id
       )
       SELECT id, email, display_name AS "displayName", manager_id AS "managerId" FROM chain OFFSET 1`,
      [userId],
    );
    return rows;
  }

  async reassignTeam(managerId: string, memberIds: string[]): Promise<void> {
    await withTransaction(this.pool, async (client: PoolClient) => { // ok: no-unreleased-client -- project helper releases in finally
      for (const memberId of memberIds) {
        await this.users.setManager(client, memberId, managerId); // expect: no-query-in-loop
      }
    });
  }

  async reassignTeamBatched(managerId: string, memberIds: string[]): Promise<void> {
    await withTransaction(this.pool, (client: PoolClient) => // ok: no-unreleased-client -- project helper releases in finally
      client.query('UPDATE users SET manager_id = $1 WHERE id = ANY($2::uuid[])', [managerId, memberIds]),
    );
  }

  async mergeAccounts(keepId: string, dropId: string): Promise<void> {
    const uow = await UnitOfWork.begin(this.pool);
    try {
      await uow.client.query('UPDATE orders SET user_id = $1 WHERE user_id = $2', [keepId, dropId]);
      await uow.client.query('DELETE FROM users WHERE id = $1', [dropId]);
      await uow.commit();
    } catch (err) {
      await uow.rollback();
      throw err;
    }
  }

  async rename(userId: string, displayName: string): Promise<void> {
    const client = await this.pool.connect(); // expect: no-unreleased-client
    const { rowCount } = await client.query('UPDATE users SET display_name = $2 WHERE id = $1', [userId, displayName]);
    if (rowCount === 0) {
      throw new NotFoundException(`user ${userId}`);
    }
    client.release();
  }

  async lockAndTouch(userId: string): Promise<void> {
    const client = await this.pool.connect(); // expect: no-unreleased-client
    await client.query('BEGIN');
    try {
      await client.query('SELECT 1 FROM users WHERE id = $1 FOR UPDATE', [userId]);
      await client.query('UPDATE users SET touched_at = now() WHERE id = $1', [userId]);
      await client.query('COMMIT');
    } catch (err) {
      await client.query('ROLLBACK');
      throw err;
    } finally {
      client.release();
    }
  }

  async promoteToManager(userId: string, reportIds: string[]): Promise<void> {
    const client = await this.pool.connect(); // expect: no-unreleased-client
    await this.users.setManager(client, userId, userId);
    await client.query('UPDATE users SET manager_id = $1 WHERE id = ANY($2::uuid[])', [userId, reportIds]);
  }

  async copyToAudit(userId: string): Promise<void> {
    const audit = new Client({ connectionString: process.env.AUDIT_URL }); // expect: no-unreleased-client
    try {
      await audit.connect();
      const user = await this.users.findById(userId);
      await audit.query('INSERT INTO user_snapshots (user_id, data) VALUES ($1, $2)', [userId, JSON.stringify(user)]);
    } catch (err) {
      await audit.end();
      throw err;
    }
  }
}
