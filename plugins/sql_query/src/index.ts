import { StepFailedError } from '@nomaflow/contracts';
import { countStatements, defineStepType } from '@nomaflow/kernel';
import { manifest } from './manifest.generated.js';

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

export default defineStepType({
  manifest,
  async execute(ctx, config) {
    const connector = await ctx.connectors.get(config.connector);
    const style = connector.driver === 'mysql' ? 'mysql' : 'postgres';
    const statements = countStatements(config.query, style);
    if (statements !== 1) {
      throw new StepFailedError(
        statements === 0
          ? 'query is empty'
          : `query holds ${statements} statements; a sql_query step runs one`,
        { retryable: false },
      );
    }
    const names = Object.keys(config.params);
    ctx.log.debug(`SQL on ${config.connector}: ${config.query}`);
    if (names.length > 0) ctx.log.debug(`bound parameters: ${names.map((n) => `:${n}`).join(', ')}`);
    const started = Date.now();
    const result = await connector.query(config.query, config.params, { signal: ctx.signal });
    const elapsed = ((Date.now() - started) / 1000).toFixed(1);
    const returned = result.fields.length > 0;
    ctx.log.info(
      `${plural(result.rowCount, 'row')} ${returned ? 'returned' : 'affected'} · ${config.connector} · ${elapsed} s`,
    );
    return { rows_affected: result.rowCount };
  },
});
