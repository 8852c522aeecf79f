/**
 * Removes secrets (a password, a URL carrying one) from a text before it reaches an error message or
 * a log. Short secrets are redacted too: a password must never leak, whatever its length.
 */
export function redactSecrets(text: string, secrets: readonly (string | undefined)[]): string {
  let out = text;
  for (const secret of secrets) {
    if (!secret) continue;
    for (const form of new Set([secret, encodeURIComponent(secret)])) {
      out = out.split(form).join('***');
    }
  }
  // user:password@ in any URL that slipped through.
  return out.replace(/([a-z][a-z0-9+.-]*:\/\/[^:/?#\s@]*):[^@/?#\s]*@/gi, '$1:***@');
}

/** The secrets of a connector configuration: its password and the password inside its url. */
export function connectorSecrets(config: { password?: string; url?: string }): string[] {
  const secrets: string[] = [];
  if (config.password) secrets.push(config.password);
  if (config.url) {
    try {
      const password = new URL(config.url).password;
      if (password) secrets.push(decodeURIComponent(password), password);
    } catch {
      // not a URL: nothing more to redact
    }
  }
  return secrets;
}
