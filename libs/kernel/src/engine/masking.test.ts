import { describe, expect, it } from '@jest/globals';
import { MASK, SecretMasker, resolvePointer, secretValues } from './masking.js';

describe('secretValues', () => {
  const config = {
    bind_password: 's3cret',
    auth: { token: 'tok', extra: ['a1', { b: 'b2' }], n: 5 },
    'we/ird~key': 'odd',
    empty: '',
  };

  it('reads strings at pointers, every string below an object pointer, and skips empty ones', () => {
    expect(secretValues(config, ['/bind_password'])).toEqual(['s3cret']);
    expect(secretValues(config, ['/auth'])).toEqual(['tok', 'a1', 'b2']);
    expect(secretValues(config, ['/we~1ird~0key', '/empty', '/missing', '/auth/n'])).toEqual(['odd']);
    expect(secretValues(config, ['bind_password'])).toEqual(['s3cret']);
  });

  it('resolves RFC 6901 pointers', () => {
    expect(resolvePointer(config, '')).toBe(config);
    expect(resolvePointer(config, '/auth/extra/1/b')).toBe('b2');
    expect(resolvePointer(config, '/auth/extra/x')).toBeUndefined();
    expect(resolvePointer({ '': 1 }, '/')).toBe(1);
    expect(resolvePointer(config, '/bind_password/deeper')).toBeUndefined();
  });
});

describe('SecretMasker', () => {
  it('masks every occurrence, longest secret first', () => {
    const masker = new SecretMasker(['pass', 'password123']);
    expect(masker.text('password123 then pass and pass')).toBe(`${MASK} then ${MASK} and ${MASK}`);
  });

  it('masks the JSON-escaped form of a secret too', () => {
    const masker = new SecretMasker(['a"b\\c']);
    expect(masker.text(JSON.stringify({ p: 'a"b\\c' }))).toBe(`{"p":"${MASK}"}`);
  });

  it('masks strings and keys throughout a JSON value', () => {
    const masker = new SecretMasker(['hunter2']);
    expect(masker.json({ hunter2: ['x hunter2 y', 3, null, { deep: 'hunter2' }] })).toEqual({
      [MASK]: [`x ${MASK} y`, 3, null, { deep: MASK }],
    });
  });

  it('grows with add() and ignores empty secrets', () => {
    const masker = new SecretMasker(['']);
    expect(masker.size).toBe(0);
    expect(masker.text('abc')).toBe('abc');
    masker.add(['b', 'b']);
    expect(masker.size).toBe(1);
    expect(masker.text('abc')).toBe(`a${MASK}c`);
  });
});
