/**
 * no-missing-migration — SQL in the code, or a declared model, naming a table or column that the migrations do
 * not create (or that a later migration dropped or renamed). Chapters 20.4.2, 20.4.3.
 *
 * The schema comes from the project's migrations (rules/src/migrations: discoverMigrations + buildSchema).
 * check() runs when the project exposes the built schema through `migrationSchema()` (wired by the engine);
 * it checks the static SQL text arguments of database calls. Model checks and the "create migration" fix data
 * come from checkModels() and planMigration().
 */
import { defineRule } from '../engine/rule';
import type { MigrationSet, Schema } from '../migrations/types';
import { MISSING_MESSAGES as BASE_MESSAGES, LIVE_MESSAGES } from '../migrations/messages';

/** Static messages, plus the two the live database checks (checkLiveDatabase) report under this rule. */
const MISSING_MESSAGES = { ...BASE_MESSAGES, notApplied: LIVE_MESSAGES.notApplied, liveSchema: LIVE_MESSAGES.liveSchema };
import { problemMessage } from '../migrations/lint';
import { checkModels, modelColumns } from '../migrations/models';
import { codeProblems, createMigrationFix, missingItemOf, modelMessage, toolOfModelFile } from '../migrations/missing';

/** What the engine's Project offers once the migrations are built (optional: without it the rule is silent). */
export interface MigrationAwareProject {
  migrationSchema?: () => Schema | undefined;
  migrationSet?: () => MigrationSet | undefined;
}

const BAD = [
  "import { Pool } from 'pg';",
  'const pool = new Pool();',
  '',
  '// migrations: CREATE TABLE users (id serial PRIMARY KEY, email text NOT NULL);',
  'export async function findUser(id: number) {',
  "  const { rows } = await pool.query('SELECT id, nickname FROM users WHERE id = $1', [id]);",
  '  return rows[0];',
  '}',
].join('\n');

const GOOD = [
  "import { Pool } from 'pg';",
  'const pool = new Pool();',
  '',
  '// migrations: CREATE TABLE users (id serial PRIMARY KEY, email text NOT NULL);',
  'export async function findUser(id: number) {',
  "  const { rows } = await pool.query('SELECT id, email FROM users WHERE id = $1', [id]);",
  '  return rows[0];',
  '}',
].join('\n');

export default defineRule<keyof typeof MISSING_MESSAGES>({
  meta: {
    id: 'no-missing-migration',
    description: {
      en: 'Code or models use a table or column that no migration creates: code and schema history are out of step.',
      fr: 'Le code ou les modèles utilisent une table ou une colonne qu’aucune migration ne crée : code et historique du schéma sont désynchronisés.',
    },
    defaultSeverity: 'error',
    chapters: ['20.4.3', '20.4.2'],
    fixes: { createMigration: 'unsafe' },
    messages: MISSING_MESSAGES,
    defaultOptions: {},
    needsSchema: true,
    docs: {
      en: {
        summary: 'Builds the schema your migrations produce (Flyway, dbmate, golang-migrate, numbered SQL, Prisma, drizzle-kit, node-pg-migrate, knex, TypeORM) and checks against it every SQL text of the code whose content is known statically, and the Drizzle, TypeORM and Prisma models. A table, view or column that no migration creates — or that a later one dropped or renamed — is reported at its exact place in the string or on the model field, with a close existing name when there is one. Aliases, CTE names, functions, system catalogs and temporary tables created by the same code are not reported.',
        why: 'Code and schema change together, but they are deployed separately. A query written against a column that only exists in a developer’s local database, or a model field added without its migration, works on that machine and fails in CI or production with "column does not exist" — often in a path no test covers. Checking the code against the schema the migrations really produce catches the gap before the deploy.',
        bad: BAD,
        good: GOOD,
        fix: 'Quick fix "Create migration" (unsafe, on request: `pglint --fix --unsafe`, or from the editor): writes a new migration in the project’s own format and naming (next Flyway version, timestamped node-pg-migrate or dbmate file, Prisma folder, golang-migrate up/down pair, drizzle journal entry…) that adds the missing table or nullable column, and opens it. Check the types before applying it; when the name is a typo, use the suggested name instead.',
      },
      fr: {
        summary: 'Construit le schéma que produisent vos migrations (Flyway, dbmate, golang-migrate, SQL numérotés, Prisma, drizzle-kit, node-pg-migrate, knex, TypeORM) et vérifie contre lui chaque texte SQL du code dont le contenu est connu statiquement, ainsi que les modèles Drizzle, TypeORM et Prisma. Une table, une vue ou une colonne qu’aucune migration ne crée — ou qu’une migration suivante supprime ou renomme — est signalée à sa position exacte dans la chaîne ou sur le champ du modèle, avec un nom existant proche s’il y en a un. Alias, noms de CTE, fonctions, catalogues système et tables temporaires créées par le même code ne sont pas signalés.',
        why: 'Le code et le schéma évoluent ensemble mais se déploient séparément. Une requête écrite contre une colonne qui n’existe que dans la base locale d’un développeur, ou un champ de modèle ajouté sans sa migration, fonctionne sur ce poste et échoue en CI ou en production avec « column does not exist » — souvent dans un chemin qu’aucun test ne couvre. Vérifier le code contre le schéma réellement produit par les migrations révèle l’écart avant le déploiement.',
        bad: BAD,
        good: GOOD,
        fix: 'Correction rapide « Créer une migration » (non sûre, sur demande : `pglint --fix --unsafe`, ou depuis l’éditeur) : écrit une nouvelle migration au format et au nommage du projet (version Flyway suivante, fichier horodaté node-pg-migrate ou dbmate, dossier Prisma, paire up/down golang-migrate, entrée du journal drizzle…) qui ajoute la table ou la colonne nullable manquante, et l’ouvre. Vérifiez les types avant de l’appliquer ; si le nom est une faute de frappe, utilisez plutôt le nom suggéré.',
      },
    },
  },
  check(ctx) {
    const project = ctx.project as unknown as MigrationAwareProject;
    const schema = project.migrationSchema?.();
    if (!schema) return;
    const set = project.migrationSet?.();
    type Id = keyof typeof MISSING_MESSAGES;
    // SQL texts and builder chains.
    for (const p of codeProblems(ctx.file, schema)) {
      const m = problemMessage(p, ctx.language);
      const item = missingItemOf(p);
      const fix = item ? createMigrationFix(set, schema, [item], ctx.language) : undefined;
      ctx.report({ start: p.start, end: Math.max(p.start, p.end), messageId: m.messageId as Id, data: m.data, ...(fix ? { fixes: [fix] } : {}) });
    }
    // Declared models (Drizzle pgTable, TypeORM @Entity) in this file; schema.prisma is checked by Project.prepare().
    const text = ctx.file.text;
    if (/\bpgTable\b|\bpgSchema\b|@Entity\b/.test(text)) {
      const files = [{ file: ctx.file.path, text }];
      for (const p of checkModels(files, schema, set?.modelOptions ?? {})) {
        const m = modelMessage(p, ctx.language);
        const tableColumns = p.missing.column ? undefined : { [p.missing.table]: modelColumns(files, p.missing.table, set?.modelOptions ?? {}) };
        const fix = createMigrationFix(set, schema, [p.missing], ctx.language, { preferTool: toolOfModelFile(ctx.file.path, text), tableColumns });
        ctx.report({ start: p.start, end: p.end, messageId: m.messageId as Id, data: m.data, ...(fix ? { fixes: [fix] } : {}) });
      }
    }
  },
});
