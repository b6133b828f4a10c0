/**
 * "Which database API is at this offset?" — a small syntactic lookup for the teaching hover shown on
 * node-postgres calls that carry no finding (`new Pool`, `pool.connect`, `pool.query`, `client.release`,
 * `BEGIN` through a client, `LISTEN`…). It reads the engine's model of the file: values by origin, not by name.
 */
import * as ts from 'typescript';
import { dbKind } from '../rules/src/engine/values';
import type { DbCall, FileModel } from '../rules/src/engine/model';
import type { ChapterId } from '../rules/src/chapters';
import type { Language } from '../rules/src/engine/types';

export type DbApiKind =
  | 'new-pool'
  | 'new-client'
  | 'pool-connect'
  | 'client-connect'
  | 'pool-query'
  | 'client-query'
  | 'release'
  | 'pool-end'
  | 'begin'
  | 'commit-rollback'
  | 'listen'
  | 'notify';

export interface DbApiHit {
  kind: DbApiKind;
  start: number;
  end: number;
}

/** Leading SQL keyword of a literal query argument (string, template, or `{ text: '…' }`). */
function sqlKeyword(arg: ts.Expression | undefined): string | undefined {
  if (!arg) return undefined;
  let text: string | undefined;
  if (ts.isStringLiteral(arg) || ts.isNoSubstitutionTemplateLiteral(arg)) text = arg.text;
  else if (ts.isTemplateExpression(arg)) text = arg.head.text;
  if (text === undefined) return undefined;
  const m = /^\s*(?:--[^\n]*\n\s*)*([A-Za-z]+)(?:\s+([A-Za-z]+))?/.exec(text);
  if (!m) return undefined;
  const first = m[1]!.toUpperCase();
  if (first === 'START' && m[2]?.toUpperCase() === 'TRANSACTION') return 'BEGIN';
  return first;
}

/** What a database call of the engine's model teaches (node-postgres values only, known by origin). */
function classifyCall(call: Pick<DbCall, 'kind' | 'method' | 'sqlArg'>): DbApiKind | undefined {
  const pool = call.kind === 'pg.Pool';
  const client = call.kind === 'pg.PoolClient' || call.kind === 'pg.Client';
  if (!pool && !client) return undefined;
  switch (call.method) {
    case 'connect':
      return pool ? 'pool-connect' : 'client-connect';
    case 'release':
      return client ? 'release' : undefined;
    case 'end':
      return pool ? 'pool-end' : undefined;
    case 'query': {
      const kw = sqlKeyword(call.sqlArg);
      if (kw === 'BEGIN') return 'begin';
      if (kw === 'COMMIT' || kw === 'ROLLBACK') return 'commit-rollback';
      if (kw === 'LISTEN' || kw === 'UNLISTEN') return 'listen';
      if (kw === 'NOTIFY') return 'notify';
      return pool ? 'pool-query' : 'client-query';
    }
    default:
      return undefined;
  }
}

/**
 * The innermost node-postgres API under `offset`: a call's method name, or `new Pool`/`new Client`.
 * Values are recognised by origin through the engine's model (an import of pg, a typed parameter…), never by name.
 */
export function dbApiAt(model: FileModel, offset: number): DbApiHit | undefined {
  const sf = model.sourceFile;
  let found: DbApiHit | undefined;
  const visit = (node: ts.Node): void => {
    if (offset < node.getFullStart() || offset > node.getEnd()) return;
    if (ts.isNewExpression(node)) {
      const kind = dbKind(model.valueOf(node));
      const end = node.expression.getEnd();
      if ((kind === 'pg.Pool' || kind === 'pg.Client') && offset >= node.getStart(sf) && offset <= end)
        found = { kind: kind === 'pg.Pool' ? 'new-pool' : 'new-client', start: node.getStart(sf), end };
    } else if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression)) {
      const name = node.expression.name;
      if (offset >= name.getStart(sf) && offset <= name.getEnd()) {
        // Calls that reach the database are in the model; others (pool.end()) are methods of a known value.
        const callee = model.valueOf(node.expression);
        const call = model.dbCallAt(node) ?? (callee?.t === 'method' ? { kind: callee.kind, method: callee.name, sqlArg: undefined } : undefined);
        const kind = call ? classifyCall(call) : undefined;
        if (kind) found = { kind, start: name.getStart(sf), end: name.getEnd() };
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return found;
}

export interface DbApiNote {
  title: string;
  text: string;
  chapters: ChapterId[];
}

/** Short teaching notes, written for pglint (not taken from the course), in both languages. */
export const DB_API_NOTES: Record<DbApiKind, Record<Language, DbApiNote>> = {
  'new-pool': {
    en: {
      title: 'new Pool(…) — a connection pool',
      text: 'A pool keeps a few connections open and lends them out. Size it for the database, not for the traffic (`max`), and set `connectionTimeoutMillis` and `idleTimeoutMillis` so a saturated or dead database fails fast instead of hanging requests. Create one pool per process and share it.',
      chapters: ['20.2.1', '20.2.3'],
    },
    fr: {
      title: 'new Pool(…) — un pool de connexions',
      text: 'Un pool garde quelques connexions ouvertes et les prête. Dimensionnez-le selon la base et non selon le trafic (`max`), et fixez `connectionTimeoutMillis` et `idleTimeoutMillis` pour échouer vite quand la base est saturée ou absente. Un seul pool par processus, partagé.',
      chapters: ['20.2.1', '20.2.3'],
    },
  },
  'new-client': {
    en: {
      title: 'new Client(…) — one dedicated connection',
      text: 'A `Client` is a single connection you open and close yourself. Use it for long-lived sessions (LISTEN, scripts); for request handling prefer a shared `Pool`, since opening a connection per request is slow and can exhaust `max_connections`.',
      chapters: ['20.2', '20.2.1'],
    },
    fr: {
      title: 'new Client(…) — une connexion dédiée',
      text: 'Un `Client` est une connexion unique que vous ouvrez et fermez vous-même. Réservez-le aux sessions longues (LISTEN, scripts) ; pour servir des requêtes, préférez un `Pool` partagé : ouvrir une connexion par requête est lent et peut épuiser `max_connections`.',
      chapters: ['20.2', '20.2.1'],
    },
  },
  'pool-connect': {
    en: {
      title: 'pool.connect() — checks out a client',
      text: 'The client you get is yours until you call `client.release()`. Release it in a `finally` block so an exception cannot leak it; a leaked client stays out of the pool forever, and after `max` leaks every request waits.',
      chapters: ['20.2.4', '20.2.1'],
    },
    fr: {
      title: 'pool.connect() — emprunte un client',
      text: 'Le client obtenu vous appartient jusqu’à `client.release()`. Libérez-le dans un bloc `finally` pour qu’une exception ne le perde pas : un client perdu ne revient jamais au pool, et après `max` fuites chaque requête attend.',
      chapters: ['20.2.4', '20.2.1'],
    },
  },
  'client-connect': {
    en: {
      title: 'client.connect() — opens a connection',
      text: 'Opening a connection costs a network round trip, authentication and a server process. Pair every `connect()` with an `end()` on all paths, or use a pool.',
      chapters: ['20.2', '20.2.4'],
    },
    fr: {
      title: 'client.connect() — ouvre une connexion',
      text: 'Ouvrir une connexion coûte un aller-retour réseau, une authentification et un processus serveur. Associez chaque `connect()` à un `end()` sur tous les chemins, ou utilisez un pool.',
      chapters: ['20.2', '20.2.4'],
    },
  },
  'pool-query': {
    en: {
      title: 'pool.query(…) — one statement on any free connection',
      text: 'Checks out a client, runs one statement and releases it. Consecutive calls may run on different connections, so never use it for `BEGIN`/`COMMIT` or session settings. Pass values as `$1, $2…` parameters, never by building the SQL string.',
      chapters: ['20.2.1', '20.1.2'],
    },
    fr: {
      title: 'pool.query(…) — une instruction sur une connexion libre',
      text: 'Emprunte un client, exécute une instruction et le rend. Deux appels successifs peuvent tomber sur deux connexions différentes : jamais de `BEGIN`/`COMMIT` ni de réglage de session ainsi. Passez les valeurs en paramètres `$1, $2…`, sans construire la chaîne SQL.',
      chapters: ['20.2.1', '20.1.2'],
    },
  },
  'client-query': {
    en: {
      title: 'client.query(…) — a statement on this connection',
      text: 'Runs on the connection you hold, so statements share its transaction and session state. Pass values as `$1, $2…` parameters; inside a loop, consider one set-based query instead (`= ANY($1)`, `unnest`).',
      chapters: ['20.1.2', '20.3.1'],
    },
    fr: {
      title: 'client.query(…) — une instruction sur cette connexion',
      text: 'S’exécute sur la connexion détenue : les instructions partagent sa transaction et sa session. Passez les valeurs en paramètres `$1, $2…` ; dans une boucle, préférez une seule requête ensembliste (`= ANY($1)`, `unnest`).',
      chapters: ['20.1.2', '20.3.1'],
    },
  },
  release: {
    en: {
      title: 'client.release() — returns the client to the pool',
      text: 'Call it exactly once, in `finally`. `release(err)` (with an error) destroys the connection instead of reusing it — do that when the connection may be in a bad state.',
      chapters: ['20.2.4'],
    },
    fr: {
      title: 'client.release() — rend le client au pool',
      text: 'Appelez-le une seule fois, dans `finally`. `release(err)` (avec une erreur) détruit la connexion au lieu de la réutiliser : utile quand son état est douteux.',
      chapters: ['20.2.4'],
    },
  },
  'pool-end': {
    en: {
      title: 'pool.end() — closes every connection',
      text: 'Call it once at shutdown (for example on SIGTERM) after the server stopped accepting work, so in-flight queries finish and the database sees clean disconnects.',
      chapters: ['20.2.4', '20.4.4'],
    },
    fr: {
      title: 'pool.end() — ferme toutes les connexions',
      text: 'Appelez-le une fois à l’arrêt (par exemple sur SIGTERM), après avoir cessé d’accepter du travail, pour que les requêtes en cours se terminent et que la base voie des déconnexions propres.',
      chapters: ['20.2.4', '20.4.4'],
    },
  },
  begin: {
    en: {
      title: "BEGIN — a transaction lives on one connection",
      text: 'Run `BEGIN`, the statements, and `COMMIT` on the same checked-out client, with `ROLLBACK` in `catch` and `release()` in `finally`. Through `pool.query` each statement may use another connection and the transaction silently does nothing. Behind PgBouncer in transaction mode, keep transactions short.',
      chapters: ['20.2.4', '20.2.2'],
    },
    fr: {
      title: 'BEGIN — une transaction vit sur une seule connexion',
      text: 'Exécutez `BEGIN`, les instructions et `COMMIT` sur le même client emprunté, avec `ROLLBACK` dans `catch` et `release()` dans `finally`. Via `pool.query`, chaque instruction peut partir sur une autre connexion et la transaction ne protège rien. Derrière PgBouncer en mode transaction, gardez-les courtes.',
      chapters: ['20.2.4', '20.2.2'],
    },
  },
  'commit-rollback': {
    en: {
      title: 'COMMIT / ROLLBACK — ends the transaction',
      text: 'Must run on the client that ran `BEGIN`. Put `ROLLBACK` in the `catch` branch so a failed statement does not leave the connection inside an aborted transaction when it goes back to the pool.',
      chapters: ['20.2.4'],
    },
    fr: {
      title: 'COMMIT / ROLLBACK — termine la transaction',
      text: 'Doit s’exécuter sur le client qui a lancé `BEGIN`. Placez `ROLLBACK` dans le `catch` pour qu’une erreur ne rende pas au pool une connexion restée dans une transaction avortée.',
      chapters: ['20.2.4'],
    },
  },
  listen: {
    en: {
      title: 'LISTEN — needs a dedicated connection',
      text: 'Notifications arrive on the connection that ran `LISTEN`. Use a long-lived `Client` (or a client checked out and never released), handle its `notification` and `error` events, and re-subscribe after reconnecting. `pool.query("LISTEN …")` listens on a connection you immediately give back. Does not work through PgBouncer in transaction mode.',
      chapters: ['20bis.2.2', '20.2.2'],
    },
    fr: {
      title: 'LISTEN — exige une connexion dédiée',
      text: 'Les notifications arrivent sur la connexion qui a exécuté `LISTEN`. Utilisez un `Client` de longue durée, gérez ses événements `notification` et `error`, et réabonnez-vous après reconnexion. `pool.query("LISTEN …")` écoute sur une connexion aussitôt rendue. Incompatible avec PgBouncer en mode transaction.',
      chapters: ['20bis.2.2', '20.2.2'],
    },
  },
  notify: {
    en: {
      title: 'NOTIFY — sent at commit',
      text: 'Inside a transaction the notification is delivered only when it commits. Prefer `SELECT pg_notify($1, $2)` to pass the channel and payload as parameters; keep payloads small (under 8000 bytes).',
      chapters: ['20bis.2.2'],
    },
    fr: {
      title: 'NOTIFY — envoyé au commit',
      text: 'Dans une transaction, la notification n’est délivrée qu’au commit. Préférez `SELECT pg_notify($1, $2)` pour passer canal et contenu en paramètres ; gardez des contenus courts (moins de 8000 octets).',
      chapters: ['20bis.2.2'],
    },
  },
};
