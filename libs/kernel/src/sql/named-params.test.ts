import { describe, expect, it } from '@jest/globals';
import { hasErrorCode } from '@nomaflow/contracts';
import { bindNamedParams, countStatements } from './named-params.js';
import { qualifiedName, quoteIdent } from './identifiers.js';
import { connectorSecrets, redactSecrets } from './redact.js';
import { sqlError } from './errors.js';

describe('bindNamedParams', () => {
  it('maps :names to $n for PostgreSQL, reusing the number of a repeated name', () => {
    expect(
      bindNamedParams('select * from t where a = :a and b = :b or a2 = :a', { a: 1, b: 'x' }, 'postgres'),
    ).toEqual({
      sql: 'select * from t where a = $1 and b = $2 or a2 = $1',
      values: [1, 'x'],
      names: ['a', 'b'],
    });
  });

  it('maps :names to ? for MySQL, binding a repeated name twice', () => {
    expect(bindNamedParams('select :a, :b, :a', { a: 1, b: 2 }, 'mysql')).toEqual({
      sql: 'select ?, ?, ?',
      values: [1, 2, 1],
      names: ['a', 'b'],
    });
  });

  it('never interpolates: an injection attempt stays a bound value', () => {
    const evil = "x'; drop table users; --";
    const bound = bindNamedParams('select * from users where name = :name', { name: evil }, 'postgres');
    expect(bound.sql).toBe('select * from users where name = $1');
    expect(bound.values).toEqual([evil]);
  });

  it('skips string literals, quoted identifiers and comments', () => {
    const sql = `select ':no', "col:no", e'it\\'s :no', :yes -- :no\n/* :no /* nested :no */ :no */ from t`;
    expect(bindNamedParams(sql, { yes: 1 }, 'postgres')).toEqual({
      sql: `select ':no', "col:no", e'it\\'s :no', $1 -- :no\n/* :no /* nested :no */ :no */ from t`,
      values: [1],
      names: ['yes'],
    });
  });

  it("handles doubled quotes inside strings ('it''s :no')", () => {
    expect(bindNamedParams("select 'it''s :no', :a", { a: 1 }, 'postgres').sql).toBe(
      "select 'it''s :no', $1",
    );
  });

  it('leaves :: casts alone', () => {
    expect(bindNamedParams('select :a::int, now()::date, x::text', { a: '1' }, 'postgres')).toEqual({
      sql: 'select $1::int, now()::date, x::text',
      values: ['1'],
      names: ['a'],
    });
  });

  it('skips dollar-quoted strings, with and without a tag', () => {
    const sql = 'do $$ begin perform :no; end $$; select $fn$ :no $x$ $fn$, :a, $1';
    expect(bindNamedParams(sql, { a: 5 }, 'postgres').sql).toBe(
      'do $$ begin perform :no; end $$; select $fn$ :no $x$ $fn$, $1, $1',
    );
  });

  it('MySQL: backticks, double-quoted strings, # comments, backslash escapes and := are skipped', () => {
    const sql = "select `a:no`, \"b:no\", 'c\\':no', @v := 1, :a # :no\nfrom t";
    expect(bindNamedParams(sql, { a: 1 }, 'mysql').sql).toBe(
      "select `a:no`, \"b:no\", 'c\\':no', @v := 1, ? # :no\nfrom t",
    );
  });

  it('does not take a word followed by a colon for a parameter (array slices, times)', () => {
    expect(bindNamedParams("select arr[1:2], x:y, '10:30'", {}, 'postgres').sql).toBe(
      "select arr[1:2], x:y, '10:30'",
    );
  });

  it('passes positional arrays through unchanged', () => {
    expect(bindNamedParams('select $1, $2', [1, undefined], 'postgres')).toEqual({
      sql: 'select $1, $2',
      values: [1, null],
      names: [],
    });
  });

  it('ignores parameters the SQL does not use and binds undefined as NULL', () => {
    expect(bindNamedParams('select :a', { a: undefined, unused: 1 }, 'postgres').values).toEqual([null]);
  });

  it('fails, not retryable, naming every placeholder without a value', () => {
    let error: unknown;
    try {
      bindNamedParams('select :a, :b, :a', {}, 'postgres');
    } catch (e) {
      error = e;
    }
    expect(hasErrorCode(error, 'step_failed')).toBe(true);
    expect((error as Error).message).toMatch(/:a, :b/);
    expect((error as { retryable: boolean }).retryable).toBe(false);
  });
});

describe('identifiers', () => {
  it('quotes names for each dialect, escaping the quote character', () => {
    expect(quoteIdent('a"b', 'postgres')).toBe('"a""b"');
    expect(quoteIdent('a`b', 'mysql')).toBe('`a``b`');
    expect(qualifiedName({ schema: 'public', table: 'T' }, 'postgres')).toBe('"public"."T"');
    expect(qualifiedName({ table: 't' }, 'mysql')).toBe('`t`');
  });
});

describe('secrets', () => {
  it('redacts passwords and URL credentials from messages', () => {
    const config = { password: 's3cr3t!', url: 'postgres://etl:p%40ss@db:5432/x' };
    const secrets = connectorSecrets(config);
    expect(redactSecrets('auth failed for s3cr3t! and p@ss and p%40ss', secrets)).toBe(
      'auth failed for *** and *** and ***',
    );
    expect(redactSecrets('cannot reach mysql://u:anything@h/db', [])).toBe('cannot reach mysql://u:***@h/db');
  });

  it('maps driver errors into the taxonomy with the driver error as cause', () => {
    const driverError = Object.assign(new Error('password authentication failed: hunter2'), {
      code: '28P01',
    });
    const e = sqlError('postgres', driverError, ['hunter2']);
    expect(hasErrorCode(e, 'step_failed')).toBe(true);
    expect(e.message).toBe('postgres: password authentication failed: *** (SQLSTATE 28P01)');
    expect((e.cause as Error).message).not.toMatch(/hunter2/);
    const syntax = sqlError('postgres', Object.assign(new Error('syntax error'), { code: '42601' }));
    expect((syntax as unknown as { retryable: boolean }).retryable).toBe(false);
    expect(syntax.cause).toBeInstanceOf(Error);
  });
});

describe('countStatements', () => {
  it('counts top-level statements, ignoring separators inside literals, comments and dollar quotes', () => {
    expect(countStatements('select 1', 'postgres')).toBe(1);
    expect(countStatements('select 1;  -- done\n', 'postgres')).toBe(1);
    expect(countStatements("select ';'; select 2", 'postgres')).toBe(2);
    expect(countStatements('do $$ begin perform 1; perform 2; end $$', 'postgres')).toBe(1);
    expect(countStatements('select 1 /* ; */', 'postgres')).toBe(1);
    expect(countStatements("select '\\';' # ;", 'mysql')).toBe(1);
    expect(countStatements(' ; ', 'mysql')).toBe(0);
  });
});
