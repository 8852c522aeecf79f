import type { Provider } from '@angular/core';
import { provideFormlyCore } from '@ngx-formly/core';
import { withFormlyMaterial } from '@ngx-formly/material';
import { SERVER_ERROR_WRAPPER } from './schema-fields';
import { ArrayFieldType } from './types/array-type';
import { BooleanFieldType } from './types/boolean-type';
import { ConnectorFieldType } from './types/connector-type';
import { JsonFieldType } from './types/json-type';
import { KeyValueFieldType } from './types/key-value-type';
import { ObjectFieldType } from './types/object-type';
import { SecretFieldType } from './types/secret-type';
import { ServerErrorWrapper } from './types/server-error-wrapper';
import { SqlFieldType } from './types/sql-type';
import { StringListFieldType } from './types/string-list-type';

/** formly with Material inputs and one custom type per x-ui widget; provided by the step form. */
export function provideSchemaForm(): Provider {
  return provideFormlyCore([
    ...withFormlyMaterial(),
    {
      types: [
        { name: 'object', component: ObjectFieldType },
        { name: 'array', component: ArrayFieldType },
        { name: 'nf-boolean', component: BooleanFieldType },
        { name: 'nf-sql', component: SqlFieldType },
        { name: 'nf-connector', component: ConnectorFieldType, wrappers: ['form-field'] },
        { name: 'nf-secret', component: SecretFieldType, wrappers: ['form-field'] },
        { name: 'nf-key-value', component: KeyValueFieldType },
        { name: 'nf-json', component: JsonFieldType },
        { name: 'nf-string-list', component: StringListFieldType },
      ],
      wrappers: [{ name: SERVER_ERROR_WRAPPER, component: ServerErrorWrapper }],
      validationMessages: [
        { name: 'required', message: 'required' },
        { name: 'pattern', message: 'does not match the expected format' },
        { name: 'minLength', message: 'too short' },
        { name: 'maxLength', message: 'too long' },
        { name: 'min', message: 'too small' },
        { name: 'max', message: 'too large' },
        { name: 'type', message: 'wrong type' },
        { name: 'enum', message: 'not one of the choices' },
      ],
    },
  ]);
}
