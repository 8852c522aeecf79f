/** JSON pointers (RFC 6901): the language of the server's `errors[].path`. */

export function escapeToken(token: string | number): string {
  return String(token).replace(/~/g, '~0').replace(/\//g, '~1');
}

export function pointer(...tokens: (string | number)[]): string {
  return tokens.map((t) => `/${escapeToken(t)}`).join('');
}

export function parsePointer(path: string): string[] {
  if (path === '') return [];
  return path
    .split('/')
    .slice(1)
    .map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** Every prefix of a pointer, longest first: `/a/b` → [`/a/b`, `/a`]. */
export function prefixes(path: string): string[] {
  const tokens = parsePointer(path);
  const out: string[] = [];
  for (let n = tokens.length; n > 0; n--) out.push(pointer(...tokens.slice(0, n)));
  return out;
}
