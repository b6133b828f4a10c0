/**
 * no-unreleased-client — a client checked out of a pool (or a standalone Client connected in a
 * function) that is not given back on every path, the exception path included.
 * Chapter 20.2.4, 20.2.1.
 */
import * as ts from 'typescript';
import { defineRule } from '../engine/rule';
import { runBody, type Outcome, type ResourceState } from '../engine/flow';
import { resolveIdentifier, type Binding } from '../engine/scope';
import { dbKind } from '../engine/values';
import { isTestFile } from '../engine/parse';
import { staticText } from '../engine/sqltext';
import type { FileModel } from '../engine/model';
import type { Fix, Language, RelatedLocation } from '../engine/types';

type MessageId = 'notReleased' | 'notReleasedOnError' | 'neverReleased' | 'clientNotEnded' | 'clientNotEndedOnError';

const BAD = [
  "import { Pool } from 'pg';",
  'const pool = new Pool();',
  '',
  'export async function transfer(from: number, to: number, amount: number) {',
  '  const client = await pool.connect();',
  "  await client.query('BEGIN');",
  "  await client.query('UPDATE accounts SET balance = balance - $1 WHERE id = $2', [amount, from]);",
  "  await client.query('UPDATE accounts SET balance = balance + $1 WHERE id = $2', [amount, to]);",
  "  await client.query('COMMIT');",
  '  client.release();',
  '}',
].join('\n');

const GOOD = [
  "import { Pool } from 'pg';",
  'const pool = new Pool();',
  '',
  'export async function transfer(from: number, to: number, amount: number) {',
  '  const client = await pool.connect();',
  '  try {',
  "    await client.query('BEGIN');",
  "    await client.query('UPDATE accounts SET balance = balance - $1 WHERE id = $2', [amount, from]);",
  "    await client.query('UPDATE accounts SET balance = balance + $1 WHERE id = $2', [amount, to]);",
  "    await client.query('COMMIT');",
  '  } catch (err) {',
  "    await client.query('ROLLBACK');",
  '    throw err;',
  '  } finally {',
  '    client.release();',
  '  }',
  '}',
].join('\n');

interface Acquisition {
  /** Where to report (the acquiring call, or `new Client(`). */
  reportNode: ts.Node;
  /** The expression after whose evaluation the client is held. */
  trigger: ts.Node;
  /** The variable holding the client (undefined: the result is dropped). */
  binding?: Binding;
  /** Extra release bindings (the `done` callback). */
  doneBinding?: Binding;
  /** The function whose paths are checked. */
  body: ts.Node;
  initial: ResourceState;
  errParam?: Binding;
  kind: 'pool' | 'client' | 'callback';
  /** Method names that give the client back. */
  releaseNames: string[];
}

const RELEASE_NAMES = ['release', 'end', 'done'];

export default defineRule<MessageId>({
  meta: {
    id: 'no-unreleased-client',
    description: {
      en: 'A client checked out of a pool is not released on every path (connection leak).',
      fr: 'Un client emprunté au pool n’est pas rendu sur tous les chemins (fuite de connexion).',
    },
    defaultSeverity: 'error',
    chapters: ['20.2.4', '20.2.1'],
    fixes: { moveToFinally: 'safe', wrapTryFinally: 'unsafe' },
    messages: {
      notReleased: {
        en: 'This client is not released when the function {exit}: the pool loses a connection each time, and requests wait once it is empty. Release it in a `finally` block.',
        fr: 'Ce client n’est pas rendu quand la fonction {exit} : le pool perd une connexion à chaque fois, et les requêtes attendent quand il est vide. Rendez-le dans un bloc `finally`.',
      },
      notReleasedOnError: {
        en: 'This client is not released if {exit}: the error path leaks a pool connection. Put everything after `connect()` inside `try { … } finally { client.release() }`.',
        fr: 'Ce client n’est pas rendu si {exit} : le chemin d’erreur fait fuir une connexion du pool. Placez tout ce qui suit `connect()` dans `try { … } finally { client.release() }`.',
      },
      neverReleased: {
        en: 'This client is checked out of the pool and never released. Use `pool.query()` for a single query, or release it in a `finally` block.',
        fr: 'Ce client est emprunté au pool et jamais rendu. Utilisez `pool.query()` pour une requête unique, ou rendez-le dans un bloc `finally`.',
      },
      clientNotEndedOnError: {
        en: 'This Client is connected here but not closed with `end()` if {exit}: each failure leaves a server connection open. Close it in a `finally` block, or use a Pool.',
        fr: 'Ce Client est connecté ici mais pas fermé par `end()` si {exit} : chaque échec laisse une connexion ouverte sur le serveur. Fermez-le dans un bloc `finally`, ou utilisez un Pool.',
      },
      clientNotEnded: {
        en: 'This Client is connected here but not closed with `end()` when the function {exit}: each call leaves a server connection open. Close it in a `finally` block, or use a Pool.',
        fr: 'Ce Client est connecté ici mais pas fermé par `end()` quand la fonction {exit} : chaque appel laisse une connexion ouverte sur le serveur. Fermez-le dans un bloc `finally`, ou utilisez un Pool.',
      },
    },
    defaultOptions: { releaseFunctions: [], acquireFunctions: [] },
    docs: {
      en: {
        summary: 'Reports a client checked out of a pool (`await pool.connect()`, `pool.connect((err, client, done) => …)`, `db.connect()`, `sql.reserve()`, `createQueryRunner()`) that is not given back on every path — returns, thrown errors and rejected awaits included — and a `new Client()` connected inside a function and never ended.',
        why: 'A pool has a fixed number of connections. A client that is not released stays checked out for ever: after a few errors the pool is empty and every request waits for `connectionTimeoutMillis`, then fails. The error path is the one that leaks: an `await client.query(\'BEGIN\')` placed before the `try` whose `finally` releases can throw and skip the release.',
        bad: BAD,
        good: GOOD,
        fix: 'Quick fix "Move the release into finally" (safe): the statements between `connect()` and the release are wrapped in `try { … } finally { client.release() }` — with a `catch` that runs `ROLLBACK` and rethrows when they open a transaction, so no client goes back to the pool inside an aborted transaction; when there is no release at all, "Wrap in try/finally" (unsafe: it adds a release the code did not have) does the same. Not reported: a release in `finally`, `pool.query()` (it releases by itself), a client returned to the caller or stored in an object that releases it later, `using`, and helpers that take a callback and release in `finally` (`withClient(pool, async (c) => …)`). Extra acquire/release functions can be configured with the `acquireFunctions` and `releaseFunctions` options. In test files only leaks on normal paths are reported: an error there has already failed the test.',
      },
      fr: {
        summary: 'Signale un client emprunté à un pool (`await pool.connect()`, `pool.connect((err, client, done) => …)`, `db.connect()`, `sql.reserve()`, `createQueryRunner()`) qui n’est pas rendu sur tous les chemins — retours, erreurs levées et `await` rejetés compris — ainsi qu’un `new Client()` connecté dans une fonction et jamais fermé.',
        why: 'Un pool a un nombre fixe de connexions. Un client non rendu reste emprunté pour toujours : après quelques erreurs le pool est vide et chaque requête attend `connectionTimeoutMillis`, puis échoue. C’est le chemin d’erreur qui fuit : un `await client.query(\'BEGIN\')` placé avant le `try` dont le `finally` rend le client peut lever une erreur et sauter le `release()`.',
        bad: BAD,
        good: GOOD,
        fix: 'Correction rapide « Déplacer le release dans finally » (sûre) : les instructions entre `connect()` et le `release()` sont placées dans `try { … } finally { client.release() }` — avec un `catch` qui exécute `ROLLBACK` et relance l’erreur quand elles ouvrent une transaction, pour qu’aucun client ne revienne au pool dans une transaction avortée ; s’il n’y a aucun `release()`, « Entourer de try/finally » (non sûre : elle ajoute un `release()` absent du code) fait de même. Non signalés : un `release()` dans `finally`, `pool.query()` (qui rend le client seul), un client renvoyé à l’appelant ou stocké dans un objet qui le rendra plus tard, `using`, et les fonctions qui prennent un callback et rendent le client dans `finally` (`withClient(pool, async (c) => …)`). Des fonctions d’emprunt et de restitution supplémentaires se configurent avec les options `acquireFunctions` et `releaseFunctions`. Dans les fichiers de test, seules les fuites sur les chemins normaux sont signalées : une erreur y fait déjà échouer le test.',
      },
    },
  },
  check(ctx) {
    const file = ctx.file;
    const releaseFns = new Set((ctx.options.releaseFunctions as string[] | undefined) ?? []);
    const acquireFns = new Set((ctx.options.acquireFunctions as string[] | undefined) ?? []);
    // In tests, an error path means the test already failed: only leaks on normal paths matter there.
    const testFile = isTestFile(file.path);
    for (const acq of findAcquisitions(file, acquireFns)) {
      const leak = analyse(acq, file, releaseFns, testFile);
      if (!leak) continue;
      const fr = ctx.language === 'fr';
      const { messageId, exit, related } = describe(acq, leak, file, fr ? 'fr' : 'en');
      ctx.report({
        node: acq.reportNode,
        messageId,
        data: { exit },
        related,
        fixes: acq.kind === 'pool' ? buildFix(acq, leak, file, fr) : undefined,
      });
    }
  },
});

// ── finding acquisitions ─────────────────────────────────────────────────────

function enclosingBody(n: ts.Node): ts.Node | undefined {
  let cur: ts.Node | undefined = n.parent;
  while (cur) {
    if (ts.isFunctionLike(cur)) return (cur as ts.FunctionLikeDeclaration).body;
    if (ts.isSourceFile(cur)) return cur;
    cur = cur.parent;
  }
  return undefined;
}

function skipWrappers(n: ts.Node): ts.Node {
  let cur = n;
  while (ts.isAwaitExpression(cur.parent) || ts.isParenthesizedExpression(cur.parent) || ts.isAsExpression(cur.parent) || ts.isNonNullExpression(cur.parent)) cur = cur.parent;
  return cur;
}

function findAcquisitions(file: FileModel, acquireFns: Set<string>): Acquisition[] {
  const out: Acquisition[] = [];
  const consider = (call: ts.CallExpression, releaseNames: string[] = RELEASE_NAMES): void => {
    // promise form: pool.connect().then((client) => { … })
    const thenCall = call.parent && ts.isPropertyAccessExpression(call.parent) && call.parent.name.text === 'then' && ts.isCallExpression(call.parent.parent) ? call.parent.parent : undefined;
    const thenCb = thenCall?.arguments[0];
    if (thenCb && (ts.isArrowFunction(thenCb) || ts.isFunctionExpression(thenCb)) && thenCb.parameters[0] && ts.isIdentifier(thenCb.parameters[0].name)) {
      const clientB = resolveIdentifier(thenCb.parameters[0].name);
      if (clientB) out.push({ reportNode: call, trigger: call, binding: clientB, body: thenCb.body, initial: 1, kind: 'callback', releaseNames });
      return;
    }
    // callback form: pool.connect((err, client, done) => { … })
    const cb = call.arguments.find((a) => ts.isArrowFunction(a) || ts.isFunctionExpression(a)) as ts.ArrowFunction | ts.FunctionExpression | undefined;
    if (cb) {
      if (cb.parameters.length < 2) return;
      const params = cb.parameters.map((p) => (ts.isIdentifier(p.name) ? resolveIdentifier(p.name) : undefined));
      const clientB = params[1];
      if (!clientB) return;
      out.push({ reportNode: call, trigger: call, binding: clientB, doneBinding: params[2], body: cb.body, initial: 1, errParam: params[0], kind: 'callback', releaseNames: RELEASE_NAMES });
      return;
    }
    const outer = skipWrappers(call);
    const p = outer.parent;
    const body = enclosingBody(call);
    if (!body) return;
    if (ts.isVariableDeclaration(p) && p.initializer === outer) {
      if ((p.parent.flags & ts.NodeFlags.Using) !== 0) return; // using / await using
      if (!ts.isIdentifier(p.name)) return;
      const b = resolveIdentifier(p.name);
      if (b) out.push({ reportNode: call, trigger: p, binding: b, body, initial: 0, kind: 'pool', releaseNames });
      return;
    }
    if (ts.isBinaryExpression(p) && p.operatorToken.kind === ts.SyntaxKind.EqualsToken && p.right === outer && ts.isIdentifier(p.left)) {
      const b = resolveIdentifier(p.left);
      if (b) out.push({ reportNode: call, trigger: p, binding: b, body, initial: 0, kind: 'pool', releaseNames });
      return;
    }
    if (ts.isExpressionStatement(p)) out.push({ reportNode: call, trigger: p, body, initial: 0, kind: 'pool', releaseNames });
    // anything else (returned, passed along, destructured) hands the client over: not ours to check
  };
  for (const c of file.dbCalls()) {
    if (c.role === 'acquire' && ts.isCallExpression(c.node)) consider(c.node);
    // knex: `await knex.transaction()` without a handler holds a connection until commit() or rollback()
    if (c.role === 'scoped' && c.lib === 'knex' && c.method === 'transaction' && ts.isCallExpression(c.node) && !c.node.arguments.some((a) => ts.isArrowFunction(a) || ts.isFunctionExpression(a)))
      consider(c.node, ['commit', 'rollback']);
  }
  if (acquireFns.size) {
    const visit = (n: ts.Node): void => {
      if (ts.isCallExpression(n)) {
        const name = ts.isIdentifier(n.expression) ? n.expression.text : ts.isPropertyAccessExpression(n.expression) ? n.expression.name.text : '';
        if (acquireFns.has(name)) consider(n);
      }
      ts.forEachChild(n, visit);
    };
    visit(file.sourceFile);
  }
  // new Client() connected in a function and never ended
  for (const c of file.dbCalls()) {
    if (c.role !== 'connect' || !ts.isCallExpression(c.node) || !ts.isPropertyAccessExpression(c.node.expression)) continue;
    const recv = c.node.expression.expression;
    if (!ts.isIdentifier(recv)) continue;
    const b = resolveIdentifier(recv);
    if (!b || b.kind !== 'var' || !ts.isVariableDeclaration(b.decl) || !b.decl.initializer) continue;
    const init = skipParens(b.decl.initializer);
    if (!ts.isNewExpression(init)) continue;
    const body = enclosingBody(b.decl);
    if (!body || ts.isSourceFile(body) || enclosingBody(c.node) !== body) continue;
    out.push({ reportNode: init, trigger: skipWrappers(c.node), binding: b, body, initial: 0, kind: 'client', releaseNames: RELEASE_NAMES });
  }
  return out;
}

function skipParens(e: ts.Expression): ts.Expression {
  let x = e;
  while (ts.isParenthesizedExpression(x) || ts.isAsExpression(x)) x = x.expression;
  return x;
}

// ── path analysis ────────────────────────────────────────────────────────────

function analyse(acq: Acquisition, file: FileModel, releaseFns: Set<string>, ignoreErrorPaths = false): Outcome | undefined {
  const holds = (n: ts.Node, b: Binding | undefined): boolean => {
    if (!b || !ts.isIdentifier(n) || n.text !== b.name.text) return false;
    return resolveIdentifier(n)?.decl === b.decl;
  };
  const handedOver = { value: false };
  const effect = (node: ts.Node, state: ResourceState): ResourceState => {
    let s = state;
    if (s === 0 && contains(node, acq.trigger)) s = 1;
    if (s !== 1) return s;
    if (!acq.binding) return s;
    if (givesBack(node, acq, file, releaseFns, holds, handedOver, effect)) return 2;
    return s;
  };
  const isNotAcquiredTest = (cond: ts.Expression): boolean => {
    if (!acq.errParam) return false;
    const c = skipParens(cond);
    if (holds(c, acq.errParam)) return true;
    if (ts.isBinaryExpression(c) && (c.operatorToken.kind === ts.SyntaxKind.ExclamationEqualsToken || c.operatorToken.kind === ts.SyntaxKind.ExclamationEqualsEqualsToken))
      return holds(skipParens(c.left), acq.errParam) || holds(skipParens(c.right), acq.errParam);
    return false;
  };
  const outcomes = runBody(acq.body, { effect, isNotAcquiredTest }, acq.initial);
  // A standalone Client returned or stored somewhere: a factory; whoever receives it ends it.
  // (A pool client handed over is released on that path only: its other paths are still checked.)
  if (handedOver.value && acq.kind === 'client') return undefined;
  // Leaks: any exit with the client still held. Prefer reporting an error path, then a return, then the end.
  const leaks = outcomes.filter((o) => o.state === 1 && !(ignoreErrorPaths && o.kind === 'throw'));
  if (!leaks.length) return undefined;
  if (!acq.binding) return leaks[0];
  return leaks.find((o) => o.kind === 'return') ?? leaks.find((o) => o.kind === 'normal') ?? leaks[0];
}

function contains(outer: ts.Node, inner: ts.Node): boolean {
  return inner.pos >= outer.pos && inner.end <= outer.end && inner.getSourceFile() === outer.getSourceFile();
}

/** Whether evaluating `node` releases the client or hands it over to someone else. */
function givesBack(
  node: ts.Node, acq: Acquisition, file: FileModel, releaseFns: Set<string>,
  holds: (n: ts.Node, b: Binding | undefined) => boolean,
  handedOver: { value: boolean },
  effect: (node: ts.Node, state: ResourceState) => ResourceState,
): boolean {
  let result = false;
  /** A release inside a callback counts only if that callback releases on all its paths and runs on failure too. */
  const countsInCallback = (n: ts.Node): boolean => {
    let fn: ts.Node | undefined = n.parent;
    while (fn && fn !== node && !ts.isFunctionLike(fn)) fn = fn.parent;
    if (!fn || fn === node || !ts.isFunctionLike(fn) || !(fn.pos >= node.pos && fn.end <= node.end)) return true;
    const call = fn.parent;
    if (ts.isCallExpression(call) && ts.isPropertyAccessExpression(call.expression) && call.expression.name.text === 'then' && call.arguments[0] === fn && call.arguments.length < 2) return false;
    const body = (fn as ts.FunctionLikeDeclaration).body;
    if (!body) return true;
    const outs = runBody(body, { effect }, 1);
    return !outs.some((o) => o.state === 1);
  };
  const visit = (n: ts.Node): void => {
    if (result) return;
    if (ts.isCallExpression(n)) {
      // client.release() / client.end() / connection.done() / done()
      const call = file.dbCallAt(n);
      if (call?.role === 'release') {
        const callee = n.expression;
        if (ts.isPropertyAccessExpression(callee) && holds(skipParens(callee.expression), acq.binding)) result = true;
        if (ts.isIdentifier(callee) && holds(callee, acq.doneBinding)) result = true;
      }
      if (ts.isIdentifier(n.expression) && holds(n.expression, acq.doneBinding)) result = true;
      // client?.release()
      if (ts.isPropertyAccessExpression(n.expression) && acq.releaseNames.includes(n.expression.name.text) && holds(skipParens(n.expression.expression), acq.binding)) result = true;
      const calleeName = ts.isIdentifier(n.expression) ? n.expression.text : ts.isPropertyAccessExpression(n.expression) ? n.expression.name.text : '';
      if (releaseFns.has(calleeName) && n.arguments.some((a) => holds(skipParens(a), acq.binding))) result = true;
      if (result && !countsInCallback(n)) result = false;
    }
    if (result) return;
    if (ts.isIdentifier(n) && holds(n, acq.binding) && handsOver(n, file, acq)) {
      handedOver.value = true;
      result = true;
      return;
    }
    ts.forEachChild(n, visit);
  };
  visit(node);
  return result;
}

/** A use of the client variable that transfers ownership (returned, stored, passed to code that keeps it). */
function handsOver(id: ts.Identifier, file: FileModel, acq: Acquisition): boolean {
  let cur: ts.Node = id;
  while (ts.isParenthesizedExpression(cur.parent) || ts.isAsExpression(cur.parent) || ts.isNonNullExpression(cur.parent)) cur = cur.parent;
  const p = cur.parent;
  if (ts.isPropertyAccessExpression(p) && p.expression === cur) return false; // client.query(…)
  if ((ts.isCallExpression(p) && p.expression === cur) || (ts.isTaggedTemplateExpression(p) && p.tag === cur)) return false; // trx('t'), reserved`…`
  if (ts.isElementAccessExpression(p) && p.expression === cur) return false;
  if (ts.isVariableDeclaration(p) && p.name === id) return false;
  if (ts.isIfStatement(p) || ts.isPrefixUnaryExpression(p) || ts.isConditionalExpression(p) && p.condition === cur) return false;
  if (ts.isBinaryExpression(p) && p.left === cur) return false; // client = …
  if (ts.isBinaryExpression(p) && [ts.SyntaxKind.EqualsEqualsEqualsToken, ts.SyntaxKind.ExclamationEqualsEqualsToken, ts.SyntaxKind.AmpersandAmpersandToken, ts.SyntaxKind.BarBarToken].includes(p.operatorToken.kind)) return false;
  if (ts.isTypeOfExpression(p)) return false;
  if ((ts.isCallExpression(p) || ts.isNewExpression(p)) && p.expression !== cur) {
    if (ts.isNewExpression(p)) return true; // new UnitOfWork(client): stored
    const target = file.calledFunction(p);
    if (target) {
      const idx = p.arguments!.indexOf(cur as ts.Expression);
      return paramEscapes(target.node, idx);
    }
    // a library or unknown function: it may keep the client; do not guess
    return true;
  }
  return true; // returned, stored in an object or array, assigned elsewhere, yielded…
}

/** Whether a project function keeps, returns or releases its parameter `index`. */
function paramEscapes(fn: ts.FunctionLikeDeclaration, index: number): boolean {
  const p = fn.parameters[index];
  if (!p || !ts.isIdentifier(p.name) || !fn.body) return index < 0 ? false : true;
  const b = resolveIdentifier(p.name);
  if (!b) return true;
  let escapes = false;
  const visit = (n: ts.Node): void => {
    if (escapes) return;
    if (ts.isIdentifier(n) && n !== p.name && n.text === b.name.text && resolveIdentifier(n)?.decl === b.decl) {
      let cur: ts.Node = n;
      while (ts.isParenthesizedExpression(cur.parent) || ts.isAsExpression(cur.parent)) cur = cur.parent;
      const par = cur.parent;
      if (ts.isPropertyAccessExpression(par) && par.expression === cur) {
        if (['release', 'end', 'done'].includes(par.name.text) && ts.isCallExpression(par.parent)) escapes = true;
        return;
      }
      if (ts.isReturnStatement(par) || (ts.isBinaryExpression(par) && par.right === cur) || ts.isShorthandPropertyAssignment(par) || ts.isPropertyAssignment(par) || ts.isNewExpression(par) || ts.isArrayLiteralExpression(par)) escapes = true;
    }
    ts.forEachChild(n, visit);
  };
  visit(fn.body);
  return escapes;
}

// ── messages ─────────────────────────────────────────────────────────────────

function describe(acq: Acquisition, leak: Outcome, file: FileModel, lang: Language): { messageId: MessageId; exit: string; related: RelatedLocation[] } {
  const sf = file.sourceFile;
  const fr = lang === 'fr';
  const related: RelatedLocation[] = [];
  let exit: string;
  let messageId: MessageId;
  if (!acq.binding) {
    return { messageId: 'neverReleased', exit: '', related };
  }
  if (leak.kind === 'throw') {
    const at = leak.at!;
    const text = at.getText(sf).replace(/\s+/g, ' ');
    const short = text.length > 50 ? text.slice(0, 47) + '…' : text;
    exit = ts.isThrowStatement(at) ? (fr ? `l’erreur levée ici est propagée` : `the error thrown here propagates`) : (fr ? `\`${short}\` échoue` : `\`${short}\` rejects`);
    messageId = 'notReleasedOnError';
    related.push({ file: file.path, start: at.getStart(sf), end: at.getEnd(), message: fr ? 'Une erreur ici quitte la fonction sans rendre le client' : 'An error here leaves the function without releasing the client' });
  } else if (leak.kind === 'return') {
    exit = fr ? 'retourne ici' : 'returns here';
    messageId = 'notReleased';
    related.push({ file: file.path, start: leak.at!.getStart(sf), end: leak.at!.getEnd(), message: fr ? 'Retour sans rendre le client' : 'Returns without releasing the client' });
  } else {
    exit = fr ? 'se termine' : 'ends';
    messageId = 'notReleased';
    const body = acq.body;
    const end = body.getEnd();
    related.push({ file: file.path, start: Math.max(body.getStart(sf), end - 1), end, message: fr ? 'Fin de la fonction : le client est toujours emprunté' : 'End of the function: the client is still checked out' });
  }
  if (acq.kind === 'client') messageId = leak.kind === 'throw' ? 'clientNotEndedOnError' : 'clientNotEnded';
  else if (!hasAnyRelease(acq)) messageId = 'neverReleased';
  return { messageId, exit, related };
}

function hasAnyRelease(acq: Acquisition): boolean {
  let found = false;
  const b = acq.binding!;
  const visit = (n: ts.Node): void => {
    if (found) return;
    if (ts.isCallExpression(n) && ts.isPropertyAccessExpression(n.expression) && acq.releaseNames.includes(n.expression.name.text)) {
      const r = skipParens(n.expression.expression);
      if (ts.isIdentifier(r) && resolveIdentifier(r)?.decl === b.decl) found = true;
    }
    if (ts.isCallExpression(n) && acq.doneBinding && ts.isIdentifier(n.expression) && resolveIdentifier(n.expression)?.decl === acq.doneBinding.decl) found = true;
    ts.forEachChild(n, visit);
  };
  visit(acq.body);
  return found;
}

// ── the fix ──────────────────────────────────────────────────────────────────

function buildFix(acq: Acquisition, leak: Outcome, file: FileModel, fr: boolean): Fix[] | undefined {
  if (!acq.binding || acq.kind !== 'pool') return undefined;
  const sf = file.sourceFile;
  const text = file.text;
  // The statement that acquires, and the block it sits in.
  let st: ts.Node = acq.trigger;
  while (st.parent && !ts.isBlock(st.parent) && !ts.isSourceFile(st.parent)) st = st.parent;
  const block = st.parent as ts.Block | ts.SourceFile | undefined;
  if (!block || !ts.isVariableStatement(st) && !ts.isExpressionStatement(st)) return undefined;
  const statements = block.statements;
  const i = statements.indexOf(st as ts.Statement);
  if (i < 0) return undefined;
  const name = acq.binding.name.text;
  const kindOfClient = dbKind(file.valueOf(acq.binding.name));
  const releaseCalls: Record<string, string> = {
    'pg.PoolClient': `${name}.release()`,
    'pgp.Connection': `${name}.done()`,
    'postgres.Reserved': `${name}.release()`,
    'typeorm.QueryRunner': `await ${name}.release()`,
  };
  const releaseCall = kindOfClient ? releaseCalls[kindOfClient] : undefined;
  if (!releaseCall) return undefined;
  const isRelease = (s: ts.Statement): boolean =>
    ts.isExpressionStatement(s) && /^(await\s+)?\w+\.(release|done)\(\s*\)$/.test(s.expression.getText(sf).trim()) && s.expression.getText(sf).includes(`${name}.`);
  // Case 1: a later `try { … } finally { release }` in the same block: move the statements in between into the try.
  const tryIdx = statements.findIndex((s, k) => k > i && ts.isTryStatement(s) && !!s.finallyBlock && s.finallyBlock.statements.some(isRelease));
  if (tryIdx > i + 1) {
    // Only when the leak is an error thrown between connect() and that try.
    const at = leak.at;
    const gapStart = statements[i + 1]!.pos;
    const gapEnd = statements[tryIdx]!.pos;
    if (leak.kind !== 'throw' || !at || at.pos < gapStart || at.end > gapEnd) return undefined;
  } else if (tryIdx < 0 && statements.some((s, k) => k > i && ts.isTryStatement(s))) {
    return undefined; // a try of its own is there already: its shape needs a human
  }
  let wrapFrom = i + 1;
  let wrapTo: number;
  let removeRelease: ts.Statement | undefined;
  let safety: 'safe' | 'unsafe' = 'safe';
  if (tryIdx > i + 1) {
    const tryStmt = statements[tryIdx] as ts.TryStatement;
    const moved = statements.slice(i + 1, tryIdx);
    if (declaresUsedLater(moved, statements.slice(tryIdx + 1), sf)) return undefined;
    const firstInTry = tryStmt.tryBlock.statements[0];
    const indent = indentOf(text, firstInTry ? firstInTry.getStart(sf) : tryStmt.tryBlock.getStart(sf) + 1);
    const movedText = moved.map((s) => reindent(text.slice(lineStart(text, s.getStart(sf)), s.getEnd()), indentOf(text, s.getStart(sf)), indent)).join('\n');
    const insertAt = tryStmt.tryBlock.getStart(sf) + 1;
    // Moving a BEGIN inside a try that has no catch would release a client in an aborted transaction.
    const movesTransaction = startsTransaction(moved, name, file);
    return [{
      id: 'moveToFinally', safety: movesTransaction && !tryStmt.catchClause ? 'unsafe' : 'safe',
      title: fr ? 'Déplacer dans le try les instructions qui précèdent' : 'Move the statements before the try inside it',
      edits: [
        { start: lineStart(text, moved[0]!.getStart(sf)), end: lineStart(text, tryStmt.getStart(sf)), text: '' },
        { start: insertAt, end: insertAt, text: `\n${movedText}` },
      ],
    }];
  }
  const relIdx = statements.findIndex((s, k) => k > i && isRelease(s));
  if (relIdx > i) {
    wrapTo = relIdx; // exclusive
    removeRelease = statements[relIdx];
  } else {
    wrapTo = statements.length;
    safety = 'unsafe';
  }
  const wrapped = statements.slice(wrapFrom, wrapTo);
  if (!wrapped.length) return undefined;
  if (declaresUsedLater(wrapped, statements.slice(wrapTo + (removeRelease ? 1 : 0)), sf)) return undefined;
  const baseIndent = indentOf(text, wrapped[0]!.getStart(sf));
  const unit = '  ';
  const startOff = lineStart(text, wrapped[0]!.getStart(sf));
  const endOff = removeRelease ? removeRelease.getEnd() : wrapped[wrapped.length - 1]!.getEnd();
  const body = wrapped.map((s) => reindent(text.slice(lineStart(text, s.getStart(sf)), s.getEnd()), indentOf(text, s.getStart(sf)), baseIndent + unit)).join('\n');
  // A client released while its transaction is aborted goes back to the pool broken ("current transaction is
  // aborted" for the next borrower): when the wrapped code opens a transaction, roll it back before releasing.
  const rollback = startsTransaction(wrapped, name, file)
    ? kindOfClient === 'typeorm.QueryRunner' ? `await ${name}.rollbackTransaction();` : kindOfClient === 'pg.PoolClient' ? `await ${name}.query('ROLLBACK');` : undefined
    : '';
  if (rollback === undefined) safety = 'unsafe';
  const catchPart = rollback ? ` catch (err) {\n${baseIndent}${unit}${rollback}\n${baseIndent}${unit}throw err;\n${baseIndent}}` : '';
  const replacement = `${baseIndent}try {\n${body}\n${baseIndent}}${catchPart} finally {\n${baseIndent}${unit}${releaseCall};\n${baseIndent}}`;
  return [{
    id: removeRelease ? 'moveToFinally' : 'wrapTryFinally',
    safety,
    title: removeRelease
      ? (fr ? 'Déplacer le release() dans un bloc finally' : 'Move the release into a finally block')
      : (fr ? 'Entourer de try/finally avec release()' : 'Wrap in try/finally that releases the client'),
    edits: [{ start: startOff, end: endOff, text: replacement }],
  }];
}

/** Whether these statements open a transaction on the client (`BEGIN`, `START TRANSACTION`, `startTransaction()`). */
function startsTransaction(statements: readonly ts.Statement[], name: string, file: FileModel): boolean {
  let found = false;
  const visit = (n: ts.Node): void => {
    if (found || ts.isFunctionLike(n)) return;
    if (ts.isCallExpression(n) && ts.isPropertyAccessExpression(n.expression) && ts.isIdentifier(n.expression.expression) && n.expression.expression.text === name) {
      const method = n.expression.name.text;
      if (method === 'startTransaction') found = true;
      const call = file.dbCallAt(n);
      const sql = call?.sqlArg ? staticText(call.sqlArg, file) : undefined;
      if (method === 'query' && sql !== undefined && /^\s*(BEGIN|START\s+TRANSACTION)\b/i.test(sql)) found = true;
    }
    ts.forEachChild(n, visit);
  };
  for (const st of statements) visit(st);
  return found;
}

function declaresUsedLater(region: readonly ts.Statement[], after: readonly ts.Statement[], sf: ts.SourceFile): boolean {
  const names = new Set<string>();
  for (const s of region) {
    if (ts.isVariableStatement(s)) for (const d of s.declarationList.declarations) collectNames(d.name, names);
    if ((ts.isFunctionDeclaration(s) || ts.isClassDeclaration(s)) && s.name) names.add(s.name.text);
  }
  if (!names.size) return false;
  const laterText = after.map((s) => s.getText(sf)).join('\n');
  for (const n of names) if (new RegExp(`\\b${n.replace(/\$/g, '\\$')}\\b`).test(laterText)) return true;
  return false;
}

function collectNames(n: ts.BindingName, out: Set<string>): void {
  if (ts.isIdentifier(n)) out.add(n.text);
  else for (const el of n.elements) if (!ts.isOmittedExpression(el)) collectNames(el.name, out);
}

/**
 * Start of the line `off` is on when only blanks precede it there, else `off` itself (another statement shares
 * the line). Any JS line terminator ends a line: \n, \r, U+2028, U+2029 (files with CR-only line ends exist).
 */
function lineStart(text: string, off: number): number {
  let i = off;
  while (i > 0 && (text[i - 1] === ' ' || text[i - 1] === '\t')) i--;
  return i === 0 || /[\n\r\u2028\u2029]/.test(text[i - 1]!) ? i : off;
}

function indentOf(text: string, off: number): string {
  const ls = lineStart(text, off);
  return /^[ \t]*/.exec(text.slice(ls, off))![0];
}

function reindent(chunk: string, from: string, to: string): string {
  return chunk.split('\n').map((line) => (line.startsWith(from) ? to + line.slice(from.length) : line.trim() ? to + line.trimStart() : line)).join('\n');
}
