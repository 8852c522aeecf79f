import type { Json, StepDocument } from '@nomaflow/contracts';

/** What the API shows instead of a secret; sent back unchanged, it means "keep the stored secret". */
export const SECRET_PLACEHOLDER = '********';

type Leaf = (value: string, path: string) => string;

/**
 * Rewrites every string at (or under) each JSON pointer of a step. A secret field may be a string
 * (a bind password) or a map whose values are all secret (secret headers).
 */
export function mapSecretLeaves(step: StepDocument, pointers: readonly string[], fn: Leaf): StepDocument {
  let copy = step as Json;
  for (const pointer of pointers) copy = mapAt(copy, tokens(pointer), pointer, fn);
  return copy as StepDocument;
}

function tokens(pointer: string): string[] {
  return pointer
    .split('/')
    .slice(1)
    .map((t) => t.replaceAll('~1', '/').replaceAll('~0', '~'));
}

function mapAt(node: Json, path: string[], at: string, fn: Leaf): Json {
  if (path.length === 0) return mapLeaves(node, at, fn);
  if (node === null || typeof node !== 'object') return node;
  const [head, ...rest] = path as [string, ...string[]];
  if (Array.isArray(node)) {
    const i = Number(head);
    if (!Number.isInteger(i) || i < 0 || i >= node.length) return node;
    const next = [...node];
    next[i] = mapAt(node[i] as Json, rest, at, fn);
    return next;
  }
  if (!Object.hasOwn(node, head)) return node;
  return { ...node, [head]: mapAt(node[head] as Json, rest, at, fn) };
}

function mapLeaves(node: Json, at: string, fn: Leaf): Json {
  if (typeof node === 'string') return fn(node, at);
  if (Array.isArray(node)) return node.map((v, i) => mapLeaves(v, `${at}/${i}`, fn));
  if (node !== null && typeof node === 'object') {
    return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, mapLeaves(v, `${at}/${k}`, fn)]));
  }
  return node;
}
