import { StepFailedError, type Json } from '@nomaflow/contracts';

/**
 * `${namespace:name}` placeholders in step fields (SPEC §2). Pure: the engine supplies the scope, the
 * job validator uses findTemplateRefs to check references before a run ever starts.
 */

export const TEMPLATE_NAMESPACES = ['env', 'kw', 'ctx', 'out'] as const;
export type TemplateNamespace = (typeof TEMPLATE_NAMESPACES)[number];
export const CONTEXT_KEYS = ['run_id', 'job_id', 'scheduled_for'] as const;

export interface TemplateRef {
  /** The placeholder as written, e.g. `${out:load.rows}`. */
  placeholder: string;
  /** What precedes the colon; '' when there is none. */
  namespace: string;
  /** Variable, kwarg, context key or (for `out`) step name. */
  name: string;
  /** For `out`: the field path inside the step's output; empty = the whole output. */
  path: string[];
  /** JSON pointer of the string holding the placeholder, relative to the value searched. */
  pointer: string;
  /**
   * Set when the placeholder cannot resolve whatever the scope (malformed, unknown namespace); it does
   * not repeat the placeholder, so callers write `${placeholder}: ${problem}`.
   */
  problem?: string;
}

export type StepOutputLookup = { output: Json } | { unavailable: string };

export interface TemplateScope {
  env: Readonly<Record<string, string | undefined>>;
  kwargs: Readonly<Record<string, Json>>;
  /** `run_id`, `job_id`, `scheduled_for`. */
  context: Readonly<Record<string, Json>>;
  /** An earlier step's output, or why it cannot be read (unknown, later, not run). */
  stepOutput(name: string): StepOutputLookup;
}

type Token = { text: string } | { ref: Omit<TemplateRef, 'pointer'> };

/** Every placeholder in the string values of `value` (object keys are never templated). */
export function findTemplateRefs(value: unknown): TemplateRef[] {
  const refs: TemplateRef[] = [];
  walk(value, '', (text, pointer) => {
    for (const token of tokenize(text)) if ('ref' in token) refs.push({ ...token.ref, pointer });
  });
  return refs;
}

/** Renders every string in `value`; throws a non-retryable StepFailedError naming the bad placeholder. */
export function renderTemplates(value: Json, scope: TemplateScope): Json {
  if (typeof value === 'string') return renderString(value, scope);
  if (Array.isArray(value)) return value.map((item) => renderTemplates(item, scope));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, Json> = {};
    for (const [key, item] of Object.entries(value)) out[key] = renderTemplates(item, scope);
    return out;
  }
  return value;
}

/** A string that is exactly one placeholder keeps the value's type; otherwise values are stringified. */
export function renderString(text: string, scope: TemplateScope): Json {
  if (!text.includes('${')) return text;
  const tokens = tokenize(text);
  const [only] = tokens;
  if (tokens.length === 1 && only && 'ref' in only) return resolve(only.ref, scope);
  return tokens.map((t) => ('ref' in t ? stringify(resolve(t.ref, scope)) : t.text)).join('');
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let literal = '';
  let i = 0;
  while (i < text.length) {
    if (text.startsWith('$${', i)) {
      literal += '${';
      i += 3;
    } else if (text.startsWith('${', i)) {
      if (literal) tokens.push({ text: literal });
      literal = '';
      const end = text.indexOf('}', i + 2);
      if (end < 0) {
        const rest = text.slice(i);
        const placeholder = rest.length > 40 ? `${rest.slice(0, 40)}…` : rest;
        const problem = 'unterminated placeholder (write $${ for a literal ${)';
        tokens.push({ ref: { placeholder, namespace: '', name: '', path: [], problem } });
        break;
      }
      tokens.push({ ref: parseRef(text.slice(i, end + 1)) });
      i = end + 1;
    } else {
      literal += text[i];
      i += 1;
    }
  }
  if (literal) tokens.push({ text: literal });
  return tokens;
}

function parseRef(placeholder: string): Omit<TemplateRef, 'pointer'> {
  const inner = placeholder.slice(2, -1);
  const colon = inner.indexOf(':');
  const namespace = colon < 0 ? '' : inner.slice(0, colon);
  const rest = colon < 0 ? inner : inner.slice(colon + 1);
  const bad = (problem: string): Omit<TemplateRef, 'pointer'> => ({
    placeholder,
    namespace,
    name: rest,
    path: [],
    problem,
  });
  if (colon <= 0 || rest === '') return bad('malformed placeholder (expected ${namespace:name})');
  if (!(TEMPLATE_NAMESPACES as readonly string[]).includes(namespace)) {
    return bad(`unknown namespace "${namespace}" (use ${TEMPLATE_NAMESPACES.join(', ')})`);
  }
  if (namespace !== 'out') return { placeholder, namespace, name: rest, path: [] };
  const [name = '', ...path] = rest.split('.');
  if (name === '' || path.some((segment) => segment === '')) {
    return bad('malformed placeholder (expected ${out:step.field})');
  }
  return { placeholder, namespace, name, path };
}

function resolve(ref: Omit<TemplateRef, 'pointer'>, scope: TemplateScope): Json {
  if (ref.problem) throw templateError(`${ref.placeholder}: ${ref.problem}`);
  switch (ref.namespace as TemplateNamespace) {
    case 'env': {
      const value = Object.hasOwn(scope.env, ref.name) ? scope.env[ref.name] : undefined;
      if (typeof value !== 'string') throw templateError(`environment variable ${ref.name} is not set`);
      return value;
    }
    case 'kw': {
      const value = Object.hasOwn(scope.kwargs, ref.name) ? scope.kwargs[ref.name] : undefined;
      if (value === undefined) throw templateError(`unknown kwarg ${ref.name} in ${ref.placeholder}`);
      return value;
    }
    case 'ctx': {
      const value = Object.hasOwn(scope.context, ref.name) ? scope.context[ref.name] : undefined;
      if (value === undefined) {
        throw templateError(
          `unknown context value ${ref.name} in ${ref.placeholder} (use ${CONTEXT_KEYS.join(', ')})`,
        );
      }
      return value;
    }
    case 'out': {
      const found = scope.stepOutput(ref.name);
      if ('unavailable' in found) throw templateError(`${found.unavailable} in ${ref.placeholder}`);
      const value = dig(found.output, ref.path);
      if (value === undefined) {
        throw templateError(
          `output of step ${ref.name} has no field ${ref.path.join('.')} in ${ref.placeholder}`,
        );
      }
      return value;
    }
  }
}

function dig(value: Json, path: readonly string[]): Json | undefined {
  let current: Json | undefined = value;
  for (const segment of path) {
    if (Array.isArray(current) && /^\d+$/.test(segment)) current = current[Number(segment)];
    else if (
      current !== null &&
      typeof current === 'object' &&
      !Array.isArray(current) &&
      Object.hasOwn(current, segment)
    ) {
      current = current[segment];
    } else return undefined;
  }
  return current;
}

/** Inside a longer string: text as is, null as nothing, other values as JSON. */
function stringify(value: Json): string {
  if (typeof value === 'string') return value;
  if (value === null) return '';
  return JSON.stringify(value);
}

function templateError(message: string): StepFailedError {
  // The same document fails the same way on every try: retrying cannot help.
  return new StepFailedError(message, { retryable: false });
}

function walk(value: unknown, pointer: string, visit: (text: string, pointer: string) => void): void {
  if (typeof value === 'string') {
    if (value.includes('${')) visit(value, pointer);
  } else if (Array.isArray(value)) {
    value.forEach((item, i) => walk(item, `${pointer}/${i}`, visit));
  } else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      walk(item, `${pointer}/${key.replaceAll('~', '~0').replaceAll('/', '~1')}`, visit);
    }
  }
}
