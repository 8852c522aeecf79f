export * from './schedule/index.js';
export * from './engine/index.js';
export * from './registry/index.js';
export * from './validation/index.js';
export { defineStepType, abortableDelay, abortError } from './define-step-type.js';
export * from './sql/index.js';
