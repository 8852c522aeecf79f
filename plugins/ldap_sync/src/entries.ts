// From LDAP entries (as ldapts returns them) to the values bound to the target query.

export type MultiValueMode = 'join' | 'array' | 'first';
export type ColumnValue = string | string[] | null;
/** An entry as ldapts returns it: `dn` plus one key per attribute description. */
export type LdapEntry = { dn: string } & Record<string, string | string[] | Buffer | Buffer[]>;

/** Attributes whose values are bytes whatever they look like (lower case, without options). */
const KNOWN_BINARY = [
  'jpegPhoto',
  'photo',
  'audio',
  'thumbnailPhoto',
  'thumbnailLogo',
  'objectGUID',
  'objectSid',
  'sIDHistory',
  'tokenGroups',
  'msExchMailboxGuid',
  'mS-DS-ConsistencyGuid',
  'msDS-GenerationId',
  'userCertificate',
  'cACertificate',
  'certificateRevocationList',
  'authorityRevocationList',
  'deltaRevocationList',
  'crossCertificatePair',
  'userSMIMECertificate',
  'userPKCS12',
];

/** Syntaxes whose values must be transferred with the `;binary` option (RFC 4522/4523, RFC 2798). */
const TRANSFER_BINARY = new Set(
  [
    'userCertificate',
    'cACertificate',
    'certificateRevocationList',
    'authorityRevocationList',
    'deltaRevocationList',
    'crossCertificatePair',
    'userSMIMECertificate',
    'userPKCS12',
  ].map((a) => a.toLowerCase()),
);

/** `userCertificate;binary` → `usercertificate`: how attribute descriptions are compared. */
export function attributeKey(description: string): string {
  return description.replace(/;binary$/i, '').toLowerCase();
}

export interface EntryPlanInput {
  attributes: readonly string[];
  binaryAttributes: readonly string[];
  mapping: Readonly<Record<string, string>>;
  keyAttribute: string;
  multiValue: MultiValueMode;
  multiValueOverrides: Readonly<Record<string, MultiValueMode>>;
  joinSeparator: string;
}

/** What to ask the server for and how to turn each entry into the parameters of one row. */
export interface EntryPlan {
  /** The `attributes` of the search request. */
  requested: string[];
  /** Passed to ldapts so these come back as Buffers (compared with the server's spelling). */
  explicitBuffers: string[];
  /** Column (placeholder) names, in mapping order. */
  columns: string[];
  /**
   * The row of parameters for `entry` (column → value) and its key: the first value of
   * key_attribute formatted like a column value, undefined when the entry has none.
   */
  convert(entry: LdapEntry): { row: Record<string, ColumnValue>; key: string | undefined };
}

export function planEntries(input: EntryPlanInput): EntryPlan {
  const binary = new Set([...KNOWN_BINARY, ...input.binaryAttributes].map(attributeKey));
  const modeOf = new Map<string, MultiValueMode>();
  for (const [attribute, mode] of Object.entries(input.multiValueOverrides)) {
    modeOf.set(attributeKey(attribute), mode);
  }
  const mapped = Object.entries(input.mapping).map(([attribute, column]) => ({
    attribute: attributeKey(attribute),
    column,
    // A DN is one value by definition: always bound as a string.
    mode:
      attributeKey(attribute) === 'dn' ? 'first' : (modeOf.get(attributeKey(attribute)) ?? input.multiValue),
  }));

  const needed = [...Object.keys(input.mapping), input.keyAttribute].filter((a) => attributeKey(a) !== 'dn');
  const requested = uniqueByKey(
    input.attributes.length > 0 ? [...input.attributes, ...needed] : ['*', ...needed],
  )
    .filter((a) => a === '*' || attributeKey(a) !== 'dn')
    .map((a) => (TRANSFER_BINARY.has(attributeKey(a)) && !/;binary$/i.test(a) ? `${a};binary` : a));
  const explicitBuffers = [
    ...new Set(
      [...KNOWN_BINARY, ...input.binaryAttributes, ...requested]
        .filter((a) => binary.has(attributeKey(a)))
        .flatMap((a) => [a, a.toLowerCase(), `${a.replace(/;binary$/i, '')};binary`]),
    ),
  ];

  const format = (attribute: string, value: string | Buffer): string =>
    Buffer.isBuffer(value)
      ? value.toString('base64')
      : binary.has(attribute)
        ? // A binary value that happened to be valid UTF-8 came back decoded: re-encode its bytes.
          Buffer.from(value, 'utf8').toString('base64')
        : value;

  const valuesOf = (entry: LdapEntry): Map<string, (string | Buffer)[]> => {
    const out = new Map<string, (string | Buffer)[]>();
    for (const [description, raw] of Object.entries(entry)) {
      if (description === 'dn' || description === '*' || description === '+') continue;
      const values = Array.isArray(raw) ? raw : [raw];
      if (values.length === 0) continue;
      const key = attributeKey(description);
      const existing = out.get(key);
      out.set(key, existing ? [...existing, ...values] : values);
    }
    out.set('dn', [entry.dn]);
    return out;
  };

  const columnValue = (attribute: string, values: (string | Buffer)[] | undefined, mode: MultiValueMode) => {
    if (!values || values.length === 0) return null;
    const formatted = values.map((v) => format(attribute, v));
    if (mode === 'array') return formatted;
    if (mode === 'first' || formatted.length === 1) return formatted[0] ?? null;
    return formatted.join(input.joinSeparator);
  };

  const keyAttribute = attributeKey(input.keyAttribute);
  return {
    requested,
    explicitBuffers,
    columns: mapped.map((m) => m.column),
    convert(entry) {
      const values = valuesOf(entry);
      const row: Record<string, ColumnValue> = {};
      for (const m of mapped) row[m.column] = columnValue(m.attribute, values.get(m.attribute), m.mode);
      const key = columnValue(keyAttribute, values.get(keyAttribute), 'first');
      return { row, key: typeof key === 'string' ? key : undefined };
    },
  };
}

function uniqueByKey(attributes: string[]): string[] {
  const seen = new Set<string>();
  return attributes.filter((a) => {
    const key = a === '*' ? '*' : attributeKey(a);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
