/**
 * no-invalid-migration — a migration statement that PostgreSQL rejects when the migrations are replayed in an
 * embedded PGlite. Findings come from `lintMigrations()` (rules/src/migrations), which the engine calls with the
 * project's migration set; this file carries the rule's metadata and docs. Chapters 20.4.2, 20.4.3.
 */
import { defineRule } from '../engine/rule';
import { INVALID_MESSAGES } from '../migrations/messages';

const BAD = ['-- V2__add_nickname.sql', 'ALTER TABLE userz ADD COLUMN nickname text;  -- the table is "users"'].join('\n');
const GOOD = ['-- V2__add_nickname.sql', 'ALTER TABLE users ADD COLUMN nickname text;'].join('\n');

export default defineRule<keyof typeof INVALID_MESSAGES>({
  meta: {
    id: 'no-invalid-migration',
    description: {
      en: 'A migration statement fails when the migrations are applied in order to an empty database.',
      fr: 'Une instruction de migration échoue quand les migrations sont appliquées dans l’ordre sur une base vide.',
    },
    defaultSeverity: 'error',
    chapters: ['20.4.2', '20.4.3'],
    fixes: {},
    messages: INVALID_MESSAGES,
    defaultOptions: {},
    docs: {
      en: {
        summary: 'pglint replays every migration, in the order its tool uses, in an embedded PostgreSQL (PGlite, in memory, never your database). A statement PostgreSQL refuses is reported at that statement with PostgreSQL’s own message; the replay skips it and goes on, so one mistake does not hide the rest. When every statement is plain DDL that PostgreSQL certainly accepts (tables, columns of built-in types, keys, indexes…), pglint works the schema out from the statements themselves and does not need to start PGlite: the result is the same, only faster.',
        why: 'A migration that cannot run from scratch breaks every new environment: a teammate’s laptop, CI, a disaster-recovery rebuild. It often means the history was edited after being applied, or two branches were merged in the wrong order. The schema the rest of pglint checks your code against is also wrong from that point on.',
        bad: BAD,
        good: GOOD,
        fix: 'No automatic fix: correct the statement in a new migration if the broken one was already applied somewhere (never edit an applied migration), or fix it in place if it never left your machine.',
      },
      fr: {
        summary: 'pglint rejoue chaque migration, dans l’ordre de son outil, dans un PostgreSQL embarqué (PGlite, en mémoire, jamais votre base). Une instruction refusée par PostgreSQL est signalée sur cette instruction avec le message de PostgreSQL ; le rejeu l’ignore et continue, pour qu’une erreur n’en masque pas d’autres. Quand chaque instruction est du DDL simple que PostgreSQL accepte à coup sûr (tables, colonnes de types intégrés, clés, index…), pglint déduit le schéma des instructions elles-mêmes sans démarrer PGlite : le résultat est le même, en plus rapide.',
        why: 'Une migration qui ne s’exécute pas depuis zéro casse chaque nouvel environnement : poste d’un collègue, CI, reconstruction après incident. C’est souvent le signe d’un historique modifié après application, ou de deux branches fusionnées dans le mauvais ordre. Le schéma contre lequel pglint vérifie ensuite le code est faux à partir de là.',
        bad: BAD,
        good: GOOD,
        fix: 'Pas de correction automatique : corrigez l’instruction dans une nouvelle migration si la fautive a déjà été appliquée quelque part (ne modifiez jamais une migration appliquée), ou sur place si elle n’a jamais quitté votre poste.',
      },
    },
  },
  check() {
    // Findings are produced per project by lintMigrations(set, build) (rules/src/migrations/lint.ts).
  },
});
