/**
 * How rows land in the target, per driver and mode. Every mode is all-or-nothing: an error or an
 * abort leaves the target exactly as it was (see README "How overwrite swaps").
 */
import { StepFailedError } from '@nomaflow/contracts';
import type { BulkWriter, Connector, StepContext, TableRef } from '@nomaflow/contracts';
import { displayName, qualifiedName, quoteIdent } from '@nomaflow/kernel';
import type { SqlDialect } from '@nomaflow/kernel';

export type Mode = 'overwrite' | 'append' | 'upsert';

export interface LoadJob {
  ctx: StepContext;
  target: Connector;
  ref: TableRef;
  /** Target columns written, in the order of the values the pump writes. */
  columns: readonly string[];
  /** Upsert keys (target columns). */
  keys: readonly string[];
  signal: AbortSignal;
  /** Streams the whole source into `writer`, closes it and returns the rows written. */
  pump(writer: BulkWriter): Promise<number>;
}

function dialectOf(c: Connector): SqlDialect {
  if (c.driver === 'postgres' || c.driver === 'mysql') return c.driver;
  throw new StepFailedError(
    `sql_copy cannot write to a ${c.driver} connector (postgres and mysql are supported)`,
    {
      retryable: false,
    },
  );
}

/** `<table>__nf_<random>` cut to the dialect's identifier length. */
function stashName(table: string, dialect: SqlDialect): string {
  const suffix = `__nf_${Math.random().toString(36).slice(2, 8)}`;
  const limit = dialect === 'postgres' ? 63 : 64;
  const bytes = Buffer.from(table, 'utf8');
  let head = table;
  if (bytes.length + suffix.length > limit)
    head = bytes
      .subarray(0, limit - suffix.length)
      .toString('utf8')
      .replace(/\uFFFD+$/, '');
  return head + suffix;
}

/** Generated columns of the target: nothing can be written into them. */
export async function generatedColumns(target: Connector, ref: TableRef): Promise<string[]> {
  if (dialectOf(target) === 'postgres') {
    const { rows } = await target.query(
      `SELECT attname AS name FROM pg_attribute
        WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped AND attgenerated <> ''`,
      [qualifiedName(ref, 'postgres')],
    );
    return rows.map((r) => String(r.name));
  }
  const { rows } = await target.query(
    `SELECT COLUMN_NAME AS name FROM information_schema.COLUMNS
      WHERE TABLE_SCHEMA = COALESCE(:schema, DATABASE()) AND TABLE_NAME = :table AND EXTRA LIKE '%GENERATED%'`,
    { schema: ref.schema ?? null, table: ref.table },
  );
  return rows.map((r) => String(r.name));
}

export async function load(mode: Mode, job: LoadJob): Promise<number> {
  const dialect = dialectOf(job.target);
  if (dialect === 'postgres') {
    if (mode === 'overwrite') return pgOverwrite(job);
    if (mode === 'append') return append(job);
    return pgUpsert(job);
  }
  if (mode === 'overwrite') return mysqlOverwrite(job);
  if (mode === 'append') return append(job);
  return mysqlUpsert(job);
}

/** Append: one transaction (PostgreSQL: one COPY) straight into the target. */
async function append(job: LoadJob): Promise<number> {
  return job.target.transaction(
    async (tx) => job.pump(await tx.bulkWriter(job.ref, job.columns, { signal: job.signal })),
    {
      signal: job.signal,
    },
  );
}

function sqlStateOf(e: unknown): string | undefined {
  const cause = (e as { cause?: { code?: unknown; sqlState?: unknown } }).cause;
  const code = cause?.sqlState ?? cause?.code;
  return typeof code === 'string' ? code : undefined;
}

// ---------------------------------------------------------------------------------------------
// PostgreSQL
// ---------------------------------------------------------------------------------------------

interface PgTableInfo {
  /** Nothing else depends on the table's identity: it can be replaced by a renamed stash. */
  swappable: boolean;
  reason?: string;
  hasIdentity: boolean;
}

async function pgTableInfo(tx: Connector, ref: TableRef): Promise<PgTableInfo> {
  const { rows } = await tx.query(
    `SELECT c.relkind::text AS relkind, c.relpersistence::text AS persistence,
            c.relowner = (SELECT oid FROM pg_roles WHERE rolname = current_user) AS own,
            c.reltablespace <> 0 AS tablespace, c.reloptions IS NOT NULL AS reloptions, c.relrowsecurity AS rls,
            EXISTS (SELECT 1 FROM pg_inherits WHERE inhrelid = c.oid OR inhparent = c.oid) AS inheritance,
            EXISTS (SELECT 1 FROM pg_depend d WHERE d.refobjid = c.oid AND d.classid = 'pg_rewrite'::regclass
                      AND d.objid NOT IN (SELECT oid FROM pg_rewrite WHERE ev_class = c.oid)) AS views,
            EXISTS (SELECT 1 FROM pg_rewrite WHERE ev_class = c.oid) AS rules,
            EXISTS (SELECT 1 FROM pg_constraint WHERE contype = 'f' AND (conrelid = c.oid OR confrelid = c.oid)) AS foreign_keys,
            EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = c.oid AND NOT tgisinternal) AS triggers,
            EXISTS (SELECT 1 FROM pg_policy WHERE polrelid = c.oid) AS policies,
            EXISTS (SELECT 1 FROM pg_publication_rel WHERE prrelid = c.oid) AS publications,
            EXISTS (SELECT 1 FROM pg_statistic_ext WHERE stxrelid = c.oid) AS statistics,
            EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = c.oid AND attnum > 0 AND attacl IS NOT NULL) AS column_grants,
            EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = c.oid AND attnum > 0 AND NOT attisdropped AND attidentity <> '') AS identity
       FROM pg_class c WHERE c.oid = $1::regclass`,
    [qualifiedName(ref, 'postgres')],
  );
  const r = rows[0] ?? {};
  const blockers: string[] = [];
  if (r.relkind !== 'r') blockers.push(r.relkind === 'p' ? 'partitioned' : `relkind ${String(r.relkind)}`);
  if (r.persistence !== 'p') blockers.push('unlogged or temporary');
  if (r.own !== true) blockers.push('owned by another role');
  for (const key of [
    'tablespace',
    'reloptions',
    'rls',
    'inheritance',
    'views',
    'rules',
    'foreign_keys',
    'triggers',
    'policies',
    'publications',
    'statistics',
    'column_grants',
    'identity',
  ]) {
    if (r[key] === true) blockers.push(key.replace('_', ' '));
  }
  return {
    swappable: blockers.length === 0,
    ...(blockers.length ? { reason: blockers.join(', ') } : {}),
    hasIdentity: r.identity === true,
  };
}

interface PgIndex {
  name: string;
  constraint: string | null;
  definition: string;
}

const INDEX_DEF =
  /^CREATE (UNIQUE )?INDEX (?:"(?:[^"]|"")+"|[^\s"]+) ON (?:ONLY )?(?:"(?:[^"]|"")+"|[^\s."]+)(?:\.(?:"(?:[^"]|"")+"|[^\s."]+))? USING ([\s\S]*)$/;

/**
 * Overwrite on PostgreSQL, in ONE transaction on the target:
 * 1. a stash table like the target (same columns, defaults, CHECKs; indexes added after the load);
 * 2. COPY FROM STDIN (binary) into it, then its indexes, grants and statistics;
 * 3. swap: lock the target, drop it, rename the stash to its name (and its indexes to theirs).
 * Readers see the old rows until COMMIT, then all the new ones, never an empty or partial table.
 * When the target's identity matters (views, foreign keys, triggers, identity columns, …) the
 * stash is a temporary table and step 3 is `DELETE` + `INSERT … SELECT` in the same transaction,
 * which readers also see atomically.
 */
async function pgOverwrite(job: LoadJob): Promise<number> {
  const { ctx, ref } = job;
  return job.target.transaction(
    async (tx) => {
      const info = await pgTableInfo(tx, ref);
      const stashTable = stashName(ref.table, 'postgres');
      const target = qualifiedName(ref, 'postgres');
      if (!info.swappable) {
        ctx.log.info(`stash: temporary table (target is kept in place: ${info.reason})`);
        return pgReplaceFromStash(job, tx, info);
      }
      const stash: TableRef = { ...(ref.schema ? { schema: ref.schema } : {}), table: stashTable };
      const stashSql = qualifiedName(stash, 'postgres');
      ctx.log.debug(`stash table ${displayName(stash)}`);
      await tx.query(
        `CREATE TABLE ${stashSql} (LIKE ${target} INCLUDING ALL EXCLUDING INDEXES EXCLUDING IDENTITY)`,
      );
      const loaded = await job.pump(await tx.bulkWriter(stash, job.columns, { signal: job.signal }));
      // Indexes and constraints after the load (faster than maintaining them row by row).
      const { rows } = await tx.query(
        `SELECT ic.relname AS name, con.conname AS constraint, COALESCE(pg_get_constraintdef(con.oid), pg_get_indexdef(i.indexrelid)) AS definition
           FROM pg_index i
           JOIN pg_class ic ON ic.oid = i.indexrelid
           LEFT JOIN pg_constraint con ON con.conindid = i.indexrelid AND con.conrelid = i.indrelid AND con.contype IN ('p', 'u', 'x')
          WHERE i.indrelid = $1::regclass
          ORDER BY i.indisprimary DESC, ic.relname`,
        [target],
      );
      const indexes = rows as unknown as PgIndex[];
      const renames: { temp: string; original: PgIndex }[] = [];
      for (const [i, index] of indexes.entries()) {
        const temp = `${stashTable.slice(0, 50)}_i${i}`;
        if (index.constraint !== null) {
          await tx.query(
            `ALTER TABLE ${stashSql} ADD CONSTRAINT ${quoteIdent(temp, 'postgres')} ${index.definition}`,
          );
        } else {
          const m = INDEX_DEF.exec(index.definition);
          if (!m) throw new StepFailedError(`cannot re-create index ${index.name}: ${index.definition}`);
          await tx.query(
            `CREATE ${m[1] ?? ''}INDEX ${quoteIdent(temp, 'postgres')} ON ${stashSql} USING ${m[2]}`,
          );
        }
        renames.push({ temp, original: index });
      }
      const copies = await tx.query(
        `SELECT format('GRANT %s ON TABLE %s TO %s%s', a.privilege_type, $2::text,
                       CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE quote_ident(r.rolname) END,
                       CASE WHEN a.is_grantable THEN ' WITH GRANT OPTION' ELSE '' END) AS stmt
           FROM pg_class c CROSS JOIN LATERAL aclexplode(c.relacl) a LEFT JOIN pg_roles r ON r.oid = a.grantee
          WHERE c.oid = $1::regclass AND a.grantee <> c.relowner
         UNION ALL
         SELECT format('COMMENT ON TABLE %s IS %L', $2::text, d) FROM obj_description($1::regclass, 'pg_class') d WHERE d IS NOT NULL
         UNION ALL
         SELECT format('ALTER SEQUENCE %s OWNED BY %s.%I', s.oid::regclass, $2::text, a.attname)
           FROM pg_depend d JOIN pg_class s ON s.oid = d.objid AND s.relkind = 'S'
           JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
          WHERE d.refobjid = $1::regclass AND d.deptype = 'a'`,
        [target, stashSql],
      );
      for (const row of copies.rows) await tx.query(String(row.stmt));
      await tx.query(`ANALYZE ${stashSql}`);
      ctx.log.info(`swapping the stash in: ${displayName(ref)} is replaced atomically at commit`);
      try {
        await tx.transaction(async (sp) => {
          await sp.query(`LOCK TABLE ${target} IN ACCESS EXCLUSIVE MODE`);
          await sp.query(`DROP TABLE ${target}`);
          await sp.query(`ALTER TABLE ${stashSql} RENAME TO ${quoteIdent(ref.table, 'postgres')}`);
          for (const { temp, original } of renames) {
            if (original.constraint !== null) {
              await sp.query(
                `ALTER TABLE ${target} RENAME CONSTRAINT ${quoteIdent(temp, 'postgres')} TO ${quoteIdent(original.constraint, 'postgres')}`,
              );
            }
            const indexNow = qualifiedName(
              { ...(ref.schema ? { schema: ref.schema } : {}), table: temp },
              'postgres',
            );
            if (original.constraint === null || original.constraint !== original.name) {
              const current =
                original.constraint !== null
                  ? qualifiedName(
                      { ...(ref.schema ? { schema: ref.schema } : {}), table: original.constraint },
                      'postgres',
                    )
                  : indexNow;
              await sp.query(`ALTER INDEX ${current} RENAME TO ${quoteIdent(original.name, 'postgres')}`);
            }
          }
        });
      } catch (e) {
        if (sqlStateOf(e) !== '2BP01') throw e;
        // Something we did not see depends on the target: keep it and replace its rows instead.
        ctx.log.info('the target has dependent objects: replacing its rows from the stash instead');
        await pgReplaceRows(tx, ref, stash, job.columns, info.hasIdentity);
        await tx.query(`DROP TABLE ${stashSql}`);
      }
      ctx.log.info(`swapped: ${displayName(ref)} now holds the ${loaded} new rows`);
      return loaded;
    },
    { signal: job.signal },
  );
}

async function pgReplaceRows(
  tx: Connector,
  ref: TableRef,
  stash: TableRef,
  columns: readonly string[],
  overridingIdentity: boolean,
): Promise<number> {
  const target = qualifiedName(ref, 'postgres');
  const cols = columns.map((c) => quoteIdent(c, 'postgres')).join(', ');
  // Writers wait; readers keep reading the old rows until COMMIT (DELETE is MVCC-safe, TRUNCATE is not).
  await tx.query(`LOCK TABLE ${target} IN SHARE ROW EXCLUSIVE MODE`);
  await tx.query(`DELETE FROM ${target}`);
  const inserted = await tx.query(
    `INSERT INTO ${target} (${cols}) ${overridingIdentity ? 'OVERRIDING SYSTEM VALUE ' : ''}SELECT ${cols} FROM ${qualifiedName(stash, 'postgres')}`,
  );
  return inserted.rowCount;
}

async function pgReplaceFromStash(job: LoadJob, tx: Connector, info: PgTableInfo): Promise<number> {
  const stash: TableRef = { table: stashName(job.ref.table, 'postgres') };
  await tx.query(
    `CREATE TEMPORARY TABLE ${qualifiedName(stash, 'postgres')} (LIKE ${qualifiedName(job.ref, 'postgres')} INCLUDING DEFAULTS) ON COMMIT DROP`,
  );
  const loaded = await job.pump(await tx.bulkWriter(stash, job.columns, { signal: job.signal }));
  job.ctx.log.info(`replacing the rows of ${displayName(job.ref)} in one transaction`);
  await pgReplaceRows(tx, job.ref, stash, job.columns, info.hasIdentity);
  return loaded;
}

/** Upsert on PostgreSQL: a temporary stash, then INSERT … ON CONFLICT (keys) DO UPDATE, one transaction. */
async function pgUpsert(job: LoadJob): Promise<number> {
  const { ref, columns, keys } = job;
  return job.target.transaction(
    async (tx) => {
      const info = await pgTableInfo(tx, ref);
      const stash: TableRef = { table: stashName(ref.table, 'postgres') };
      const stashSql = qualifiedName(stash, 'postgres');
      await tx.query(
        `CREATE TEMPORARY TABLE ${stashSql} (LIKE ${qualifiedName(ref, 'postgres')} INCLUDING DEFAULTS) ON COMMIT DROP`,
      );
      await job.pump(await tx.bulkWriter(stash, columns, { signal: job.signal }));
      const cols = columns.map((c) => quoteIdent(c, 'postgres')).join(', ');
      const updates = columns
        .filter((c) => !keys.includes(c))
        .map((c) => `${quoteIdent(c, 'postgres')} = EXCLUDED.${quoteIdent(c, 'postgres')}`);
      const conflict = keys.map((k) => quoteIdent(k, 'postgres')).join(', ');
      job.ctx.log.info(`merging the stash into ${displayName(ref)} on (${keys.join(', ')})`);
      try {
        const merged = await tx.query(
          `INSERT INTO ${qualifiedName(ref, 'postgres')} (${cols}) ${info.hasIdentity ? 'OVERRIDING SYSTEM VALUE ' : ''}SELECT ${cols} FROM ${stashSql}
           ON CONFLICT (${conflict}) DO ${updates.length ? `UPDATE SET ${updates.join(', ')}` : 'NOTHING'}`,
        );
        return merged.rowCount;
      } catch (e) {
        if (sqlStateOf(e) === '42P10') {
          throw new StepFailedError(
            `upsert: ${displayName(ref)} has no primary key or unique index on (${keys.join(', ')}); add one or change key_columns`,
            { cause: e, retryable: false },
          );
        }
        if (sqlStateOf(e) === '21000') {
          throw new StepFailedError(
            `upsert: the source has several rows with the same key (${keys.join(', ')})`,
            {
              cause: e,
              retryable: false,
            },
          );
        }
        throw e;
      }
    },
    { signal: job.signal },
  );
}

// ---------------------------------------------------------------------------------------------
// MySQL / MariaDB
// ---------------------------------------------------------------------------------------------

async function mysqlSwapBlockers(target: Connector, ref: TableRef): Promise<string[]> {
  const params = { schema: ref.schema ?? null, table: ref.table };
  const { rows } = await target.query(
    `SELECT
       (SELECT COUNT(*) FROM information_schema.TRIGGERS
         WHERE EVENT_OBJECT_SCHEMA = COALESCE(:schema, DATABASE()) AND EVENT_OBJECT_TABLE = :table) AS triggers,
       (SELECT COUNT(*) FROM information_schema.REFERENTIAL_CONSTRAINTS
         WHERE (CONSTRAINT_SCHEMA = COALESCE(:schema, DATABASE()) AND TABLE_NAME = :table)
            OR (UNIQUE_CONSTRAINT_SCHEMA = COALESCE(:schema, DATABASE()) AND REFERENCED_TABLE_NAME = :table)) AS foreign_keys`,
    params,
  );
  const r = rows[0] ?? {};
  const blockers: string[] = [];
  if (Number(r.triggers) > 0) blockers.push('triggers');
  if (Number(r.foreign_keys) > 0) blockers.push('foreign keys');
  return blockers;
}

/**
 * Overwrite on MySQL/MariaDB: a stash `CREATE TABLE … LIKE` the target, loaded in one transaction,
 * then `RENAME TABLE target TO old, stash TO target` — one atomic statement, readers see the old or
 * the new table — and the old one dropped. A target with triggers or foreign keys stays in place:
 * a temporary stash, then DELETE + INSERT … SELECT in one transaction.
 */
async function mysqlOverwrite(job: LoadJob): Promise<number> {
  const { ctx, ref, target } = job;
  const blockers = await mysqlSwapBlockers(target, ref);
  const targetSql = qualifiedName(ref, 'mysql');
  const cols = job.columns.map((c) => quoteIdent(c, 'mysql')).join(', ');
  if (blockers.length > 0) {
    ctx.log.info(`stash: temporary table (target is kept in place: ${blockers.join(', ')})`);
    return target.transaction(
      async (tx) => {
        const stashTable = stashName(ref.table, 'mysql');
        const stash = qualifiedName({ table: stashTable }, 'mysql');
        await tx.query(`CREATE TEMPORARY TABLE ${stash} LIKE ${targetSql}`);
        const loaded = await job.pump(
          await tx.bulkWriter({ table: stashTable }, job.columns, { signal: job.signal }),
        );
        ctx.log.info(`replacing the rows of ${displayName(ref)} in one transaction`);
        await tx.query(`DELETE FROM ${targetSql}`);
        await tx.query(`INSERT INTO ${targetSql} (${cols}) SELECT ${cols} FROM ${stash}`);
        await tx.query(`DROP TEMPORARY TABLE ${stash}`);
        return loaded;
      },
      { signal: job.signal },
    );
  }
  const inSchema = (table: string): TableRef => ({ ...(ref.schema ? { schema: ref.schema } : {}), table });
  const stash = inSchema(stashName(ref.table, 'mysql'));
  const old = inSchema(stashName(ref.table, 'mysql'));
  const stashSql = qualifiedName(stash, 'mysql');
  ctx.log.debug(`stash table ${displayName(stash)}`);
  await target.query(`CREATE TABLE ${stashSql} LIKE ${targetSql}`, undefined, { signal: job.signal });
  let swapped = false;
  try {
    const loaded = await target.transaction(
      async (tx) => job.pump(await tx.bulkWriter(stash, job.columns, { signal: job.signal })),
      { signal: job.signal },
    );
    ctx.log.info(`swapping the stash in: RENAME TABLE replaces ${displayName(ref)} atomically`);
    await target.query(
      `RENAME TABLE ${targetSql} TO ${qualifiedName(old, 'mysql')}, ${stashSql} TO ${targetSql}`,
      undefined,
      {
        signal: job.signal,
      },
    );
    swapped = true;
    await target.query(`DROP TABLE ${qualifiedName(old, 'mysql')}`).catch((e: unknown) => {
      ctx.log.warn(
        `swapped, but the old table ${displayName(old)} could not be dropped: ${(e as Error).message}`,
      );
    });
    ctx.log.info(`swapped: ${displayName(ref)} now holds the ${loaded} new rows`);
    return loaded;
  } finally {
    if (!swapped) {
      await target.query(`DROP TABLE IF EXISTS ${stashSql}`).catch((e: unknown) => {
        ctx.log.warn(`could not drop the stash ${displayName(stash)}: ${(e as Error).message}`);
      });
    }
  }
}

async function mysqlCheckUniqueKey(target: Connector, ref: TableRef, keys: readonly string[]): Promise<void> {
  const { rows } = await target.query(
    `SELECT INDEX_NAME AS name, GROUP_CONCAT(COLUMN_NAME ORDER BY SEQ_IN_INDEX SEPARATOR '\\n') AS cols
       FROM information_schema.STATISTICS
      WHERE TABLE_SCHEMA = COALESCE(:schema, DATABASE()) AND TABLE_NAME = :table AND NON_UNIQUE = 0
      GROUP BY INDEX_NAME`,
    { schema: ref.schema ?? null, table: ref.table },
  );
  const wanted = [...keys]
    .map((k) => k.toLowerCase())
    .sort()
    .join('\n');
  const found = rows.some((r) => String(r.cols).toLowerCase().split('\n').sort().join('\n') === wanted);
  if (!found) {
    throw new StepFailedError(
      `upsert: ${displayName(ref)} has no primary key or unique index on (${keys.join(', ')}); add one or change key_columns`,
      { retryable: false },
    );
  }
}

/** Upsert on MySQL/MariaDB: a temporary stash, then INSERT … SELECT … ON DUPLICATE KEY UPDATE, one transaction. */
async function mysqlUpsert(job: LoadJob): Promise<number> {
  const { ref, columns, keys, target } = job;
  await mysqlCheckUniqueKey(target, ref, keys);
  const targetSql = qualifiedName(ref, 'mysql');
  const cols = columns.map((c) => quoteIdent(c, 'mysql')).join(', ');
  const nonKeys = columns.filter((c) => !keys.includes(c));
  const updates = (nonKeys.length ? nonKeys : [keys[0] as string])
    .map((c) => `${quoteIdent(c, 'mysql')} = VALUES(${quoteIdent(c, 'mysql')})`)
    .join(', ');
  return target.transaction(
    async (tx) => {
      const stashTable = stashName(ref.table, 'mysql');
      const stash = qualifiedName({ table: stashTable }, 'mysql');
      await tx.query(`CREATE TEMPORARY TABLE ${stash} LIKE ${targetSql}`);
      const loaded = await job.pump(
        await tx.bulkWriter({ table: stashTable }, columns, { signal: job.signal }),
      );
      job.ctx.log.info(`merging the stash into ${displayName(ref)} on (${keys.join(', ')})`);
      await tx.query(
        `INSERT INTO ${targetSql} (${cols}) SELECT ${cols} FROM ${stash} ON DUPLICATE KEY UPDATE ${updates}`,
      );
      await tx.query(`DROP TEMPORARY TABLE ${stash}`);
      return loaded;
    },
    { signal: job.signal },
  );
}
