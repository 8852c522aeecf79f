import { ConflictError } from '@nomaflow/contracts';
import type { FieldError } from '@nomaflow/contracts';

/**
 * A 409 that names the field it is about, so the editor can mark it like a validation error.
 * The name stays `ConflictError` because the taxonomy recognises errors by code and name.
 */
export class FieldConflictError extends ConflictError {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(message);
    this.name = 'ConflictError';
  }

  override toJSON(): { errors: FieldError[] } {
    return { errors: [{ path: this.path, message: this.message }] };
  }
}
