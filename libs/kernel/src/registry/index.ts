export { StepTypeRegistry, PluginError } from './step-type-registry.js';
export type { DiscoveryReport, LoadedPlugin, PluginLoadFailure } from './step-type-registry.js';
export { createAjv } from './ajv.js';
export { ajvErrorsToFieldErrors, ajvErrorMessage, ajvErrorPath } from './ajv-errors.js';
export { checkStepTypeManifest, STEP_TYPE_NAME } from './manifest-rules.js';
export { findPluginPackages } from './plugin-package.js';
export type { PluginPackage } from './plugin-package.js';
export { InProcessStepExecutor } from './in-process-executor.js';
