// Excluded from the workspaces ("!apps/legacy"): its package name, taken by packages/db, must not shadow it.
export const pool = { query: async (_sql: string, _values?: unknown[]) => ({ rows: [] as unknown[] }) };
