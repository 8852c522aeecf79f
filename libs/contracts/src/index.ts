export * from './json.js';
export * from './json-schema.js';
export * from './job.js';
export * from './run.js';
export * from './events.js';
export * from './errors.js';
export * from './connector.js';
export * from './step-type.js';
export { jobSchema } from './job-schema.js';
