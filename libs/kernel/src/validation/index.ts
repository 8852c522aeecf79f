export { JobValidator } from './job-validator.js';
export { checkTemplateRefs } from './template-refs.js';
