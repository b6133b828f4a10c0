/**
 * The one table of course sections pglint links to. Rules hold ids only; titles and links come from here.
 * tests/chapters.test.ts checks every entry against the course's SOMMAIRE.md.
 */

export const DEFAULT_DOCS_BASE_URL = 'https://github.com/NDXDeveloper/formation-postgresql-18/blob/main/';

export interface ChapterSection {
  /** Number as the course names it: "20.3.1", or "20bis.2.2" for chapter 21. */
  id: string;
  /** Title as in the course's table of contents (French). */
  title: string;
  /** Path inside the course repository. */
  path: string;
}

export const CHAPTERS = {
  '20.1': { title: 'Drivers populaires', path: '20-drivers-connexion-applicative/01-drivers-populaires.md' },
  '20.1.2': { title: 'Node.js : node-postgres (pg), Prisma', path: '20-drivers-connexion-applicative/01.2-nodejs-node-postgres.md' },
  '20.2': { title: 'Gestion des connexions dans les applications', path: '20-drivers-connexion-applicative/02-gestion-des-connexions.md' },
  '20.2.1': { title: 'Connection pooling côté application', path: '20-drivers-connexion-applicative/02.1-connection-pooling-application.md' },
  '20.2.2': { title: 'PgBouncer : Transaction vs Session pooling', path: '20-drivers-connexion-applicative/02.2-pgbouncer-transaction-session.md' },
  '20.2.3': { title: 'Dimensionnement (max_connections vs pool_size)', path: '20-drivers-connexion-applicative/02.3-dimensionnement-connexions.md' },
  '20.2.4': { title: 'Connection leaks et timeouts', path: '20-drivers-connexion-applicative/02.4-connection-leaks-timeouts.md' },
  '20.3': { title: 'Patterns anti-corruption', path: '20-drivers-connexion-applicative/03-patterns-anti-corruption.md' },
  '20.3.1': { title: 'N+1 queries : Détection et correction (JOIN, LATERAL)', path: '20-drivers-connexion-applicative/03.1-n-plus-1-queries.md' },
  '20.3.2': { title: 'ORM vs SQL brut : Quand utiliser quoi', path: '20-drivers-connexion-applicative/03.2-orm-vs-sql-brut.md' },
  '20.3.3': { title: 'Lazy loading vs Eager loading', path: '20-drivers-connexion-applicative/03.3-lazy-vs-eager-loading.md' },
  '20.3.4': { title: 'Batching et bulk operations', path: '20-drivers-connexion-applicative/03.4-batching-bulk-operations.md' },
  '20.4': { title: "Principes de conception d'APIs avec PostgreSQL", path: '20-drivers-connexion-applicative/04-conception-apis.md' },
  '20.4.1': { title: 'Repository pattern', path: '20-drivers-connexion-applicative/04.1-repository-pattern.md' },
  '20.4.2': { title: 'Database migrations (Flyway, Liquibase, Alembic)', path: '20-drivers-connexion-applicative/04.2-database-migrations.md' },
  '20.4.3': { title: 'Schema versioning', path: '20-drivers-connexion-applicative/04.3-schema-versioning.md' },
  '20.4.4': { title: 'Zero-downtime deployments', path: '20-drivers-connexion-applicative/04.4-zero-downtime-deployments.md' },
  '20bis.2.2': { title: 'NOTIFY/LISTEN pour événements temps réel', path: '21-postgresql-et-architectures-modernes/02.2-notify-listen.md' },
  '20bis.3.2': { title: 'Connection pooling serverless (PgBouncer, RDS Proxy)', path: '21-postgresql-et-architectures-modernes/03.2-connection-pooling-serverless.md' },
  '20bis.3.3': { title: 'Cold starts et gestion des connexions', path: '21-postgresql-et-architectures-modernes/03.3-cold-starts-connexions.md' },
} as const satisfies Record<string, Omit<ChapterSection, 'id'>>;

export type ChapterId = keyof typeof CHAPTERS;

export function chapter(id: ChapterId): ChapterSection {
  return { id, ...CHAPTERS[id] };
}

/** Link to a section; `baseUrl` may point to a local clone (file:// URL or folder ending in '/'). */
export function chapterUrl(id: ChapterId, baseUrl: string = DEFAULT_DOCS_BASE_URL): string {
  const base = baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`;
  return base + CHAPTERS[id].path;
}
