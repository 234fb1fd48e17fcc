/**
 * fastai's text pre-processing rules (text/core.py `defaults.text_proc_rules`), applied to a raw
 * string before it is split into words. Each rule is a pure `string -> string` function, run in
 * fastai's order by `applyRules`. The regular expressions follow fastai's, written for
 * JavaScript: Python's `\w` is Unicode-aware, so here it is `[\p{L}\p{N}_]` with the `u` flag.
 */

/** Unknown word (index 0 of every vocabulary). */
export const UNK = 'xxunk';
/** Padding of classification batches (index 1). */
export const PAD = 'xxpad';
/** Beginning of a text. */
export const BOS = 'xxbos';
/** End of a text (not added by default, as in fastai). */
export const EOS = 'xxeos';
/** Field separator when several columns form one text. */
export const FLD = 'xxfld';
/** `xxrep 4 !`: a character repeated 4 times. */
export const TK_REP = 'xxrep';
/** `xxwrep 3 very`: a word repeated 3 times. */
export const TK_WREP = 'xxwrep';
/** The next word was in capitals. */
export const TK_UP = 'xxup';
/** The next word had a capital first letter. */
export const TK_MAJ = 'xxmaj';

/** fastai's special tokens, in its order: they take the first vocabulary indices. */
export const SPECIAL_TOKENS: readonly string[] = [UNK, PAD, BOS, EOS, FLD, TK_REP, TK_WREP, TK_UP, TK_MAJ];

/** A pre-processing rule. */
export type TextRule = (text: string) => string;

/** Named HTML entities seen in scraped reviews and e-mails; numeric ones are decoded in general. */
const NAMED_ENTITIES: Readonly<Record<string, string>> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: ' ',
  ndash: '–',
  mdash: '—',
  hellip: '…',
  lsquo: '‘',
  rsquo: '’',
  ldquo: '“',
  rdquo: '”',
  copy: '©',
  reg: '®',
  trade: '™',
  euro: '€',
  pound: '£',
};

/** Python's `html.unescape` for numeric entities and the named ones above (the full table is 2,000 names). */
function unescapeHtml(text: string): string {
  return text.replace(/&(#[0-9]+|#[xX][0-9a-fA-F]+|[a-zA-Z]+);/g, (whole, body: string) => {
    if (body[0] === '#') {
      const code = body[1] === 'x' || body[1] === 'X' ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10);
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return NAMED_ENTITIES[body] ?? whole;
  });
}

/**
 * fastai's `fix_html`: broken entities left by scrapers (`#39;` without its `&`), `<br />`,
 * escaped newlines and quotes, WikiText's `@.@`, then a real HTML unescape.
 * @example fixHtml('a<br />b &amp; c') // 'a\nb & c'
 */
export function fixHtml(text: string): string {
  const fixed = text
    .replaceAll('#39;', "'")
    .replaceAll('amp;', '&')
    .replaceAll('#146;', "'")
    .replaceAll('nbsp;', ' ')
    .replaceAll('#36;', '$')
    .replaceAll('\\n', '\n')
    .replaceAll('quot;', "'")
    .replaceAll('<br />', '\n')
    .replaceAll('\\"', '"')
    .replaceAll('<unk>', UNK)
    .replaceAll(' @.@ ', '.')
    .replaceAll(' @-@ ', '-')
    .replaceAll('...', ' …');
  return unescapeHtml(fixed);
}

/**
 * fastai's `replace_rep`: a non-space character repeated 3+ times becomes `xxrep n c`.
 * @example replaceRep('wow!!!!') // 'wow xxrep 4 ! '
 */
export function replaceRep(text: string): string {
  return text.replace(/(\S)(\1{2,})/gu, (_m, c: string, cc: string) => ` ${TK_REP} ${[...cc].length + 1} ${c} `);
}

// A word, then the same word again 1+ times, then the word once more: 3+ in a row.
const WREP = /(?:\s|^)([\p{L}\p{N}_]+)\s+((?:\1\s+)+)\1(\s|[^\p{L}\p{N}_]|$)/gu;

/**
 * fastai's `replace_wrep`: a word repeated 3+ times becomes `xxwrep n word`.
 * @example replaceWrep('this is very very very good') // 'this is xxwrep 3 very  good'
 */
export function replaceWrep(text: string): string {
  return text.replace(WREP, (_m, w: string, ws: string, end: string) => ` ${TK_WREP} ${ws.trim().split(/\s+/).length + 2} ${w} ${end}`);
}

/**
 * fastai's `spec_add_spaces`: spaces around `/`, `#` and `\`, so they split from their words.
 * @example specAddSpaces('and/or') // 'and / or'
 */
export function specAddSpaces(text: string): string {
  return text.replace(/([/#\\])/g, ' $1 ');
}

/**
 * fastai's `rm_useless_spaces`: runs of spaces become one (newlines are kept).
 * @example rmUselessSpaces('a   b') // 'a b'
 */
export function rmUselessSpaces(text: string): string {
  return text.replace(/ {2,}/g, ' ');
}

/**
 * fastai's `replace_all_caps`: a word in capitals (2+ letters) becomes `xxup word`; as in
 * fastai, only ASCII capitals count.
 * @example replaceAllCaps('I LOVE it') // 'I xxup love it'
 */
export function replaceAllCaps(text: string): string {
  return text.replace(/(\s|^)([A-Z]+[^a-z\s]*)(?=(\s|$))/g, (_m, pre: string, word: string) => `${pre}${word.length > 1 ? `${TK_UP} ` : ''}${word.toLowerCase()}`);
}

/**
 * fastai's `replace_maj`: a capitalised word becomes `xxmaj word` (a lone capital letter is only lowered).
 * @example replaceMaj('Hello World') // 'xxmaj hello xxmaj world'
 */
export function replaceMaj(text: string): string {
  return text.replace(/(\s|^)([A-Z][^A-Z\s]*)(?=(\s|$))/g, (_m, pre: string, word: string) => `${pre}${word.length > 1 ? `${TK_MAJ} ` : ''}${word.toLowerCase()}`);
}

/**
 * fastai's `lowercase`: lower-cases and trims, with `xxbos` in front (and `xxeos` behind when asked).
 * @example lowercase('Hi ') // 'xxbos hi'
 */
export function lowercase(text: string, addBos = true, addEos = false): string {
  return `${addBos ? `${BOS} ` : ''}${text.toLowerCase().trim()}${addEos ? ` ${EOS}` : ''}`;
}

/** fastai's default rules, in its order (`defaults.text_proc_rules`). */
export const DEFAULT_RULES: readonly TextRule[] = [fixHtml, replaceRep, replaceWrep, specAddSpaces, rmUselessSpaces, replaceAllCaps, replaceMaj, (t) => lowercase(t)];

/** Runs `rules` left to right. */
export function applyRules(text: string, rules: readonly TextRule[] = DEFAULT_RULES): string {
  return rules.reduce((t, rule) => rule(t), text);
}
