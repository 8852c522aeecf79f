import { describe, expect, it } from '@jest/globals';
import {
  ByteWriter,
  CopyBinaryDecoder,
  OID,
  binaryDecoder,
  binaryEncoder,
  encodeBinaryRows,
  writeCopyHeader,
  writeCopyTrailer,
  copyTextValue,
  CopyBinarySplitter,
} from './binary.js';
import type { TupleBatch } from './binary.js';
import type { FieldDecoder, FieldEncoder } from './binary.js';
import { formatPgTimestamp, parseTimestampFast, parseTimestampText } from './datetime.js';

function roundTrip(oid: number, values: unknown[], chunkSize = 7): unknown[] {
  const encoder = binaryEncoder(oid) as FieldEncoder;
  const w = new ByteWriter(16);
  writeCopyHeader(w);
  encodeBinaryRows(
    w,
    values.map((v) => [v]),
    [encoder],
    ['v'],
  );
  writeCopyTrailer(w);
  const bytes = w.take();
  const decoder = new CopyBinaryDecoder(['v'], [binaryDecoder(oid) as FieldDecoder]);
  const out: Record<string, unknown>[] = [];
  // Feed in small chunks: rows split across chunks must decode the same.
  for (let i = 0; i < bytes.length; i += chunkSize) decoder.push(bytes.subarray(i, i + chunkSize), out);
  expect(decoder.finished).toBe(true);
  return out.map((r) => r.v);
}

function encoded(oid: number, value: unknown): string {
  const w = new ByteWriter(16);
  (binaryEncoder(oid) as FieldEncoder)(w, value);
  return w.take().toString('hex');
}

describe('binary COPY codecs', () => {
  it('numeric: base-10000 digits, weight, sign and scale as PostgreSQL writes them', () => {
    // 1.5 → ndigits 2, weight 0, sign +, dscale 1, digits [1, 5000]
    expect(encoded(OID.numeric, '1.5')).toBe(
      '0000000c' + '0002' + '0000' + '0000' + '0001' + '0001' + '1388',
    );
    // -0.0001 → 1 digit, weight -1, sign -, dscale 4, [1]
    expect(encoded(OID.numeric, '-0.0001')).toBe('0000000a' + '0001' + 'ffff' + '4000' + '0004' + '0001');
    // 0.00 → no digits, dscale 2
    expect(encoded(OID.numeric, '0.00')).toBe('00000008' + '0000' + '0000' + '0000' + '0002');
    expect(encoded(OID.numeric, 'NaN')).toBe('00000008' + '0000' + '0000' + 'c000' + '0000');
  });

  it('numeric round-trips exactly, whatever the form it is given in', () => {
    const texts = [
      '0',
      '1',
      '-1',
      '1.5',
      '10000',
      '12345678901234567890.123456789',
      '-0.0001',
      '0.00',
      '100.10',
      '99999999',
      '0.000000001',
      'NaN',
    ];
    expect(roundTrip(OID.numeric, texts)).toEqual(texts);
    expect(roundTrip(OID.numeric, [1.25, 10n, '1e3', '-2.5E-3', '+7'])).toEqual([
      '1.25',
      '10',
      '1000',
      '-0.0025',
      '7',
    ]);
  });

  it('integers, floats and booleans', () => {
    expect(roundTrip(OID.int2, [-32768, 0, 32767, '12'])).toEqual([-32768, 0, 32767, 12]);
    expect(roundTrip(OID.int4, [-2147483648, 2147483647, true])).toEqual([-2147483648, 2147483647, 1]);
    expect(
      roundTrip(OID.int8, ['-9223372036854775808', '9223372036854775807', 9007199254740991, -1, '0', 5n]),
    ).toEqual(['-9223372036854775808', '9223372036854775807', '9007199254740991', '-1', '0', '5']);
    expect(roundTrip(OID.float8, [0.1, -1.7976931348623157e308, 'Infinity', 'NaN'])).toEqual([
      0.1,
      -1.7976931348623157e308,
      Infinity,
      NaN,
    ]);
    expect(roundTrip(OID.float4, [1.1, -3.4e38, 16777217])).toEqual([1.1, -3.4e38, 16777216]);
    expect(roundTrip(OID.bool, [true, false, 1, 0, 't', 'no'])).toEqual([
      true,
      false,
      true,
      false,
      true,
      false,
    ]);
    expect(() => roundTrip(OID.int2, [40000])).toThrow(
      /row 1 of the batch, column v: cannot write 40000 as int2/,
    );
    expect(() => roundTrip(OID.int4, ['1.5'])).toThrow(/as int4/);
  });

  it('dates and timestamps, micro-seconds, zones, BC and infinity', () => {
    expect(
      roundTrip(OID.date, [
        '2000-01-01',
        '1999-12-31',
        '2024-02-29',
        '0001-01-01',
        '9999-12-31',
        'infinity',
        '0044-03-15 BC',
      ]),
    ).toEqual([
      '2000-01-01',
      '1999-12-31',
      '2024-02-29',
      '0001-01-01',
      '9999-12-31',
      'infinity',
      '0044-03-15 BC',
    ]);
    expect(
      roundTrip(OID.timestamp, [
        '2024-02-29 23:59:59.999999',
        '1970-01-01 00:00:00',
        '2038-01-19T03:14:07.5',
        '1900-06-01 12:00:00.000001',
      ]),
    ).toEqual([
      '2024-02-29 23:59:59.999999',
      '1970-01-01 00:00:00',
      '2038-01-19 03:14:07.5',
      '1900-06-01 12:00:00.000001',
    ]);
    expect(
      roundTrip(OID.timestamptz, [
        '2024-01-01T10:00:00Z',
        '2024-01-01 12:00:00+02',
        '2024-01-01 05:30:00.25-04:30',
        '2024-01-01 10:00:00',
        new Date('2024-01-01T10:00:00.123Z'),
      ]),
    ).toEqual([
      '2024-01-01T10:00:00Z',
      '2024-01-01T10:00:00Z',
      '2024-01-01T10:00:00.25Z',
      '2024-01-01T10:00:00Z',
      '2024-01-01T10:00:00.123Z',
    ]);
    expect(() => roundTrip(OID.date, ['2023-02-30'])).toThrow(/as date/);
    expect(formatPgTimestamp(0, true)).toBe('2000-01-01T00:00:00Z');
    expect(parseTimestampFast('2024-13-01', true)).toBe(false);
    expect(parseTimestampText('garbage')).toBeUndefined();
  });

  it('text, JSON, bytea and uuid', () => {
    const text = ['', 'héllo 🚀', 'tab\tnew\nline', "quote ' \\ back"];
    expect(roundTrip(OID.text, text)).toEqual(text);
    expect(roundTrip(OID.jsonb, ['{"a": [1, 2]}', { b: 'é' }, [1], 'null'])).toEqual([
      '{"a": [1, 2]}',
      '{"b":"é"}',
      '[1]',
      'null',
    ]);
    expect(roundTrip(OID.json, ['{"a":1}'])).toEqual(['{"a":1}']);
    const bytes = roundTrip(OID.bytea, [
      Buffer.from([0, 255, 1]),
      Buffer.alloc(0),
      '\\x0aff',
      new Uint8Array([7]),
    ]) as Buffer[];
    expect(bytes.map((b) => b.toString('hex'))).toEqual(['00ff01', '', '0aff', '07']);
    expect(
      roundTrip(OID.uuid, ['123E4567-E89B-12D3-A456-426614174000', '{00000000000000000000000000000001}']),
    ).toEqual(['123e4567-e89b-12d3-a456-426614174000', '00000000-0000-0000-0000-000000000001']);
    expect(() => roundTrip(OID.uuid, ['nope'])).toThrow(/as uuid/);
  });

  it('NULLs, whatever the type', () => {
    for (const oid of [OID.int4, OID.text, OID.numeric, OID.date, OID.bytea]) {
      expect(roundTrip(oid, [null, undefined])).toEqual([null, null]);
    }
  });

  it('text COPY format escapes what it must', () => {
    expect(copyTextValue(null)).toBe('\\N');
    expect(copyTextValue('a\tb\nc\\d\re')).toBe('a\\tb\\nc\\\\d\\re');
    expect(copyTextValue(Buffer.from([1, 255]))).toBe('\\\\x01ff');
    expect(copyTextValue(true)).toBe('t');
    expect(copyTextValue({ a: 1 })).toBe('{"a":1}');
  });
});

describe('CopyBinarySplitter', () => {
  it('cuts a COPY stream into batches of whole tuples, whatever the chunking, without decoding', () => {
    const encoders = [binaryEncoder(OID.int4) as FieldEncoder, binaryEncoder(OID.text) as FieldEncoder];
    const rows = Array.from({ length: 7 }, (_, i) => [i, i % 2 ? null : `row ${i} é`]);
    const w = new ByteWriter(16);
    writeCopyHeader(w);
    encodeBinaryRows(w, rows, encoders, ['n', 't']);
    writeCopyTrailer(w);
    const bytes = w.take();
    for (const chunkSize of [1, 5, 13, bytes.length]) {
      const splitter = new CopyBinarySplitter(2, 3);
      const batches: TupleBatch[] = [];
      for (let i = 0; i < bytes.length; i += chunkSize)
        splitter.push(bytes.subarray(i, i + chunkSize), batches);
      expect(splitter.finished).toBe(true);
      expect(batches.map((b) => b.rows)).toEqual([3, 3, 1]);
      // Re-framed with a header and trailer, the batches decode to the original rows.
      const decoder = new CopyBinaryDecoder(
        ['n', 't'],
        [binaryDecoder(OID.int4) as FieldDecoder, binaryDecoder(OID.text) as FieldDecoder],
      );
      const out: Record<string, unknown>[] = [];
      const head = new ByteWriter(32);
      writeCopyHeader(head);
      decoder.push(head.take(), out);
      for (const b of batches) decoder.push(b.data, out);
      const tail = new ByteWriter(8);
      writeCopyTrailer(tail);
      decoder.push(tail.take(), out);
      expect(out.map((r) => [r.n, r.t])).toEqual(rows);
    }
  });
});
