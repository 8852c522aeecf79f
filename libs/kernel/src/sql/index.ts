export { bindNamedParams, countStatements } from './named-params.js';
export type { BoundStatement, PlaceholderStyle } from './named-params.js';
export { quoteIdent, qualifiedName, displayName } from './identifiers.js';
export type { SqlDialect } from './identifiers.js';
export { redactSecrets, connectorSecrets } from './redact.js';
export { sqlError } from './errors.js';
export { onAbort } from './abort.js';
export { withLease, combineSignals } from './lease.js';
export type { KillableLease } from './lease.js';
