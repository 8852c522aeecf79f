/** PostgreSQL's SQLSTATE for a unique or primary-key clash. */
const UNIQUE_VIOLATION = '23505';

/** TypeORM copies the driver's fields onto its QueryFailedError, but keeps the original too. */
export function isUniqueViolation(e: unknown): boolean {
  if (typeof e !== 'object' || e === null) return false;
  const err = e as { code?: unknown; driverError?: { code?: unknown } };
  return err.code === UNIQUE_VIOLATION || err.driverError?.code === UNIQUE_VIOLATION;
}
