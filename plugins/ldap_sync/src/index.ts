import { isNomaflowError } from '@nomaflow/contracts';
import type { Connector } from '@nomaflow/contracts';
import { abortError, defineStepType, formatDuration } from '@nomaflow/kernel';
import { checkFilter, Directory } from './directory.js';
import { planEntries, type ColumnValue } from './entries.js';
import { manifest } from './manifest.generated.js';
import { planTarget, writeFailure, writeRows } from './target.js';

/** An INFO progress line at most this often; the other pages log at DEBUG. */
const INFO_EVERY_MS = 5000;

export default defineStepType({
  manifest,
  async execute(ctx, config) {
    const started = Date.now();
    const { signal, log } = ctx;

    // Everything that can be refused from the config alone, before any connection.
    checkFilter(config.search_filter);
    const entries = planEntries({
      attributes: config.attributes ?? [],
      binaryAttributes: config.binary_attributes ?? [],
      mapping: config.mapping,
      keyAttribute: config.key_attribute,
      multiValue: config.multi_value,
      multiValueOverrides: config.multi_value_overrides,
      joinSeparator: config.join_separator,
    });
    const target = planTarget({
      targetQuery: config.target_query,
      pruneQuery: config.prune_query,
      columns: entries.columns,
      batchSize: config.batch_size,
    });

    log.info(
      `ldap_sync · ${config.server} as ${config.bind_dn} · base ${config.search_base} · scope=${config.scope} · ` +
        `filter ${config.search_filter} · page size ${config.page_size} → connector ${config.target_connector}`,
    );
    log.debug(`LDAP attributes requested: ${entries.requested.join(' ')}`);
    log.debug(
      target.multiRow
        ? `target_query (multi-row, up to ${target.rowsPerStatement} rows per statement): ${config.target_query}`
        : `target_query (one statement per entry): ${config.target_query}`,
    );
    if (config.prune_query !== undefined) log.debug(`prune_query: ${config.prune_query}`);

    const directory = await Directory.open({
      server: config.server,
      bindDn: config.bind_dn,
      bindPassword: config.bind_password,
      tlsRejectUnauthorized: config.tls_reject_unauthorized,
      connectTimeoutMs: Math.round(config.connect_timeout_seconds * 1000),
      signal,
    });
    log.debug(`bound to ${config.server} as ${config.bind_dn}`);
    let connector: Connector;
    try {
      connector = await ctx.connectors.get(config.target_connector);
    } catch (e) {
      directory.destroy();
      throw e;
    }

    let fetched = 0;
    let upserted = 0;
    let affected = 0;
    let pages = 0;
    let references = 0;
    let keyless = 0;
    const seen: string[] = [];
    let lastInfo = Date.now();

    const sync = async (tx: Connector): Promise<number> => {
      let batch: Record<string, ColumnValue>[] = [];
      const flush = async () => {
        if (batch.length === 0) return;
        if (signal.aborted) throw abortError(signal);
        const rows = batch;
        batch = [];
        try {
          affected += await writeRows(tx, config.target_query, target, rows, signal);
        } catch (e) {
          if (signal.aborted) throw abortError(signal);
          throw writeFailure(`target_query on entries ${upserted + 1}–${upserted + rows.length}`, e);
        }
        upserted += rows.length;
        ctx.progress({ done: upserted, unit: 'entries' });
      };

      for await (const page of directory.pages({
        base: config.search_base,
        filter: config.search_filter,
        scope: config.scope,
        attributes: entries.requested,
        explicitBuffers: entries.explicitBuffers,
        pageSize: config.page_size,
      })) {
        pages++;
        references += page.references;
        fetched += page.entries.length;
        for (const entry of page.entries) {
          const { row, key } = entries.convert(entry);
          batch.push(row);
          if (key === undefined) keyless++;
          else seen.push(key);
          if (batch.length >= config.batch_size) await flush();
        }
        const line = `page ${pages} · fetched ${fetched} entries · written ${upserted}`;
        if (Date.now() - lastInfo >= INFO_EVERY_MS) {
          log.info(line);
          lastInfo = Date.now();
        } else log.debug(line);
      }
      await flush();

      if (config.prune_query === undefined) return 0;
      if (keyless > 0) {
        log.warn(
          `${keyless} entries have no ${config.key_attribute}: they are not in :seen, so prune_query may delete their rows`,
        );
      }
      if (seen.length === 0) {
        log.warn('the search returned no entry: prune_query skipped (it would have deleted every row)');
        return 0;
      }
      if (signal.aborted) throw abortError(signal);
      try {
        const result = await tx.query(config.prune_query, target.pruneUsesSeen ? { seen } : {}, { signal });
        return result.rowCount;
      } catch (e) {
        if (signal.aborted) throw abortError(signal);
        throw writeFailure('prune_query', e);
      }
    };

    let pruned: number;
    try {
      pruned = await connector.transaction(sync, { signal });
    } catch (e) {
      if (signal.aborted) throw abortError(signal);
      if (isNomaflowError(e)) throw e;
      throw writeFailure(`the transaction on connector ${config.target_connector}`, e);
    } finally {
      await directory.close();
    }

    if (references > 0)
      log.warn(`${references} continuation references (referrals) were returned and not followed`);
    log.info(
      `ldap_sync · fetched ${fetched} entries in ${pages} page(s) · upserted ${upserted} (${affected} rows affected)` +
        (config.prune_query !== undefined ? ` · pruned ${pruned}` : '') +
        ` · ${formatDuration(Date.now() - started)}`,
    );
    return { fetched, upserted, pruned };
  },
});
