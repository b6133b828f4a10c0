/**
 * no-unsafe-migration — migration steps that lock a busy table or break the code still running during a rolling
 * deploy (chapter 20.4.4). Findings come from `lintMigrations()` (rules/src/migrations), which the engine calls
 * with the project's migration set and the built schema; this file carries the rule's metadata and docs.
 */
import { defineRule } from '../engine/rule';
import { UNSAFE_MESSAGES } from '../migrations/messages';

const BAD = [
  '-- V7__orders_status.sql (orders already holds millions of rows)',
  'ALTER TABLE orders ADD COLUMN status text NOT NULL;',
  'CREATE INDEX orders_status_idx ON orders (status);',
  'ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id);',
].join('\n');

const GOOD = [
  "-- V7__orders_status.sql",
  "ALTER TABLE orders ADD COLUMN status text NOT NULL DEFAULT 'new';",
  'ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;',
  'ALTER TABLE orders VALIDATE CONSTRAINT orders_user_fk;',
  '-- V8__orders_status_idx.sql (a migration the tool runs outside a transaction)',
  'CREATE INDEX CONCURRENTLY orders_status_idx ON orders (status);',
].join('\n');

export default defineRule<keyof typeof UNSAFE_MESSAGES>({
  meta: {
    id: 'no-unsafe-migration',
    description: {
      en: 'A migration step that blocks a live table or breaks the running code during a zero-downtime deploy.',
      fr: 'Une étape de migration qui bloque une table en service ou casse le code en cours pendant un déploiement sans interruption.',
    },
    defaultSeverity: 'warn',
    chapters: ['20.4.4', '20.4.2'],
    fixes: {},
    messages: UNSAFE_MESSAGES,
    defaultOptions: {},
    docs: {
      en: {
        summary: 'Checks the migrations themselves — SQL files and the SQL that node-pg-migrate, knex and TypeORM builders produce — for: CREATE INDEX without CONCURRENTLY on a table that existed before the migration; CONCURRENTLY inside a migration its tool wraps in a transaction; ADD COLUMN … NOT NULL without DEFAULT; ALTER COLUMN … TYPE; SET NOT NULL without a validated CHECK (col IS NOT NULL); FOREIGN KEY or CHECK added without NOT VALID; DROP or RENAME of a table or column (with the places the code still uses it, when known); a migration without a down step in a tool that has one (knex, node-pg-migrate, golang-migrate, dbmate). Tables created by the same migration are empty, so their indexes and constraints are not reported.',
        why: 'During a rolling deploy the old and the new version of the application run side by side against the same database, and the migration runs while both serve traffic. Statements that take an ACCESS EXCLUSIVE or SHARE lock for as long as they scan or rewrite a big table queue every query behind them: the site stalls. Renames and drops break the old version still running. Adding NOT NULL without a default fails on a table with rows, and breaks inserts from the old code. A migration without a down step leaves no quick way back if the release must be rolled back.',
        bad: BAD,
        good: GOOD,
        fix: 'No automatic rewrite: the safe form spans several deploys (expand, migrate, contract). Each message says the safe sequence: CONCURRENTLY in a migration run without a transaction; NOT VALID then VALIDATE CONSTRAINT; a DEFAULT, or nullable + backfill + constraint; a new column + backfill instead of a type change; stop using a column in the code, deploy, then drop it.',
      },
      fr: {
        summary: 'Vérifie les migrations elles-mêmes — fichiers SQL et SQL produit par les builders node-pg-migrate, knex et TypeORM — pour : CREATE INDEX sans CONCURRENTLY sur une table qui existait avant la migration ; CONCURRENTLY dans une migration que son outil exécute en transaction ; ADD COLUMN … NOT NULL sans DEFAULT ; ALTER COLUMN … TYPE ; SET NOT NULL sans CHECK (col IS NOT NULL) validée ; FOREIGN KEY ou CHECK ajoutée sans NOT VALID ; DROP ou RENAME d’une table ou d’une colonne (avec les endroits du code qui l’utilisent encore, quand ils sont connus) ; migration sans étape down dans un outil qui en a une (knex, node-pg-migrate, golang-migrate, dbmate). Une table créée par la même migration est vide : ses index et contraintes ne sont pas signalés.',
        why: 'Pendant un déploiement progressif, l’ancienne et la nouvelle version de l’application tournent ensemble sur la même base, et la migration s’exécute pendant qu’elles servent le trafic. Une instruction qui prend un verrou ACCESS EXCLUSIVE ou SHARE le temps de parcourir ou réécrire une grosse table met toutes les requêtes en file : le site se fige. Renommages et suppressions cassent l’ancienne version encore en service. Ajouter NOT NULL sans défaut échoue sur une table non vide et casse les insertions de l’ancien code. Une migration sans étape down ne laisse pas de retour rapide si la version doit être annulée.',
        bad: BAD,
        good: GOOD,
        fix: 'Pas de réécriture automatique : la forme sûre s’étale sur plusieurs déploiements (étendre, migrer, réduire). Chaque message donne la séquence sûre : CONCURRENTLY dans une migration exécutée hors transaction ; NOT VALID puis VALIDATE CONSTRAINT ; un DEFAULT, ou nullable + remplissage + contrainte ; une nouvelle colonne + remplissage plutôt qu’un changement de type ; cesser d’utiliser la colonne dans le code, déployer, puis la supprimer.',
      },
    },
  },
  check() {
    // Findings are produced per project by lintMigrations(set, build) (rules/src/migrations/lint.ts).
  },
});
