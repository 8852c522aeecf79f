import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ErrorObject } from 'ajv';
import addFormatsModule from 'ajv-formats';

// ajv-formats is CommonJS; under NodeNext its default export arrives wrapped.
const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;

/**
 * One place that configures ajv (JSON Schema 2020-12). Strict, so a plugin schema with a typo'd
 * keyword fails to load instead of silently validating nothing; `x-ui` is the console's hint keyword.
 */
export function createAjv(options: { useDefaults?: boolean } = {}): Ajv2020 {
  const ajv = new Ajv2020({
    allErrors: true,
    strict: true,
    strictRequired: false,
    allowUnionTypes: true,
    useDefaults: options.useDefaults ?? false,
    validateFormats: true,
  });
  addFormats(ajv);
  ajv.addKeyword({ keyword: 'x-ui', schemaType: 'object' });
  return ajv;
}

export type { ErrorObject };
