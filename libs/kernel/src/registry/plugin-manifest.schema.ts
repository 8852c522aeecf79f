/** The `"nomaflow"` key of a plugin's package.json (see PluginManifest in contracts). */
export const pluginManifestSchema = {
  type: 'object',
  required: ['kind', 'type', 'title', 'description'],
  additionalProperties: false,
  properties: {
    kind: { enum: ['step-type', 'connector'] },
    type: { type: 'string', pattern: '^[a-z][a-z0-9_]{0,63}$' },
    title: { type: 'string', minLength: 1 },
    description: { type: 'string' },
    schema: { type: 'string', minLength: 1 },
    secrets: { type: 'array', items: { type: 'string', pattern: '^/' } },
    idempotent: { type: 'boolean' },
    entry: { type: 'string', minLength: 1 },
  },
  if: { properties: { kind: { const: 'step-type' } } },
  then: { required: ['schema'] },
} as const;
