/** Finding ids the engine and the CLI produce that are not rules in the registry. */
export const PSEUDO_RULES: Record<string, { description: string; level: 'warning' | 'error' }> = {
  'parse-error': { description: 'The file could not be parsed; pglint checked what it could.', level: 'error' },
  'live-database': { description: 'A check against the live database (opt-in with --database-url): pool sizes against max_connections.', level: 'warning' },
  'unused-disable-directive': { description: 'A pglint-disable comment that suppresses nothing.', level: 'warning' },
};
