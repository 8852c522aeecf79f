export { createTestStepContext } from './test-step-context.js';
export type { RecordedLog, TestStepContext } from './test-step-context.js';
export { stepTypeContractChecks } from './step-type-contract.js';
export type { ContractCheck, ContractOptions } from './step-type-contract.js';
export { FakeClock } from './fake-clock.js';
export { MemoryRunStore, RecordingEventSink } from './memory-ports.js';
export { FakeStepExecutor, withTestStepTypes } from './fake-step-executor.js';
export { createEngineHarness } from './engine-harness.js';
export type { StoreWrite } from './memory-ports.js';
