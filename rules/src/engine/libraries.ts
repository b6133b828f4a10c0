/**
 * What pglint knows of each database library: which exports are constructors or factories of database
 * values, which type names denote them, and what each kind of value can do (query, acquire a client,
 * release it, build a query, take raw SQL). Kinds are named '<lib>.<Kind>'.
 *
 * Values are recognised by where they come from (an import of one of these modules), never by name.
 */

export type LibId =
  | 'pg' | 'pg-promise' | 'postgres' | 'knex' | 'kysely' | 'prisma' | 'typeorm' | 'sequelize' | 'drizzle' | 'slonik';

export type Role =
  /** Sends SQL (or a built query) to the server. */
  | 'query'
  /** Checks a client/connection out of a pool; it must be given back. */
  | 'acquire'
  /** Gives a checked-out client back (or closes a standalone client). */
  | 'release'
  /** Opens a standalone client connection (pg Client.connect). */
  | 'connect'
  /** Takes raw SQL text into a query without executing it (whereRaw, Sequelize.literal, sql.raw, Prisma.raw). */
  | 'raw'
  /** Runs a callback with a scoped client or transaction, releasing it itself. */
  | 'scoped'
  /** Starts a builder chain. */
  | 'builder';

export interface MethodSpec {
  role?: Role;
  /** Kind of the value returned (wrapped in a promise when `async`). */
  returns?: string;
  async?: boolean;
  /** Index of the SQL-text argument. */
  sqlArg?: number;
  /** Index of the parameter values argument (array), or 'rest' when values follow as extra arguments. */
  valuesArg?: number | 'rest';
  /** Placeholder style of the SQL text argument: '$n' (pg), '?' (knex), ':name'… Used by the parameterise fix. */
  placeholders?: '$n' | '?';
  /** The SQL argument is a raw string by design (an escape hatch): any built text is a finding. */
  rawText?: boolean;
  /** Index of a callback argument whose parameters are database values. */
  callbackArg?: number | 'last';
  /** Kinds of the callback's parameters, by position. */
  callbackParams?: (string | null)[];
  /** Batched by the library when issued in the same tick (Prisma findUnique). */
  autoBatched?: boolean;
  /** Used as a tag: the template is parameterised by the library. */
  safeTag?: boolean;
  /** Reads (select) or writes (insert/update/delete): used to word the message. */
  op?: 'read' | 'write';
}

export interface KindSpec {
  lib: LibId;
  methods?: Record<string, MethodSpec>;
  /** Properties that are database values themselves. */
  props?: Record<string, string>;
  /** Any other property (Prisma model delegates: prisma.user). */
  anyProp?: string;
  /** The value is callable: knex('users'), pgp(connection). */
  call?: MethodSpec;
  /** The value is a template tag: sql`...`. */
  tag?: MethodSpec;
  /** A query builder: methods not listed return the same builder kind. */
  chain?: boolean;
  /** Builder methods that execute the query (a promise of rows). */
  terminals?: string[];
  /** A schema builder: what it runs is DDL (CREATE, ALTER, DROP), which has no batched form. */
  ddl?: boolean;
  /** A thenable builder: even its terminal methods run nothing until it is awaited or then'd (knex, drizzle). */
  lazy?: boolean;
  /** Mostly a piece of another query (knex.raw): made and returned, it is not counted as run. */
  fragment?: boolean;
  /** Describes the value for hovers. */
  label: string;
}

export interface ExportSpec {
  /** `new X()` gives this kind. */
  ctor?: string;
  /** `X(...)` gives this (a factory). */
  factory?: MethodSpec;
  /** The export is itself a value of this kind. */
  kind?: string;
  /** The export is a namespace with these members. */
  ns?: Record<string, ExportSpec>;
  /** A class to extend (Sequelize Model): subclasses are values of this kind. */
  baseClass?: string;
}

export interface LibraryModel {
  id: LibId;
  modules: string[];
  /** Module exports by name; 'default' for the default export, '*' for the module object itself. */
  exports: Record<string, ExportSpec>;
  /** Type names (as imported) → kind of the instance they denote. */
  types: Record<string, string>;
}

const pgQuery: MethodSpec = { role: 'query', async: true, sqlArg: 0, valuesArg: 1, placeholders: '$n', returns: 'pg.Result' };

const pgPromiseQuery: MethodSpec = { role: 'query', async: true, sqlArg: 0, valuesArg: 1, placeholders: '$n' };
const pgPromiseMethods: Record<string, MethodSpec> = Object.fromEntries(
  ['none', 'one', 'oneOrNone', 'many', 'manyOrNone', 'any', 'result', 'query', 'multi', 'multiResult', 'func', 'proc', 'map', 'each', 'stream']
    .map((m) => [m, pgPromiseQuery]),
);

const prismaQuery = (op: 'read' | 'write', autoBatched = false): MethodSpec => ({ role: 'query', async: true, op, autoBatched });

const typeormRepoMethods: Record<string, MethodSpec> = {
  ...Object.fromEntries(['find', 'findOne', 'findBy', 'findOneBy', 'findAndCount', 'findAndCountBy', 'findOneOrFail', 'findOneByOrFail', 'count', 'countBy', 'exist', 'exists', 'existsBy', 'sum', 'average', 'minimum', 'maximum', 'findByIds']
    .map((m) => [m, { role: 'query', async: true, op: 'read' } satisfies MethodSpec])),
  ...Object.fromEntries(['save', 'insert', 'update', 'upsert', 'delete', 'remove', 'softDelete', 'restore', 'increment', 'decrement', 'softRemove', 'clear']
    .map((m) => [m, { role: 'query', async: true, op: 'write' } satisfies MethodSpec])),
  query: { role: 'query', async: true, sqlArg: 0, valuesArg: 1, placeholders: '$n' },
  createQueryBuilder: { returns: 'typeorm.QueryBuilder' },
};

const sequelizeModelMethods: Record<string, MethodSpec> = {
  ...Object.fromEntries(['findAll', 'findOne', 'findByPk', 'findAndCountAll', 'count', 'max', 'min', 'sum', 'aggregate']
    .map((m) => [m, { role: 'query', async: true, op: 'read' } satisfies MethodSpec])),
  ...Object.fromEntries(['create', 'bulkCreate', 'update', 'destroy', 'upsert', 'increment', 'decrement', 'findOrCreate', 'truncate', 'restore']
    .map((m) => [m, { role: 'query', async: true, op: 'write' } satisfies MethodSpec])),
};

const slonikQuery: MethodSpec = { role: 'query', async: true, sqlArg: 0 };
const slonikMethods: Record<string, MethodSpec> = {
  ...Object.fromEntries(['query', 'one', 'oneFirst', 'many', 'manyFirst', 'any', 'anyFirst', 'maybeOne', 'maybeOneFirst', 'exists', 'stream', 'copyFromBinary']
    .map((m) => [m, slonikQuery])),
  connect: { role: 'scoped', async: true, callbackArg: 0, callbackParams: ['slonik.Pool'] },
  transaction: { role: 'scoped', async: true, callbackArg: 0, callbackParams: ['slonik.Pool'] },
};

export const KINDS: Record<string, KindSpec> = {
  // ── node-postgres ────────────────────────────────────────────────────────────
  'pg.Pool': {
    lib: 'pg', label: 'node-postgres Pool',
    methods: {
      query: pgQuery,
      connect: { role: 'acquire', async: true, returns: 'pg.PoolClient', callbackArg: 0, callbackParams: [null, 'pg.PoolClient', 'pg.Done'] },
      end: { async: true },
    },
  },
  'pg.PoolClient': {
    lib: 'pg', label: 'node-postgres pooled client',
    methods: {
      query: pgQuery,
      release: { role: 'release' },
      escapeIdentifier: {}, escapeLiteral: {},
    },
  },
  'pg.Client': {
    lib: 'pg', label: 'node-postgres Client',
    methods: {
      query: pgQuery,
      connect: { role: 'connect', async: true },
      end: { role: 'release', async: true },
      escapeIdentifier: {}, escapeLiteral: {},
    },
  },
  'pg.Done': { lib: 'pg', label: 'pool release callback', call: { role: 'release' } },
  'pg.Result': { lib: 'pg', label: 'query result' },
  // ── pg-promise ───────────────────────────────────────────────────────────────
  'pgp.Main': {
    lib: 'pg-promise', label: 'pg-promise initialiser',
    call: { returns: 'pgp.Database' },
    props: { as: 'pgp.As', helpers: 'pgp.Helpers' },
  },
  'pgp.As': { lib: 'pg-promise', label: 'pg-promise formatting', methods: { format: {}, name: {}, value: {}, csv: {} } },
  'pgp.Helpers': { lib: 'pg-promise', label: 'pg-promise helpers', methods: { insert: {}, update: {}, values: {}, sets: {} } },
  'pgp.Database': {
    lib: 'pg-promise', label: 'pg-promise database',
    methods: {
      ...pgPromiseMethods,
      task: { role: 'scoped', async: true, callbackArg: 'last', callbackParams: ['pgp.Database'] },
      tx: { role: 'scoped', async: true, callbackArg: 'last', callbackParams: ['pgp.Database'] },
      taskIf: { role: 'scoped', async: true, callbackArg: 'last', callbackParams: ['pgp.Database'] },
      txIf: { role: 'scoped', async: true, callbackArg: 'last', callbackParams: ['pgp.Database'] },
      connect: { role: 'acquire', async: true, returns: 'pgp.Connection' },
      batch: {},
    },
  },
  'pgp.Connection': {
    lib: 'pg-promise', label: 'pg-promise connection',
    methods: { ...pgPromiseMethods, done: { role: 'release' } },
  },
  // ── postgres.js ──────────────────────────────────────────────────────────────
  'postgres.Sql': {
    lib: 'postgres', label: 'postgres.js sql',
    tag: { role: 'query', async: true, safeTag: true },
    call: {},
    methods: {
      unsafe: { role: 'query', async: true, sqlArg: 0, valuesArg: 1, placeholders: '$n', rawText: true },
      begin: { role: 'scoped', async: true, callbackArg: 'last', callbackParams: ['postgres.Sql'] },
      reserve: { role: 'acquire', async: true, returns: 'postgres.Reserved' },
      end: { async: true },
      file: { role: 'query', async: true },
    },
  },
  'postgres.Reserved': {
    lib: 'postgres', label: 'postgres.js reserved connection',
    tag: { role: 'query', async: true, safeTag: true },
    call: {},
    methods: {
      unsafe: { role: 'query', async: true, sqlArg: 0, valuesArg: 1, placeholders: '$n', rawText: true },
      release: { role: 'release' },
    },
  },
  // ── knex ─────────────────────────────────────────────────────────────────────
  'knex.Knex': {
    lib: 'knex', label: 'knex instance',
    call: { role: 'builder', returns: 'knex.Builder' },
    methods: {
      raw: { role: 'query', sqlArg: 0, valuesArg: 1, placeholders: '?', rawText: true, returns: 'knex.Raw' },
      select: { role: 'builder', returns: 'knex.Builder' },
      insert: { role: 'builder', returns: 'knex.Builder' },
      update: { role: 'builder', returns: 'knex.Builder' },
      delete: { role: 'builder', returns: 'knex.Builder' },
      from: { role: 'builder', returns: 'knex.Builder' },
      table: { role: 'builder', returns: 'knex.Builder' },
      with: { role: 'builder', returns: 'knex.Builder' },
      queryBuilder: { role: 'builder', returns: 'knex.Builder' },
      transaction: { role: 'scoped', async: true, callbackArg: 0, callbackParams: ['knex.Knex'] },
      destroy: { async: true },
    },
    props: { schema: 'knex.Schema', fn: 'knex.Fn' },
  },
  'knex.Fn': { lib: 'knex', label: 'knex functions', methods: { now: {}, uuid: {} } },
  'knex.Raw': { lib: 'knex', label: 'knex raw query', chain: true, terminals: ['then'], fragment: true },
  'knex.Builder': {
    lib: 'knex', label: 'knex query builder', chain: true, lazy: true,
    terminals: ['then', 'first', 'pluck', 'count', 'insert', 'update', 'del', 'delete', 'increment', 'decrement', 'stream'],
    methods: Object.fromEntries(
      ['whereRaw', 'orWhereRaw', 'andWhereRaw', 'havingRaw', 'orHavingRaw', 'orderByRaw', 'groupByRaw', 'joinRaw', 'fromRaw', 'onRaw']
        .map((m) => [m, { role: 'raw', sqlArg: 0, valuesArg: 1, placeholders: '?', rawText: true, returns: 'knex.Builder' } satisfies MethodSpec]),
    ),
  },
  'knex.Schema': { lib: 'knex', label: 'knex schema builder', chain: true, terminals: ['then'], ddl: true },
  // ── kysely ───────────────────────────────────────────────────────────────────
  'kysely.Db': {
    lib: 'kysely', label: 'Kysely instance',
    methods: {
      selectFrom: { role: 'builder', returns: 'kysely.Builder', op: 'read' },
      insertInto: { role: 'builder', returns: 'kysely.Builder', op: 'write' },
      updateTable: { role: 'builder', returns: 'kysely.Builder', op: 'write' },
      deleteFrom: { role: 'builder', returns: 'kysely.Builder', op: 'write' },
      replaceInto: { role: 'builder', returns: 'kysely.Builder', op: 'write' },
      mergeInto: { role: 'builder', returns: 'kysely.Builder', op: 'write' },
      with: { role: 'builder', returns: 'kysely.Db' },
      transaction: { returns: 'kysely.TxBuilder' },
      destroy: { async: true },
    },
  },
  'kysely.TxBuilder': {
    lib: 'kysely', label: 'Kysely transaction builder',
    methods: { execute: { role: 'scoped', async: true, callbackArg: 0, callbackParams: ['kysely.Db'] } },
  },
  'kysely.Builder': {
    lib: 'kysely', label: 'Kysely query builder', chain: true,
    terminals: ['execute', 'executeTakeFirst', 'executeTakeFirstOrThrow', 'stream'],
  },
  'kysely.SqlTag': {
    lib: 'kysely', label: 'Kysely sql tag',
    tag: { safeTag: true, returns: 'kysely.RawBuilder' },
    methods: {
      raw: { role: 'raw', sqlArg: 0, rawText: true, returns: 'kysely.RawBuilder' },
      ref: {}, id: {}, table: {}, lit: {}, join: {}, val: {}, value: {},
    },
  },
  'kysely.RawBuilder': { lib: 'kysely', label: 'Kysely raw SQL', methods: { execute: { role: 'query', async: true } } },
  // ── Prisma ───────────────────────────────────────────────────────────────────
  'prisma.Client': {
    lib: 'prisma', label: 'PrismaClient',
    methods: {
      $queryRaw: { role: 'query', async: true, safeTag: true },
      $executeRaw: { role: 'query', async: true, safeTag: true },
      $queryRawUnsafe: { role: 'query', async: true, sqlArg: 0, valuesArg: 'rest', placeholders: '$n', rawText: true },
      $executeRawUnsafe: { role: 'query', async: true, sqlArg: 0, valuesArg: 'rest', placeholders: '$n', rawText: true },
      $transaction: { role: 'scoped', async: true, callbackArg: 0, callbackParams: ['prisma.Client'] },
      $connect: { async: true }, $disconnect: { async: true }, $on: {}, $use: {}, $extends: { returns: 'prisma.Client' },
    },
    anyProp: 'prisma.Delegate',
  },
  'prisma.Delegate': {
    lib: 'prisma', label: 'Prisma model',
    methods: {
      findUnique: prismaQuery('read', true), findUniqueOrThrow: prismaQuery('read', true),
      findFirst: prismaQuery('read'), findFirstOrThrow: prismaQuery('read'), findMany: prismaQuery('read'),
      count: prismaQuery('read'), aggregate: prismaQuery('read'), groupBy: prismaQuery('read'),
      create: prismaQuery('write'), createMany: prismaQuery('write'), createManyAndReturn: prismaQuery('write'),
      update: prismaQuery('write'), updateMany: prismaQuery('write'), upsert: prismaQuery('write'),
      delete: prismaQuery('write'), deleteMany: prismaQuery('write'),
    },
  },
  'prisma.Ns': {
    lib: 'prisma', label: 'Prisma namespace',
    methods: {
      sql: { safeTag: true }, join: {}, empty: {},
      raw: { role: 'raw', sqlArg: 0, rawText: true },
    },
  },
  // ── TypeORM ──────────────────────────────────────────────────────────────────
  'typeorm.DataSource': {
    lib: 'typeorm', label: 'TypeORM DataSource',
    methods: {
      query: { role: 'query', async: true, sqlArg: 0, valuesArg: 1, placeholders: '$n' },
      getRepository: { returns: 'typeorm.Repository' },
      createQueryRunner: { role: 'acquire', returns: 'typeorm.QueryRunner' },
      createQueryBuilder: { returns: 'typeorm.QueryBuilder' },
      transaction: { role: 'scoped', async: true, callbackArg: 'last', callbackParams: ['typeorm.Manager'] },
      initialize: { async: true }, destroy: { async: true },
    },
    props: { manager: 'typeorm.Manager' },
  },
  'typeorm.Manager': {
    lib: 'typeorm', label: 'TypeORM EntityManager',
    methods: {
      ...typeormRepoMethods,
      getRepository: { returns: 'typeorm.Repository' },
      transaction: { role: 'scoped', async: true, callbackArg: 'last', callbackParams: ['typeorm.Manager'] },
    },
  },
  'typeorm.Repository': { lib: 'typeorm', label: 'TypeORM Repository', methods: typeormRepoMethods, props: { manager: 'typeorm.Manager' } },
  'typeorm.QueryRunner': {
    lib: 'typeorm', label: 'TypeORM QueryRunner',
    methods: {
      query: { role: 'query', async: true, sqlArg: 0, valuesArg: 1, placeholders: '$n' },
      connect: { async: true },
      release: { role: 'release', async: true },
      startTransaction: { role: 'query', async: true }, commitTransaction: { role: 'query', async: true }, rollbackTransaction: { role: 'query', async: true },
    },
    props: { manager: 'typeorm.Manager' },
  },
  'typeorm.QueryBuilder': {
    lib: 'typeorm', label: 'TypeORM QueryBuilder', chain: true,
    terminals: ['getMany', 'getOne', 'getOneOrFail', 'getRawMany', 'getRawOne', 'getCount', 'getManyAndCount', 'getExists', 'execute', 'stream'],
    methods: Object.fromEntries(
      ['where', 'andWhere', 'orWhere', 'having', 'andHaving', 'orHaving']
        .map((m) => [m, { role: 'raw', sqlArg: 0, valuesArg: 1, returns: 'typeorm.QueryBuilder' } satisfies MethodSpec]),
    ),
  },
  // ── Sequelize ────────────────────────────────────────────────────────────────
  'sequelize.Instance': {
    lib: 'sequelize', label: 'Sequelize instance',
    methods: {
      query: { role: 'query', async: true, sqlArg: 0 },
      define: { returns: 'sequelize.Model' },
      transaction: { role: 'scoped', async: true, callbackArg: 'last', callbackParams: [null] },
      literal: { role: 'raw', sqlArg: 0, rawText: true },
      authenticate: { async: true }, sync: { async: true }, close: { async: true },
    },
  },
  'sequelize.Static': { lib: 'sequelize', label: 'Sequelize', methods: { literal: { role: 'raw', sqlArg: 0, rawText: true } } },
  'sequelize.Model': { lib: 'sequelize', label: 'Sequelize model', methods: sequelizeModelMethods },
  // ── drizzle ──────────────────────────────────────────────────────────────────
  'drizzle.Db': {
    lib: 'drizzle', label: 'drizzle database',
    methods: {
      select: { role: 'builder', returns: 'drizzle.Builder', op: 'read' },
      selectDistinct: { role: 'builder', returns: 'drizzle.Builder', op: 'read' },
      insert: { role: 'builder', returns: 'drizzle.Builder', op: 'write' },
      update: { role: 'builder', returns: 'drizzle.Builder', op: 'write' },
      delete: { role: 'builder', returns: 'drizzle.Builder', op: 'write' },
      with: { role: 'builder', returns: 'drizzle.Db' },
      execute: { role: 'query', async: true, sqlArg: 0 },
      transaction: { role: 'scoped', async: true, callbackArg: 0, callbackParams: ['drizzle.Db'] },
    },
    props: { query: 'drizzle.RelationalQuery' },
  },
  'drizzle.RelationalQuery': { lib: 'drizzle', label: 'drizzle relational queries', anyProp: 'drizzle.RelationalTable' },
  'drizzle.RelationalTable': {
    lib: 'drizzle', label: 'drizzle relational table',
    methods: { findMany: { role: 'query', async: true, op: 'read' }, findFirst: { role: 'query', async: true, op: 'read' } },
  },
  'drizzle.Builder': { lib: 'drizzle', label: 'drizzle query builder', chain: true, terminals: ['execute', 'then', 'prepare'] },
  'drizzle.SqlTag': {
    lib: 'drizzle', label: 'drizzle sql tag',
    tag: { safeTag: true },
    methods: { raw: { role: 'raw', sqlArg: 0, rawText: true }, join: {}, identifier: {}, placeholder: {}, empty: {} },
  },
  // ── slonik ───────────────────────────────────────────────────────────────────
  'slonik.Pool': { lib: 'slonik', label: 'slonik pool', methods: { ...slonikMethods, end: { async: true } } },
  'slonik.SqlTag': {
    lib: 'slonik', label: 'slonik sql tag',
    tag: { safeTag: true },
    methods: {
      typeAlias: { returns: 'slonik.SqlTag' }, type: { returns: 'slonik.SqlTag' },
      unsafe: { safeTag: true }, fragment: { safeTag: true }, identifier: {}, join: {}, array: {}, json: {}, jsonb: {}, literalValue: {}, date: {}, timestamp: {},
    },
  },
};

const slonikSqlTag: ExportSpec = { kind: 'slonik.SqlTag' };

export const LIBRARIES: LibraryModel[] = [
  {
    id: 'pg', modules: ['pg', 'pg-pool'],
    exports: {
      Pool: { ctor: 'pg.Pool' }, Client: { ctor: 'pg.Client' },
      default: { ns: { Pool: { ctor: 'pg.Pool' }, Client: { ctor: 'pg.Client' } }, ctor: 'pg.Pool' },
      '*': { ns: { Pool: { ctor: 'pg.Pool' }, Client: { ctor: 'pg.Client' }, default: { ns: { Pool: { ctor: 'pg.Pool' }, Client: { ctor: 'pg.Client' } } } } },
    },
    types: { Pool: 'pg.Pool', PoolClient: 'pg.PoolClient', Client: 'pg.Client', ClientBase: 'pg.Client' },
  },
  {
    id: 'pg-promise', modules: ['pg-promise'],
    exports: {
      default: { factory: { returns: 'pgp.Main' } },
      '*': { factory: { returns: 'pgp.Main' } },
    },
    types: { IDatabase: 'pgp.Database', ITask: 'pgp.Database', IBaseProtocol: 'pgp.Database', IMain: 'pgp.Main', IConnected: 'pgp.Connection' },
  },
  {
    id: 'postgres', modules: ['postgres'],
    exports: { default: { factory: { returns: 'postgres.Sql' } }, '*': { factory: { returns: 'postgres.Sql' } } },
    types: { Sql: 'postgres.Sql', TransactionSql: 'postgres.Sql', ReservedSql: 'postgres.Reserved' },
  },
  {
    id: 'knex', modules: ['knex'],
    exports: {
      default: { factory: { returns: 'knex.Knex' } },
      knex: { factory: { returns: 'knex.Knex' } },
      '*': { factory: { returns: 'knex.Knex' }, ns: { knex: { factory: { returns: 'knex.Knex' } }, default: { factory: { returns: 'knex.Knex' } } } },
    },
    types: { Knex: 'knex.Knex', 'Knex.Transaction': 'knex.Knex', 'Knex.QueryBuilder': 'knex.Builder' },
  },
  {
    id: 'kysely', modules: ['kysely'],
    exports: { Kysely: { ctor: 'kysely.Db' }, sql: { kind: 'kysely.SqlTag' } },
    types: { Kysely: 'kysely.Db', Transaction: 'kysely.Db' },
  },
  {
    id: 'prisma', modules: ['@prisma/client'],
    exports: { PrismaClient: { ctor: 'prisma.Client' }, Prisma: { kind: 'prisma.Ns' } },
    types: { PrismaClient: 'prisma.Client', 'Prisma.TransactionClient': 'prisma.Client' },
  },
  {
    id: 'typeorm', modules: ['typeorm'],
    exports: { DataSource: { ctor: 'typeorm.DataSource' }, getRepository: { factory: { returns: 'typeorm.Repository' } }, getManager: { factory: { returns: 'typeorm.Manager' } } },
    types: { DataSource: 'typeorm.DataSource', EntityManager: 'typeorm.Manager', Repository: 'typeorm.Repository', QueryRunner: 'typeorm.QueryRunner', SelectQueryBuilder: 'typeorm.QueryBuilder', Connection: 'typeorm.DataSource' },
  },
  {
    id: 'sequelize', modules: ['sequelize', 'sequelize-typescript'],
    exports: {
      Sequelize: { ctor: 'sequelize.Instance', kind: 'sequelize.Static' },
      default: { ctor: 'sequelize.Instance', kind: 'sequelize.Static' },
      Model: { baseClass: 'sequelize.Model' },
      literal: { factory: { role: 'raw', sqlArg: 0, rawText: true } },
    },
    types: { Sequelize: 'sequelize.Instance' },
  },
  {
    id: 'drizzle', modules: ['drizzle-orm', 'drizzle-orm/node-postgres', 'drizzle-orm/postgres-js', 'drizzle-orm/neon-http', 'drizzle-orm/neon-serverless', 'drizzle-orm/pglite', 'drizzle-orm/vercel-postgres', 'drizzle-orm/pg-core'],
    exports: { drizzle: { factory: { returns: 'drizzle.Db' } }, sql: { kind: 'drizzle.SqlTag' } },
    types: { NodePgDatabase: 'drizzle.Db', PostgresJsDatabase: 'drizzle.Db', PgDatabase: 'drizzle.Db', NeonHttpDatabase: 'drizzle.Db' },
  },
  {
    id: 'slonik', modules: ['slonik'],
    exports: {
      createPool: { factory: { async: true, returns: 'slonik.Pool' } },
      sql: slonikSqlTag,
      createSqlTag: { factory: { returns: 'slonik.SqlTag' } },
    },
    types: { DatabasePool: 'slonik.Pool', DatabaseConnection: 'slonik.Pool', DatabasePoolConnection: 'slonik.Pool', DatabaseTransactionConnection: 'slonik.Pool', CommonQueryMethods: 'slonik.Pool' },
  },
];

const byModule = new Map<string, LibraryModel>();
for (const lib of LIBRARIES) for (const m of lib.modules) byModule.set(m, lib);

export function libraryForModule(specifier: string): LibraryModel | undefined {
  return byModule.get(specifier);
}

export const DB_MODULES: readonly string[] = [...byModule.keys()];

export function kindSpec(kind: string): KindSpec | undefined {
  return KINDS[kind];
}
