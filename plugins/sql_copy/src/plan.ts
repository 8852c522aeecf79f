/** Which source column goes to which target column, and how its values are coerced. Pure logic. */
import { StepFailedError } from '@nomaflow/contracts';
import type { ColumnInfo } from '@nomaflow/contracts';
import { COERCE_TYPES, classifyType, coercion, jdeTransform } from './coerce.js';
import type { CoerceSpec, CoerceType, DecimalMode, Transform } from './coerce.js';

export interface ColumnPlan {
  source: string;
  target: string;
  sourceType: string;
  targetType: string;
  /** undefined: the value is written as read. */
  transform?: Transform;
  /** What the transform does, for the DEBUG log. */
  describe: string;
}

export type ColumnsConfig = readonly string[] | Readonly<Record<string, string>> | undefined;
export type CoerceConfig =
  Readonly<Record<string, string | { type: string; scale?: number; decimal_mode?: string }>> | undefined;

function configError(message: string): StepFailedError {
  return new StepFailedError(message, { retryable: false });
}

function findColumn(columns: readonly ColumnInfo[], name: string): ColumnInfo | undefined {
  return (
    columns.find((c) => c.name === name) ?? columns.find((c) => c.name.toLowerCase() === name.toLowerCase())
  );
}

/**
 * Pairs source and target columns. Without `columns`: every source column, matched to the target
 * column of the same name (exact, else case-insensitive); a source column with no match is an error
 * naming it. `columns` as a list keeps those source columns (same names in the target); as a map it
 * renames `source → target`.
 */
export function mapColumns(
  source: readonly ColumnInfo[],
  target: readonly ColumnInfo[],
  columns: ColumnsConfig,
  names: { source: string; target: string },
): { source: ColumnInfo; target: ColumnInfo }[] {
  let pairs: [string, string][];
  if (columns === undefined || (Array.isArray(columns) && columns.length === 0)) {
    pairs = source.map((c) => [c.name, c.name]);
  } else if (Array.isArray(columns)) {
    pairs = (columns as readonly string[]).map((c) => [c, c]);
  } else {
    pairs = Object.entries(columns as Record<string, string>);
    if (pairs.length === 0) pairs = source.map((c) => [c.name, c.name]);
  }
  const out: { source: ColumnInfo; target: ColumnInfo }[] = [];
  const missingSource: string[] = [];
  const missingTarget: string[] = [];
  const usedTargets = new Set<string>();
  for (const [s, t] of pairs) {
    const sc = findColumn(source, s);
    const tc = findColumn(target, t);
    if (!sc) missingSource.push(s);
    if (!tc) missingTarget.push(t);
    if (sc && tc) {
      if (usedTargets.has(tc.name)) throw configError(`target column ${tc.name} is mapped twice`);
      usedTargets.add(tc.name);
      out.push({ source: sc, target: tc });
    }
  }
  if (missingSource.length > 0) {
    throw configError(`source table ${names.source} has no column ${missingSource.join(', ')}`);
  }
  if (missingTarget.length > 0) {
    throw configError(
      `target table ${names.target} has no column ${missingTarget.join(', ')}` +
        (columns === undefined ? ' (choose or rename columns with "columns")' : ''),
    );
  }
  if (out.length === 0) throw configError('no column to copy');
  return out;
}

function toSpec(
  key: string,
  raw: string | { type: string; scale?: number; decimal_mode?: string },
): CoerceSpec {
  const spec = typeof raw === 'string' ? { type: raw } : raw;
  if (!(COERCE_TYPES as readonly string[]).includes(spec.type)) {
    throw configError(
      `coerce.${key}: unknown coercion ${JSON.stringify(spec.type)} (one of ${COERCE_TYPES.join(', ')})`,
    );
  }
  return {
    type: spec.type as CoerceType,
    ...(spec.scale !== undefined ? { scale: spec.scale } : {}),
    ...(spec.decimal_mode !== undefined ? { decimal_mode: spec.decimal_mode as DecimalMode } : {}),
  };
}

/**
 * The column plans: mapping plus, per column, the explicit `coerce` entry (keyed by target column,
 * or by source column) or else the `type_coercion` preset. For a `decimal` coercion without a
 * scale, the target column's scale is used.
 */
export function planColumns(options: {
  source: readonly ColumnInfo[];
  target: readonly ColumnInfo[];
  columns: ColumnsConfig;
  coerce: CoerceConfig;
  preset: 'none' | 'jde';
  decimalMode: DecimalMode;
  names: { source: string; target: string };
}): ColumnPlan[] {
  const pairs = mapColumns(options.source, options.target, options.columns, options.names);
  const coerce = options.coerce ?? {};
  const known = new Set(pairs.flatMap((p) => [p.source.name, p.target.name]));
  const unknownKeys = Object.keys(coerce).filter((k) => !known.has(k));
  if (unknownKeys.length > 0) throw configError(`coerce names no copied column: ${unknownKeys.join(', ')}`);
  return pairs.map(({ source, target }) => {
    const raw = coerce[target.name] ?? coerce[source.name];
    const sourceType = classifyType(source.dataType);
    const targetType = classifyType(target.dataType);
    let transform: Transform | undefined;
    let describe = 'as read';
    if (raw !== undefined) {
      const key = coerce[target.name] !== undefined ? target.name : source.name;
      const spec = toSpec(key, raw);
      if (spec.type === 'decimal' && spec.scale === undefined && targetType.scale !== undefined) {
        spec.scale = targetType.scale;
      }
      transform = coercion(spec, options.decimalMode);
      describe = `coerce ${spec.type}${spec.scale !== undefined ? `(${spec.scale})` : ''}`;
    } else if (options.preset === 'jde') {
      transform = jdeTransform(sourceType, targetType, options.decimalMode);
      if (transform)
        describe = `jde (${sourceType.kind} → ${targetType.kind}${targetType.scale !== undefined ? `, scale ${targetType.scale}` : ''})`;
    }
    return {
      source: source.name,
      target: target.name,
      sourceType: source.dataType,
      targetType: target.dataType,
      ...(transform ? { transform } : {}),
      describe,
    };
  });
}

/** Turns source rows (objects) into value arrays in plan order, applying the coercions. */
export function rowMapper(
  plans: readonly ColumnPlan[],
): (rows: readonly Record<string, unknown>[]) => unknown[][] {
  const names = plans.map((p) => p.source);
  const transforms = plans.map((p) => p.transform);
  const width = plans.length;
  const anyTransform = transforms.some((t) => t !== undefined);
  return (rows) => {
    const out = new Array<unknown[]>(rows.length);
    for (let r = 0; r < rows.length; r++) {
      const row = rows[r] as Record<string, unknown>;
      const values = new Array<unknown>(width);
      for (let i = 0; i < width; i++) {
        const v = row[names[i] as string];
        if (anyTransform) {
          const t = transforms[i];
          if (t !== undefined) {
            try {
              values[i] = t(v);
            } catch (e) {
              throw configError(`column ${plans[i]?.source} → ${plans[i]?.target}: ${(e as Error).message}`);
            }
            continue;
          }
        }
        values[i] = v === undefined ? null : v;
      }
      out[r] = values;
    }
    return out;
  };
}
