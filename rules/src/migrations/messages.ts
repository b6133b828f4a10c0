/** Messages of the migration rules (English and French), shared by the rule files and lintMigrations. */
import type { Localized } from '../engine/types';

export const UNSAFE_MESSAGES = {
  indexWithoutConcurrently: {
    en: 'CREATE INDEX on "{table}", which already exists, blocks writes to it until the index is built: use CREATE INDEX CONCURRENTLY (outside a transaction).',
    fr: 'CREATE INDEX sur « {table} », table déjà existante, bloque les écritures jusqu’à la fin de la construction : utilisez CREATE INDEX CONCURRENTLY (hors transaction).',
  },
  concurrentlyInTransaction: {
    en: '{what} CONCURRENTLY cannot run inside a transaction, and {tool} runs this migration in one: the migration will fail. Put it alone in a migration that runs without a transaction.',
    fr: '{what} CONCURRENTLY ne peut pas s’exécuter dans une transaction, et {tool} exécute cette migration dans une transaction : elle échouera. Isolez-le dans une migration exécutée hors transaction.',
  },
  addColumnNotNull: {
    en: 'Adding NOT NULL column "{column}" to "{table}" without a DEFAULT fails as soon as the table has rows, and running code that inserts without it breaks: add a DEFAULT, or add it nullable, backfill, then enforce.',
    fr: 'Ajouter la colonne NOT NULL « {column} » à « {table} » sans DEFAULT échoue dès que la table contient des lignes, et le code en production qui insère sans elle casse : ajoutez un DEFAULT, ou ajoutez-la nullable, remplissez, puis imposez la contrainte.',
  },
  alterColumnType: {
    en: 'Changing the type of "{table}"."{column}" usually rewrites the table under an ACCESS EXCLUSIVE lock and can break running code: add a new column, backfill, switch the code, then drop the old one.',
    fr: 'Changer le type de « {table} ».« {column} » réécrit en général la table sous verrou ACCESS EXCLUSIVE et peut casser le code en cours : ajoutez une nouvelle colonne, remplissez-la, basculez le code, puis supprimez l’ancienne.',
  },
  setNotNull: {
    en: 'SET NOT NULL on "{table}"."{column}" scans the whole table under an ACCESS EXCLUSIVE lock: first add CHECK ("{column}" IS NOT NULL) NOT VALID, VALIDATE it, then SET NOT NULL.',
    fr: 'SET NOT NULL sur « {table} ».« {column} » parcourt toute la table sous verrou ACCESS EXCLUSIVE : ajoutez d’abord CHECK (« {column} » IS NOT NULL) NOT VALID, validez-la, puis SET NOT NULL.',
  },
  constraintNotValid: {
    en: 'Adding a {kind} constraint to "{table}" checks every row while holding a lock that blocks writes: add it NOT VALID, then VALIDATE CONSTRAINT in a later step.',
    fr: 'Ajouter une contrainte {kind} à « {table} » vérifie chaque ligne en tenant un verrou qui bloque les écritures : ajoutez-la NOT VALID, puis VALIDATE CONSTRAINT dans une étape suivante.',
  },
  dropColumn: {
    en: 'Dropping column "{table}"."{column}" breaks the version of the code still running during the deploy{usage}: stop using it in the code first, deploy, then drop it.',
    fr: 'Supprimer la colonne « {table} ».« {column} » casse la version du code encore en service pendant le déploiement{usage} : cessez d’abord de l’utiliser dans le code, déployez, puis supprimez-la.',
  },
  dropTable: {
    en: 'Dropping table "{table}" breaks the version of the code still running during the deploy{usage}: stop using it first, deploy, then drop it.',
    fr: 'Supprimer la table « {table} » casse la version du code encore en service pendant le déploiement{usage} : cessez d’abord de l’utiliser, déployez, puis supprimez-la.',
  },
  renameColumn: {
    en: 'Renaming "{table}"."{column}" to "{newName}" breaks the code still using the old name during the deploy{usage}: add the new column, write both, switch reads, then drop the old one (expand, migrate, contract).',
    fr: 'Renommer « {table} ».« {column} » en « {newName} » casse le code qui utilise encore l’ancien nom pendant le déploiement{usage} : ajoutez la nouvelle colonne, écrivez dans les deux, basculez les lectures, puis supprimez l’ancienne (étendre, migrer, réduire).',
  },
  renameTable: {
    en: 'Renaming table "{table}" to "{newName}" breaks the code still using the old name during the deploy{usage}: create the new name (e.g. a view or a new table), switch the code, then remove the old one.',
    fr: 'Renommer la table « {table} » en « {newName} » casse le code qui utilise encore l’ancien nom pendant le déploiement{usage} : créez le nouveau nom (une vue ou une nouvelle table), basculez le code, puis supprimez l’ancien.',
  },
  missingDown: {
    en: 'This {tool} migration has no down step: it cannot be rolled back if the deploy goes wrong.',
    fr: 'Cette migration {tool} n’a pas d’étape down : impossible de revenir en arrière si le déploiement tourne mal.',
  },
} satisfies Record<string, Localized>;

export type UnsafeMessageId = keyof typeof UNSAFE_MESSAGES;

export const INVALID_MESSAGES = {
  failed: {
    en: 'This migration statement fails on PostgreSQL: {message}',
    fr: 'Cette instruction de migration échoue sur PostgreSQL : {message}',
  },
} satisfies Record<string, Localized>;

export const MISSING_MESSAGES = {
  missingRelation: {
    en: 'No migration creates "{name}"{suggestion}.',
    fr: 'Aucune migration ne crée « {name} »{suggestion}.',
  },
  missingColumn: {
    en: 'Column "{name}" does not exist in "{table}" after the migrations{suggestion}.',
    fr: 'La colonne « {name} » n’existe pas dans « {table} » après les migrations{suggestion}.',
  },
  missingFromEntry: {
    en: '"{name}" is not a table or alias of this query{suggestion}.',
    fr: '« {name} » n’est ni une table ni un alias de cette requête{suggestion}.',
  },
  modelTable: {
    en: 'The model declares table "{name}" but no migration creates it{suggestion}: the model changed and no migration follows.',
    fr: 'Le modèle déclare la table « {name} » mais aucune migration ne la crée{suggestion} : le modèle a changé sans migration.',
  },
  modelColumn: {
    en: 'The model declares column "{name}" of "{table}" but no migration creates it{suggestion}: the model changed and no migration follows.',
    fr: 'Le modèle déclare la colonne « {name} » de « {table} » mais aucune migration ne la crée{suggestion} : le modèle a changé sans migration.',
  },
} satisfies Record<string, Localized>;

/** Live database checks (opt-in). `{db}` is always a redacted URL. */
export const LIVE_MESSAGES = {
  notApplied: {
    en: 'Migration "{name}" is in the folder but {tool} has not applied it to the database {db}: the code may expect what it creates.',
    fr: 'La migration « {name} » est dans le dossier mais {tool} ne l’a pas appliquée à la base {db} : le code attend peut-être ce qu’elle crée.',
  },
  liveSchema: {
    en: 'The live database {db} rejects this query: {message}.',
    fr: 'La base {db} refuse cette requête : {message}.',
  },
  poolSize: {
    en: 'The code opens {pools} pool(s) totalling {total} connections per process, but {db} accepts only {available} ({max} max_connections minus {reserved} reserved): requests will wait or fail. Lower the pool sizes (or put a pooler such as PgBouncer in front), and remember each running instance multiplies them.',
    fr: 'Le code ouvre {pools} pool(s) totalisant {total} connexions par processus, mais {db} n’en accepte que {available} ({max} max_connections moins {reserved} réservées) : les requêtes attendront ou échoueront. Réduisez la taille des pools (ou placez un pooler comme PgBouncer devant), et n’oubliez pas que chaque instance les multiplie.',
  },
  noHistory: {
    en: 'Live database {db}: no {table} table, so pglint cannot tell which {tool} migrations are applied.',
    fr: 'Base {db} : pas de table {table}, pglint ne peut pas savoir quelles migrations {tool} sont appliquées.',
  },
  historyFailed: {
    en: 'Could not read the {tool} migration history: {error}',
    fr: 'Impossible de lire l’historique des migrations {tool} : {error}',
  },
  unreachable: {
    en: 'Live database checks skipped: cannot connect to {db}: {error}',
    fr: 'Vérifications sur la base réelle ignorées : connexion impossible à {db} : {error}',
  },
  failed: {
    en: 'Live database checks stopped on {db}: {error}',
    fr: 'Vérifications sur la base réelle interrompues sur {db} : {error}',
  },
  noDriver: {
    en: 'Live database checks skipped: the pg driver is not available.',
    fr: 'Vérifications sur la base réelle ignorées : le pilote pg est indisponible.',
  },
} satisfies Record<string, Localized>;

export const SUGGESTION = { en: ' (did you mean "{s}"?)', fr: ' (vouliez-vous dire « {s} » ?)' } satisfies Localized;
