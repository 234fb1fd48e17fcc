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

describe('parseCsv: one bad row does not change how the others are read', () => {
  it('reports a quote that is never closed by its line and reads the lines after it', () => {
    const { table, problems } = parseCsv('labels.csv', 'name,label\na.png,x\n"b.png,y\nc.png,z\nd.png,w\n');
    expect(table.rows.map((r) => [r.line, r.values.name])).toEqual([
      [2, 'a.png'],
      [4, 'c.png'],
      [5, 'd.png'],
    ]);
    expect(problems).toEqual([{ level: 'error', file: 'labels.csv', line: 3, message: 'labels.csv line 3: a quote (") opens a field but never closes; this line is left out and the next lines are read on their own' }]);
  });

  it('keeps the delimiter it found for the lines after a bad quote', () => {
    const { table } = parseCsv('x.csv', 'name;label\na.png;x\n"b.png;y\nc.png;z\n');
    expect(table.rows.map((r) => r.values)).toEqual([
      { name: 'a.png', label: 'x' },
      { name: 'c.png', label: 'z' },
    ]);
  });
});
