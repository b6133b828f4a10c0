// Lists written out in code: their length is fixed when the code is written (services/badges.ts loops over them).
export enum BadgeTier {
  Bronze = 'bronze',
  Silver = 'silver',
}

export const DEFAULT_BADGES = [
  { tier: BadgeTier.Bronze, label: 'First review', threshold: 1 },
  { tier: BadgeTier.Silver, label: 'Ten reviews', threshold: 10 },
] as const;

export const BADGE_LABELS = ['First review', 'Ten reviews'];

/** Not written out: read at run time. */
export const CUSTOM_BADGES: { label: string }[] = JSON.parse(process.env.CUSTOM_BADGES ?? '[]');
