import type { Json } from './json.js';

export type JSONSchemaTypeName = 'string' | 'number' | 'integer' | 'boolean' | 'null' | 'array' | 'object';

/** Editor hints read by the console's schema-rendered forms; never hand-written step forms. */
export interface UiHints {
  widget?: 'sql' | 'connector' | 'key-value' | 'secret' | 'textarea' | 'json' | 'code';
  language?: string;
  placeholder?: string;
  order?: number;
  [hint: string]: Json | undefined;
}

/** The subset of JSON Schema (draft 2020-12) step types describe their fields with. */
export interface JSONSchemaObject {
  $schema?: string;
  $id?: string;
  $ref?: string;
  $defs?: Readonly<Record<string, JSONSchema>>;
  title?: string;
  description?: string;
  type?: JSONSchemaTypeName | readonly JSONSchemaTypeName[];
  properties?: Readonly<Record<string, JSONSchema>>;
  required?: readonly string[];
  additionalProperties?: JSONSchema;
  items?: JSONSchema;
  enum?: readonly Json[];
  const?: Json;
  /** Any JSON; typed `unknown` so literal (`as const`) schemas with array defaults stay assignable. */
  default?: unknown;
  examples?: readonly Json[];
  anyOf?: readonly JSONSchema[];
  oneOf?: readonly JSONSchema[];
  'x-ui'?: UiHints;
  [keyword: string]: unknown;
}
export type JSONSchema = boolean | JSONSchemaObject;

type Simplify<T> = { [K in keyof T]: T[K] } & {};

type TypeOf<T, S> = T extends 'string'
  ? string
  : T extends 'number' | 'integer'
    ? number
    : T extends 'boolean'
      ? boolean
      : T extends 'null'
        ? null
        : T extends 'array'
          ? S extends { items: infer I }
            ? FromSchema<I>[]
            : Json[]
          : T extends 'object'
            ? ObjectOf<S>
            : never;

/** A property is always present at execute time when it is required or has a default (applied by the kernel). */
type PresentKeys<S, P> =
  | (S extends { required: readonly (infer R)[] } ? Extract<R, keyof P> : never)
  | { [K in keyof P]: P[K] extends { default: unknown } ? K : never }[keyof P];

type ObjectOf<S> = S extends { properties: infer P }
  ? Simplify<
      { -readonly [K in keyof P as K extends PresentKeys<S, P> ? K : never]: FromSchema<P[K]> } & {
        -readonly [K in keyof P as K extends PresentKeys<S, P> ? never : K]?: FromSchema<P[K]>;
      } & (S extends { additionalProperties: false } ? unknown : { [extra: string]: unknown })
    >
  : S extends { additionalProperties: infer A }
    ? A extends false
      ? Record<string, never>
      : Record<string, FromSchema<A>>
    : Record<string, Json>;

/**
 * The TypeScript type a value valid against schema `S` has, once defaults are applied.
 * `S` must be a literal (`as const`) schema; plugins get it from their generated `src/schema.ts`.
 */
export type FromSchema<S> = S extends true
  ? Json
  : S extends { const: infer C }
    ? C
    : S extends { enum: readonly (infer E)[] }
      ? E
      : S extends { anyOf: readonly (infer A)[] }
        ? FromSchema<A>
        : S extends { oneOf: readonly (infer O)[] }
          ? FromSchema<O>
          : S extends { type: readonly (infer T)[] }
            ? TypeOf<T, S>
            : S extends { type: infer T }
              ? TypeOf<T, S>
              : S extends { properties: unknown }
                ? ObjectOf<S>
                : Json;
