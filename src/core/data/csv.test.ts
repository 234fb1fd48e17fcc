import { describe, expect, it } from 'vitest';
import { isFalsy, isTruthy, parseCsv } from './csv';

describe('parseCsv', () => {
  it('reads a header, quoted fields, a BOM and CRLF line ends', () => {
    const text = '\uFEFFimage_name,tags\r\ntrain_0,"seven three"\r\n"train_1","one, two"\r\n';
    const { table, problems } = parseCsv('labels.csv', text);
    expect(problems).toEqual([]);
    expect(table.columns).toEqual(['image_name', 'tags']);
    expect(table.rows.map((r) => r.values)).toEqual([
      { image_name: 'train_0', tags: 'seven three' },
      { image_name: 'train_1', tags: 'one, two' },
    ]);
    expect(table.rows.map((r) => r.line)).toEqual([2, 3]);
  });

  it('reports a row with the wrong number of fields by its line and keeps the others', () => {
    const { table, problems } = parseCsv('labels.csv', 'name,label\na.png,3\nb.png\nc.png,7\n');
    expect(table.rows.map((r) => r.values.name)).toEqual(['a.png', 'c.png']);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ file: 'labels.csv', line: 3 });
    expect(problems[0].message).toContain('line 3');
  });

  it('counts lines inside quoted multi-line fields', () => {
    const { table } = parseCsv('x.csv', 'a,b\n"1\n2",x\n3,y\n');
    expect(table.rows.map((r) => r.line)).toEqual([2, 4]);
  });

  it('skips blank lines', () => {
    expect(parseCsv('x.csv', 'a,b\n\n1,2\n\n').table.rows).toHaveLength(1);
  });

  it('reads pandas and people spellings of booleans', () => {
    expect(['True', 'true', '1', 'yes'].every(isTruthy)).toBe(true);
    expect(['False', 'false', '0', 'no'].every(isFalsy)).toBe(true);
    expect(isTruthy('maybe') || isFalsy('maybe')).toBe(false);
  });
});
