import type { Json } from '@nomaflow/contracts';

export const MASK = '***';

/** The string values at the manifest's secret pointers (every string below a pointer to an object). */
export function secretValues(config: Json, pointers: readonly string[]): string[] {
  const found: string[] = [];
  for (const pointer of pointers) collectStrings(resolvePointer(config, pointer), found);
  return found.filter((s) => s.length >= 1);
}

/** RFC 6901; a pointer without its leading slash is accepted as if it had one. */
export function resolvePointer(doc: Json, pointer: string): Json | undefined {
  if (pointer === '') return doc;
  const segments = (pointer.startsWith('/') ? pointer.slice(1) : pointer)
    .split('/')
    .map((s) => s.replaceAll('~1', '/').replaceAll('~0', '~'));
  let current: Json | undefined = doc;
  for (const segment of segments) {
    if (current === undefined) return undefined;
    current = childOf(current, segment);
  }
  return current;
}

/**
 * Replaces secret values with `***`. It grows as a step's config is rendered (a secret field may be
 * `${env:…}`), so the values it hides are those of the raw and the rendered config alike.
 */
export class SecretMasker {
  #needles: string[] = [];
  readonly #secrets = new Set<string>();

  constructor(secrets: Iterable<string> = []) {
    this.add(secrets);
  }

  add(secrets: Iterable<string>): void {
    let grew = false;
    for (const secret of secrets) {
      if (secret.length === 0 || this.#secrets.has(secret)) continue;
      this.#secrets.add(secret);
      grew = true;
    }
    if (!grew) return;
    const needles = new Set<string>();
    for (const secret of this.#secrets) {
      needles.add(secret);
      // A secret quoted inside JSON text (an error body, a logged object) appears escaped.
      needles.add(JSON.stringify(secret).slice(1, -1));
    }
    // Longest first, so a secret containing another is hidden whole rather than in pieces.
    this.#needles = [...needles].sort((a, b) => b.length - a.length);
  }

  get size(): number {
    return this.#secrets.size;
  }

  text(value: string): string {
    let out = value;
    for (const needle of this.#needles) if (out.includes(needle)) out = out.split(needle).join(MASK);
    return out;
  }

  json<T extends Json>(value: T): T;
  json(value: Json): Json {
    if (this.#needles.length === 0) return value;
    if (typeof value === 'string') return this.text(value);
    if (Array.isArray(value)) return value.map((item) => this.json(item));
    if (value !== null && typeof value === 'object') {
      const out: Record<string, Json> = {};
      for (const [key, item] of Object.entries(value)) out[this.text(key)] = this.json(item);
      return out;
    }
    return value;
  }
}

function childOf(value: Json, segment: string): Json | undefined {
  if (Array.isArray(value)) return /^\d+$/.test(segment) ? value[Number(segment)] : undefined;
  if (value !== null && typeof value === 'object')
    return Object.hasOwn(value, segment) ? value[segment] : undefined;
  return undefined;
}

function collectStrings(value: Json | undefined, into: string[]): void {
  if (typeof value === 'string') into.push(value);
  else if (Array.isArray(value)) value.forEach((item) => collectStrings(item, into));
  else if (value !== null && typeof value === 'object')
    Object.values(value).forEach((item) => collectStrings(item, into));
}
