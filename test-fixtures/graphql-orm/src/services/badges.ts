// Queries through singletons made by generic caches (src/db/singleton.ts).
import { cachedPrisma, choose, rememberAsync } from '../db/singleton.js';

interface BadgeStore {
  badge: { create(args: { data: { userId: string } }): Promise<unknown> };
}

export async function awardBadges(userIds: string[]): Promise<void> {
  for (const userId of userIds) {
    await cachedPrisma.badge.create({ data: { userId } }); // expect: no-query-in-loop
  }
}

export async function awardLater(userIds: string[]): Promise<void> {
  const db = await rememberAsync('prisma-late', async () => cachedPrisma);
  for (const userId of userIds) {
    await db.badge.create({ data: { userId } }); // expect: no-query-in-loop
  }
}

export async function awardOffline(userIds: string[], online: boolean, offline: BadgeStore): Promise<void> {
  const store = choose<BadgeStore>(online, cachedPrisma, offline);
  for (const userId of userIds) {
    await store.badge.create({ data: { userId } }); // ok: no-query-in-loop -- choose() may return the offline store
  }
}
