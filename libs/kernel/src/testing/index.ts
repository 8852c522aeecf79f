export { createTestStepContext } from './test-step-context.js';
export type { RecordedLog, TestStepContext } from './test-step-context.js';
export { stepTypeContractChecks } from './step-type-contract.js';
export type { ContractCheck, ContractOptions } from './step-type-contract.js';
export { FakeClock } from './fake-clock.js';
export { MemoryRunStore, RecordingEventSink } from './memory-ports.js';
