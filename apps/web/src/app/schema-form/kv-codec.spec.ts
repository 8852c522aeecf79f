import { kvCodec } from './kv-codec';
import { fromRows, rowErrors, toRows } from './params-rows';

describe('kvCodec', () => {
  it('keeps strings verbatim in a map of strings', () => {
    const c = kvCodec({ type: 'string' });
    expect(c.fromText('10')).toBe('10');
    expect(c.fromText('Bearer ${env:TOKEN}')).toBe('Bearer ${env:TOKEN}');
  });

  it('reads numbers, booleans and null where the value schema allows them', () => {
    const c = kvCodec({ type: ['string', 'number', 'boolean', 'null'] });
    expect(c.fromText('10')).toBe(10);
    expect(c.fromText('true')).toBe(true);
    expect(c.fromText('null')).toBeNull();
    expect(c.fromText('${kw:apps_id}')).toBe('${kw:apps_id}');
    expect(c.toText(10)).toBe('10');
  });

  it('reads objects where anyOf allows them (sql_copy coerce) and offers enum choices', () => {
    const c = kvCodec({ anyOf: [{ type: 'string' }, { type: 'object' }] });
    expect(c.fromText('{"type":"decimal","scale":2}')).toEqual({ type: 'decimal', scale: 2 });
    expect(c.toText({ type: 'decimal' })).toBe('{"type":"decimal"}');
    expect(kvCodec({ type: 'string', enum: ['join', 'array'] }).options).toEqual(['join', 'array']);
  });
});

describe('params rows', () => {
  it('round-trips typed params', () => {
    const params = { apps_id: 10, region: 'eu', dry: false };
    expect(fromRows(toRows(params))).toEqual(params);
  });

  it('leaves out rows with a blank or duplicate name or a bad number, and says why', () => {
    const rows = [
      { key: 'a', type: 'number' as const, text: 'x' },
      { key: 'b', type: 'string' as const, text: '1' },
      { key: 'b', type: 'string' as const, text: '2' },
      { key: '', type: 'string' as const, text: '' },
    ];
    expect(rowErrors(rows)).toEqual(['not a number', null, 'duplicate name: b', null]);
    expect(fromRows(rows)).toEqual({ b: '1' });
  });
});
