import { describe, expect, it } from 'vitest';
import { applyRules, fixHtml, lowercase, replaceAllCaps, replaceMaj, replaceRep, replaceWrep, rmUselessSpaces, specAddSpaces } from './rules';
import { splitWords, tokenize } from './tokenize';

// Sentences in the style of the texts the studio will see: reviews (IMDB) and e-mails (spam-assassin).
describe('fastai rules, one at a time', () => {
  it('fix_html repairs broken entities, <br />, escaped newlines, then unescapes', () => {
    expect(fixHtml('A great film.<br /><br />Loved it &#8212; really')).toBe('A great film.\n\nLoved it — really');
    expect(fixHtml('the director#39;s cut, 5 #36; only')).toBe("the director's cut, 5 $ only");
    expect(fixHtml('Wait for it...')).toBe('Wait for it …');
    // fastai's own quirk, kept: the bare 'amp;' and '#39;' are replaced before the unescape,
    // so a well-formed '&amp;' reads '&&' and '&#39;' reads "&'".
    expect(fixHtml('Tom &amp; Jerry')).toBe('Tom && Jerry');
    expect(fixHtml('It&#39;s')).toBe("It&'s");
  });

  it('replace_rep marks a character repeated 3+ times', () => {
    expect(replaceRep('This was sooo bad!!!!')).toBe('This was s xxrep 3 o  bad xxrep 4 ! ');
    expect(replaceRep('a good book')).toBe('a good book');
  });

  it('replace_wrep marks a word repeated 3+ times', () => {
    expect(replaceWrep('this movie is very very very good')).toBe('this movie is xxwrep 3 very  good');
    expect(replaceWrep('I said no no no no!')).toBe('I said xxwrep 4 no !');
    expect(replaceWrep('no no way')).toBe('no no way');
  });

  it('spec_add_spaces splits / # and \\ from words', () => {
    expect(specAddSpaces('buy now/later #deal')).toBe('buy now / later  # deal');
  });

  it('rm_useless_spaces collapses runs of spaces but keeps newlines', () => {
    expect(rmUselessSpaces('Dear  friend,\n\n   hello')).toBe('Dear friend,\n\n hello');
  });

  it('replace_all_caps lowers words in capitals with xxup (single letters only lowered)', () => {
    expect(replaceAllCaps('I LOVE this, FREE MONEY now')).toBe('i xxup love this, xxup free xxup money now');
  });

  it('replace_maj lowers capitalised words with xxmaj (single letters only lowered)', () => {
    expect(replaceMaj('The Godfather is A classic')).toBe('xxmaj the xxmaj godfather is a classic');
  });

  it('lowercase adds xxbos, optionally xxeos', () => {
    expect(lowercase(' Hello There ')).toBe('xxbos hello there');
    expect(lowercase('End', false, true)).toBe('end xxeos');
  });

  it('the rules run in fastai order', () => {
    expect(applyRules('THIS is GREAT!!!')).toBe('xxbos xxup this is xxup great xxrep 3 !');
  });
});

describe('word splitting (spaCy-like)', () => {
  it('splits punctuation and contractions as spaCy does', () => {
    expect(splitWords("xxbos i don't think it's worth $ 10, honestly.")).toEqual(['xxbos', 'i', 'do', "n't", 'think', 'it', "'s", 'worth', '$', '10', ',', 'honestly', '.']);
    expect(splitWords("we can't and won't")).toEqual(['we', 'ca', "n't", 'and', 'wo', "n't"]);
    expect(splitWords('"quoted" (bracketed) end?!')).toEqual(['"', 'quoted', '"', '(', 'bracketed', ')', 'end', '?', '!']);
  });

  it('keeps numbers, abbreviations, acronyms, e-mails and URLs whole', () => {
    expect(splitWords('pay 3.50 or 1,000 at 10:30 p.m. e.g. u.s.a. mail me@example.com www.example.com.')).toEqual([
      'pay',
      '3.50',
      'or',
      '1,000',
      'at',
      '10:30',
      'p.m.',
      'e.g.',
      'u.s.a.',
      'mail',
      'me@example.com',
      'www.example.com',
      '.',
    ]);
  });

  it('splits hyphens between letters and `...` between words', () => {
    expect(splitWords('a well-known, made-for-tv movie...then')).toEqual(['a', 'well', '-', 'known', ',', 'made', '-', 'for', '-', 'tv', 'movie', '...', 'then']);
  });

  it('never splits special tokens', () => {
    expect(splitWords('xxbos xxmaj hi xxrep 3 !')).toEqual(['xxbos', 'xxmaj', 'hi', 'xxrep', '3', '!']);
  });
});

describe('tokenize', () => {
  // "I've" is one capitalised chunk when replace_maj runs, so it gets xxmaj, as in fastai.
  it('turns a review into fastai-style tokens', () => {
    expect(tokenize("I LOVED this movie!!! It's the best one I've seen... Don't miss it.")).toEqual([
      'xxbos',
      'i',
      'xxup',
      'loved',
      'this',
      'movie',
      'xxrep',
      '3',
      '!',
      'xxmaj',
      'it',
      "'s",
      'the',
      'best',
      'one',
      'xxmaj',
      'i',
      "'ve",
      'seen',
      '…',
      'xxmaj',
      'do',
      "n't",
      'miss',
      'it',
      '.',
    ]);
  });

  it('turns an e-mail line into tokens', () => {
    expect(tokenize('Subject: FREE Viagra!!! Click http://spam.example/buy NOW')).toEqual([
      'xxbos',
      'xxmaj',
      'subject',
      ':',
      'xxup',
      'free',
      'xxmaj',
      'viagra',
      'xxrep',
      '3',
      '!',
      'xxmaj',
      'click',
      'http',
      ':',
      '/',
      '/',
      'spam.example',
      '/',
      'buy',
      'xxup',
      'now',
    ]);
  });

  it('is deterministic and ignores blank input', () => {
    expect(tokenize('')).toEqual(['xxbos']);
    expect(tokenize('  \n ')).toEqual(['xxbos']);
  });
});
