import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { SecretBox } from './secret-box.js';

describe('SecretBox', () => {
  it('seals and opens, with a fresh IV every time', () => {
    const box = SecretBox.fromKeyMaterial('a long enough passphrase');
    const a = box.seal('s3cret');
    const b = box.seal('s3cret');
    expect(a).not.toBe(b);
    expect(a).not.toContain('s3cret');
    expect(SecretBox.isSealed(a)).toBe(true);
    expect(box.open(a)).toBe('s3cret');
    expect(box.open(box.seal(''))).toBe('');
    expect(box.open(box.seal('ünïcødé 🔑'))).toBe('ünïcødé 🔑');
  });

  it('refuses a tampered value and a different key, with a message naming the key settings', () => {
    const box = SecretBox.fromKeyMaterial('a long enough passphrase');
    const sealed = box.seal('s3cret');
    const tampered = sealed.slice(0, -2) + (sealed.endsWith('A') ? 'BB' : 'AA');
    expect(() => box.open(tampered)).toThrow(/cannot be opened/);
    expect(() => SecretBox.fromKeyMaterial('another long passphrase').open(sealed)).toThrow(
      /NOMAFLOW_SECRET_KEY/,
    );
  });

  it('accepts a 64-hex or base64 32-byte key, refuses a short passphrase', () => {
    const hex = 'ab'.repeat(32);
    expect(SecretBox.fromKeyMaterial(hex).open(SecretBox.fromKeyMaterial(hex).seal('x'))).toBe('x');
    expect(() => SecretBox.fromKeyMaterial('short')).toThrow(/too short/);
  });

  it('creates a 0600 key file once and reuses it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'nomaflow-key-'));
    const first = SecretBox.load(undefined, dir);
    const key = readFileSync(join(dir, 'secret.key'), 'utf8');
    expect(statSync(join(dir, 'secret.key')).mode & 0o777).toBe(0o600);
    const second = SecretBox.load(undefined, dir);
    expect(readFileSync(join(dir, 'secret.key'), 'utf8')).toBe(key);
    expect(second.open(first.seal('kept'))).toBe('kept');
  });
});
