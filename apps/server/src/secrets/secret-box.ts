import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const PREFIX = 'nomaflow:sealed:v1:';

export class SecretKeyError extends Error {
  override name = 'SecretKeyError';
}

/**
 * Seals secrets at rest with AES-256-GCM (random 96-bit IV per value, authenticated). The key comes
 * from NOMAFLOW_SECRET_KEY — required when processes run on several machines — or, on one machine,
 * from a key file generated once in the data folder with mode 0600.
 */
export class SecretBox {
  private constructor(private readonly key: Buffer) {}

  static fromKeyMaterial(material: string): SecretBox {
    const trimmed = material.trim();
    if (/^[0-9a-f]{64}$/i.test(trimmed)) return new SecretBox(Buffer.from(trimmed, 'hex'));
    const b64 = Buffer.from(trimmed, 'base64');
    if (b64.length === 32 && /^[A-Za-z0-9+/_-]+=*$/.test(trimmed)) return new SecretBox(b64);
    if (trimmed.length < 16)
      throw new SecretKeyError('NOMAFLOW_SECRET_KEY is too short (16 characters at least)');
    // A passphrase: stretched to a key (it is a server setting, not a user password).
    return new SecretBox(createHash('sha256').update(`nomaflow-secret-key:${trimmed}`).digest());
  }

  /** From NOMAFLOW_SECRET_KEY, else `<dataDir>/secret.key` (created on first use, 0600). */
  static load(envKey: string | undefined, dataDir: string): SecretBox {
    if (envKey) return SecretBox.fromKeyMaterial(envKey);
    const file = join(dataDir, 'secret.key');
    try {
      return SecretBox.fromKeyMaterial(readFileSync(file, 'utf8'));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
    mkdirSync(dataDir, { recursive: true, mode: 0o711 });
    try {
      // `wx`: two processes starting together must not write different keys.
      writeFileSync(file, `${randomBytes(32).toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    return SecretBox.fromKeyMaterial(readFileSync(file, 'utf8'));
  }

  static isSealed(value: unknown): value is string {
    return typeof value === 'string' && value.startsWith(PREFIX);
  }

  seal(plain: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return `${PREFIX}${iv.toString('base64url')}.${cipher.getAuthTag().toString('base64url')}.${body.toString('base64url')}`;
  }

  open(sealed: string): string {
    if (!SecretBox.isSealed(sealed)) throw new SecretKeyError('not a sealed value');
    const [iv, tag, body] = sealed.slice(PREFIX.length).split('.');
    if (!iv || !tag || body === undefined) throw new SecretKeyError('malformed sealed value');
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString(
        'utf8',
      );
    } catch {
      throw new SecretKeyError(
        'a secret cannot be opened with this server key (NOMAFLOW_SECRET_KEY or data/secret.key differs from the one that sealed it)',
      );
    }
  }
}
