// Queries through singletons made by generic caches (src/db/singleton.ts).
import { cachedPrisma, choose, rememberAsync } from '../db/singleton.js';
import { BADGE_LABELS, CUSTOM_BADGES, DEFAULT_BADGES } from './badge-kinds.js';

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

export async function seedBadgeKinds(): Promise<void> {
  for (const kind of DEFAULT_BADGES) {
    await cachedPrisma.badgeKind.create({ data: { label: kind.label, tier: kind.tier } }); // ok: no-query-in-loop -- two kinds written out in badge-kinds.ts
  }
  await Promise.all(BADGE_LABELS.map((label) => cachedPrisma.badgeKind.update({ where: { label }, data: { active: true } }))); // ok: no-query-in-loop -- a list of two names written out in code
  for (const kind of CUSTOM_BADGES) {
    await cachedPrisma.badgeKind.create({ data: { label: kind.label } }); // expect: no-query-in-loop
  }
}
