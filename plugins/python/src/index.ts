import { defineStepType } from '@nomaflow/kernel';
import { manifest } from './manifest.generated.js';
import { runPython } from './python-process.js';

export default defineStepType({
  manifest,
  execute: (ctx, config) => runPython(ctx, config),
});

export { resolvePython } from './interpreter.js';
export type { PythonInterpreter } from './interpreter.js';
export { childEnvironment, codeFolders } from './python-process.js';
