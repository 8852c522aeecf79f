import schema from './job.schema.json' with { type: 'json' };
import type { JSONSchemaObject } from './json-schema.js';

/** The job document schema of SPEC §1 (draft 2020-12). Step fields are checked per type by the kernel. */
export const jobSchema: JSONSchemaObject = schema as JSONSchemaObject;
