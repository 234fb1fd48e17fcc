/**
 * The studio's tokenizer (`core/text/rules.ts` + `core/text/tokenize.ts`) as one plain-JavaScript
 * function, for the exported text classifier's README: whoever loads `model.json` in their own app
 * turns text into the same tokens the model was trained on, with no studio code. The regular
 * expressions are the studio's, copied; `textBundle.test.ts` runs this source against `tokenize`
 * on real e-mails, so the two cannot drift apart unnoticed.
 */

/** `function tokenize(text) -> string[]`, standalone ES2018 (Unicode property escapes, lookbehind). */
export const TOKENIZER_JS = String.raw`function tokenize(text) {
  // fastai's rules, in order: fix_html, replace_rep, replace_wrep, spec_add_spaces,
  // rm_useless_spaces, replace_all_caps, replace_maj, lowercase (with xxbos in front).
  const ENT = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', ndash: '–', mdash: '—', hellip: '…',
    lsquo: '‘', rsquo: '’', ldquo: '“', rdquo: '”', copy: '©', reg: '®', trade: '™', euro: '€', pound: '£' };
  let t = text.replaceAll('#39;', "'").replaceAll('amp;', '&').replaceAll('#146;', "'").replaceAll('nbsp;', ' ')
    .replaceAll('#36;', '$').replaceAll('\\n', '\n').replaceAll('quot;', "'").replaceAll('<br />', '\n')
    .replaceAll('\\"', '"').replaceAll('<unk>', 'xxunk').replaceAll(' @.@ ', '.').replaceAll(' @-@ ', '-').replaceAll('...', ' …');
  t = t.replace(/&(#[0-9]+|#[xX][0-9a-fA-F]+|[a-zA-Z]+);/g, (m, b) => {
    if (b[0] !== '#') return ENT[b] ?? m;
    const c = b[1] === 'x' || b[1] === 'X' ? parseInt(b.slice(2), 16) : parseInt(b.slice(1), 10);
    return c > 0 && c <= 0x10ffff ? String.fromCodePoint(c) : m;
  });
  t = t.replace(/(\S)(\1{2,})/gu, (_, c, cc) => ' xxrep ' + ([...cc].length + 1) + ' ' + c + ' ');
  t = t.replace(/(?:\s|^)([\p{L}\p{N}_]+)\s+((?:\1\s+)+)\1(\s|[^\p{L}\p{N}_]|$)/gu, (_, w, ws, end) => ' xxwrep ' + (ws.trim().split(/\s+/).length + 2) + ' ' + w + ' ' + end);
  t = t.replace(/([/#\\])/g, ' $1 ').replace(/ {2,}/g, ' ');
  t = t.replace(/(\s|^)([A-Z]+[^a-z\s]*)(?=(\s|$))/g, (_, p, w) => p + (w.length > 1 ? 'xxup ' : '') + w.toLowerCase());
  t = t.replace(/(\s|^)([A-Z][^A-Z\s]*)(?=(\s|$))/g, (_, p, w) => p + (w.length > 1 ? 'xxmaj ' : '') + w.toLowerCase());
  t = 'xxbos ' + t.toLowerCase().trim();
  // Words as spaCy's English tokenizer splits them: prefixes, suffixes and contractions peeled,
  // infixes (hyphens between letters...) split, URLs, e-mails, numbers and abbreviations whole.
  const SPECIAL = new Set(['xxunk', 'xxpad', 'xxbos', 'xxeos', 'xxfld', 'xxrep', 'xxwrep', 'xxup', 'xxmaj']);
  const ABBR = new Set('mr. mrs. ms. dr. prof. st. jr. sr. vs. etc. e.g. i.e. inc. ltd. co. corp. no. a.m. p.m. u.s. u.k. jan. feb. mar. apr. aug. sep. sept. oct. nov. dec. approx. dept.'.split(' '));
  const URL = /^(?:(?:https?|ftp):\/\/|www\.)\S*[^\s.,!?;:)\]'"]$/i;
  const EMAIL = /^[\p{L}\p{N}._%+-]+@[\p{L}\p{N}.-]+\.\p{L}{2,}$/u;
  const NUMBER = /^[+-]?(?:\d+(?:[.,:]\d+)*)$/;
  const ACRONYM = /^(?:\p{L}\.){2,}$/u;
  const PREFIX = /^(?:[([{<"'${'`'}‘“«¡¿*$£€¥§~]|\.\.\.|…)/u;
  const CONTRACTION = /^(.+?)(n't|'s|'m|'re|'ve|'ll|'d|’s|’m|’re|’ve|’ll|’d|n’t)$/u;
  const SUFFIX = /(?:[)\]}>"'${'`'}’”»!?;:,%…*]|\.\.\.|\.)$/u;
  const INFIX = /(?<=[\p{L}])(?:--|[-–—~])(?=[\p{L}])|(?<=[\p{L}\p{N}])(?:\.\.\.|…)(?=[\p{L}\p{N}])|(?<=[\p{L}\p{N}])[:<>=](?=[\p{L}])|(?<=[\p{L}]),(?=[\p{L}])/u;
  const whole = (c) => SPECIAL.has(c) || URL.test(c) || EMAIL.test(c) || NUMBER.test(c) || ABBR.has(c) || ACRONYM.test(c);
  const out = [];
  const infixes = (c) => {
    const m = whole(c) ? null : INFIX.exec(c);
    if (!m) return void out.push(c);
    const head = c.slice(0, m.index), tail = c.slice(m.index + m[0].length);
    if (head) out.push(head);
    out.push(m[0]);
    if (tail) chunk(tail);
  };
  const chunk = (c) => {
    if (c === '') return;
    if (whole(c)) return void out.push(c);
    const p = PREFIX.exec(c);
    if (p && p[0].length < c.length) return void (out.push(p[0]), chunk(c.slice(p[0].length)));
    const suffixes = [];
    let rest = c;
    for (;;) {
      if (whole(rest)) break;
      const k = CONTRACTION.exec(rest);
      if (k) { suffixes.unshift(k[2]); rest = k[1]; continue; }
      const s = SUFFIX.exec(rest);
      if (!s || s[0].length === rest.length) break;
      suffixes.unshift(s[0]);
      rest = rest.slice(0, -s[0].length);
    }
    if (suffixes.length) return void (chunk(rest), out.push(...suffixes));
    infixes(rest);
  };
  for (const c of t.split(/\s+/)) chunk(c);
  return out;
}`;
