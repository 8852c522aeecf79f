import { StepFailedError } from '@nomaflow/contracts';
import type { BulkWriter, Connector, TableRef } from '@nomaflow/contracts';
import { defineStepType, displayName, qualifiedName, quoteIdent } from '@nomaflow/kernel';
import type { SqlDialect } from '@nomaflow/kernel';
import { manifest } from './manifest.generated.js';
import { planColumns, rowMapper } from './plan.js';
import type { CoerceConfig, ColumnsConfig } from './plan.js';
import { generatedColumns, load } from './targets.js';

function dialectOf(c: Connector): SqlDialect {
  return c.driver === 'mysql' ? 'mysql' : 'postgres';
}

function tableRef(t: { schema?: string; table: string }): TableRef {
  return t.schema ? { schema: t.schema, table: t.table } : { table: t.table };
}

/** 1234567 → "1 234 567" (the run log's number style). */
function grouped(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ' ');
}

export default defineStepType({
  manifest,
  async execute(ctx, config) {
    const started = Date.now();
    const signal = ctx.signal;
    const sourceRef = tableRef(config.source);
    const targetRef = tableRef(config.target);
    const source = await ctx.connectors.get(config.source.connector);
    const target = await ctx.connectors.get(config.target.connector);
    const names = { source: displayName(sourceRef), target: displayName(targetRef) };

    const [sourceColumns, targetColumns] = await Promise.all([
      source.columns(sourceRef),
      target.columns(targetRef),
    ]);
    const generated = new Set(await generatedColumns(target, targetRef));
    const writable = targetColumns.filter((c) => !generated.has(c.name));
    let columns = config.columns as ColumnsConfig;
    if (columns === undefined && generated.size > 0) {
      // Generated target columns compute themselves: leave their namesakes in the source out.
      const lower = new Set([...generated].map((g) => g.toLowerCase()));
      columns = sourceColumns.map((c) => c.name).filter((n) => !lower.has(n.toLowerCase()));
      ctx.log.info(`generated target column(s) not written: ${[...generated].join(', ')}`);
    }
    const plans = planColumns({
      source: sourceColumns,
      target: writable,
      columns,
      coerce: config.coerce as CoerceConfig,
      preset: config.type_coercion,
      decimalMode: config.decimal_mode,
      names,
    });
    const targetNames = plans.map((p) => p.target);

    let keys: string[] = [];
    if (config.mode === 'upsert') {
      keys = config.key_columns ?? (await target.primaryKey(targetRef));
      if (keys.length === 0) {
        throw new StepFailedError(
          `upsert into ${names.target} needs key_columns: the target table has no primary key`,
          { retryable: false },
        );
      }
      const missing = keys.filter((k) => !targetNames.includes(k));
      if (missing.length > 0) {
        throw new StepFailedError(
          `upsert key column(s) ${missing.join(', ')} are not among the copied columns`,
          {
            retryable: false,
          },
        );
      }
    }

    const sd = dialectOf(source);
    const select =
      `SELECT ${plans.map((p) => quoteIdent(p.source, sd)).join(', ')} FROM ${qualifiedName(sourceRef, sd)}` +
      (config.where ? ` WHERE ${config.where}` : '');
    const countSql =
      `SELECT COUNT(*) AS n FROM ${qualifiedName(sourceRef, sd)}` +
      (config.where ? ` WHERE ${config.where}` : '');
    const params = config.params;
    const batchSize = config.batch_size;
    // The total is only for progress: count while the copy already runs.
    let total: number | undefined;
    const counting = source
      .query(countSql, params, { signal })
      .then((r) => {
        total = Number(r.rows[0]?.n ?? 0);
        ctx.log.info(`source: ${grouped(total)} rows to copy`);
      })
      .catch((e: unknown) => {
        if (!signal.aborted) ctx.log.warn(`could not count the source rows: ${(e as Error).message}`);
      });
    ctx.log.info(
      `copy ${config.source.connector}:${names.source} → ${config.target.connector}:${names.target} · mode=${config.mode} · ` +
        `${plans.length} columns`,
    );
    ctx.log.debug(`source query: ${select}`);
    for (const p of plans) {
      ctx.log.debug(`column ${p.source} (${p.sourceType}) → ${p.target} (${p.targetType}): ${p.describe}`);
    }

    const mapRows = rowMapper(plans);
    // Same driver, same column types, nothing coerced, no bound filter: rows can go across in the
    // driver's native bulk format without being decoded (PostgreSQL: binary COPY tuples).
    const nativeCandidate =
      source.driver === target.driver &&
      typeof source.streamNative === 'function' &&
      Object.keys(params).length === 0 &&
      plans.every((p) => p.transform === undefined && p.sourceType === p.targetType);
    let sourceRows = 0;
    let batch = 0;
    const progress = (rows: number) => {
      sourceRows += rows;
      batch += 1;
      if (total === undefined) {
        ctx.log.info(`▶ batch ${batch} · ${grouped(sourceRows)} rows`);
        ctx.progress({ done: sourceRows, unit: 'rows' });
      } else {
        const batches = Math.max(batch, Math.ceil(total / batchSize));
        ctx.log.info(`▶ batch ${batch} of ${batches} · ${grouped(sourceRows)} rows`);
        ctx.progress({ done: sourceRows, total: Math.max(total, sourceRows), unit: 'rows' });
      }
    };
    /** Native pass-through; false when the first batch shows it cannot be used (nothing written then). */
    const pumpNative = async (writer: BulkWriter): Promise<boolean> => {
      if (!nativeCandidate || !writer.writeNative || writer.nativeFormat === undefined) return false;
      const stream = (source.streamNative as NonNullable<Connector['streamNative']>).call(source, select, {
        batchSize,
        signal,
      });
      let first = true;
      try {
        for await (const rows of stream) {
          if (first && rows.format !== writer.nativeFormat) return false;
          try {
            await writer.writeNative(rows);
          } catch (e) {
            if (first && !signal.aborted) return false;
            throw e;
          }
          if (first) ctx.log.debug('rows pass through in the native bulk format (not decoded)');
          first = false;
          progress(rows.rows);
        }
      } catch (e) {
        if (first && !signal.aborted) {
          ctx.log.debug(`native pass-through not possible: ${(e as Error).message}`);
          return false;
        }
        throw e;
      }
      return true;
    };
    const pump = async (writer: BulkWriter): Promise<number> => {
      try {
        if (!(await pumpNative(writer))) {
          for await (const rows of source.stream(select, params, { batchSize, signal })) {
            await writer.write(mapRows(rows));
            progress(rows.length);
          }
        }
      } catch (e) {
        await writer.abort(e).catch(() => undefined);
        throw e;
      }
      return (await writer.close()).rows;
    };

    let targetRows: number;
    try {
      targetRows = await load(config.mode, {
        ctx,
        target,
        ref: targetRef,
        columns: targetNames,
        keys,
        signal,
        pump,
      });
    } finally {
      await counting;
    }
    const elapsed = Date.now() - started;
    ctx.log.info(
      `${grouped(sourceRows)} rows read, ${grouped(targetRows)} written · ${(elapsed / 1000).toFixed(1)} s` +
        (elapsed > 0 ? ` · ${grouped(Math.round((sourceRows * 1000) / elapsed))} rows/s` : ''),
    );
    return { source_rows: sourceRows, target_rows: targetRows, elapsed_ms: elapsed };
  },
});
