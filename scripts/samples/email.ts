/**
 * The readable text of a raw e-mail (RFC 822 headers, then a body that may be MIME multipart,
 * quoted-printable or HTML): the subject line, then the plain-text parts (HTML parts with their
 * tags removed when a message has no plain text). Attachments and base64 parts are dropped.
 * Enough for the 2002 Spam Assassin corpus; not a general MIME parser.
 */

/** Headers as lower-case name -> value, folded lines joined. */
function parseHeaders(block: string): Map<string, string> {
  const headers = new Map<string, string>();
  let last = '';
  for (const line of block.split('\n')) {
    if (/^[ \t]/.test(line) && last) {
      headers.set(last, `${headers.get(last)} ${line.trim()}`);
      continue;
    }
    const m = /^([^:\s]+):\s*(.*)$/.exec(line);
    if (!m) continue;
    last = m[1].toLowerCase();
    if (!headers.has(last)) headers.set(last, m[2].trim());
  }
  return headers;
}

/** Splits headers from body at the first blank line. */
export function splitMessage(raw: string): { headers: Map<string, string>; body: string } {
  const text = raw.replace(/\r\n?/g, '\n');
  const at = text.indexOf('\n\n');
  return at < 0 ? { headers: parseHeaders(text), body: '' } : { headers: parseHeaders(text.slice(0, at)), body: text.slice(at + 2) };
}

/**
 * Quoted-printable to text: soft line breaks (`=` at a line end) removed, `=XX` bytes decoded as Latin-1.
 * @example decodeQuotedPrintable('caf=E9 =\nau lait') // 'café au lait'
 */
export function decodeQuotedPrintable(text: string): string {
  return text.replace(/=\n/g, '').replace(/=([0-9A-Fa-f]{2})/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

/**
 * HTML to text: scripts and styles dropped, block tags to line breaks, other tags removed, a few entities decoded.
 * @example htmlToText('<p>Hi&nbsp;<b>there</b></p>') // 'Hi there'
 */
export function htmlToText(html: string): string {
  return html
    .replace(/<(script|style)[\s\S]*?<\/\1>/gi, ' ')
    .replace(/<!--[\s\S]*?-->/g, ' ')
    .replace(/<(br|p|div|tr|li|h[1-6])\b[^>]*>/gi, '\n')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&nbsp;/gi, ' ')
    .replace(/&amp;/gi, '&')
    .replace(/&lt;/gi, '<')
    .replace(/&gt;/gi, '>')
    .replace(/&quot;/gi, '"')
    .replace(/&#(\d+);/g, (_m, d: string) => String.fromCharCode(Number(d)))
    .replace(/[ \t]+/g, ' ')
    .replace(/ *\n[\s]*/g, '\n')
    .trim();
}

/** The text parts of a body under `headers`: [plain parts, html parts]. */
function textParts(headers: Map<string, string>, body: string, depth = 0): { plain: string[]; html: string[] } {
  const type = (headers.get('content-type') ?? 'text/plain').toLowerCase();
  const encoding = (headers.get('content-transfer-encoding') ?? '').toLowerCase();
  if (type.startsWith('multipart/') && depth < 5) {
    const boundary = /boundary="?([^";]+)"?/i.exec(headers.get('content-type') ?? '')?.[1];
    if (!boundary) return { plain: [body], html: [] };
    const out = { plain: [] as string[], html: [] as string[] };
    for (const part of body.split(`--${boundary}`).slice(1)) {
      if (part.startsWith('--')) break;
      const sub = splitMessage(part.replace(/^\n/, ''));
      const r = textParts(sub.headers, sub.body, depth + 1);
      out.plain.push(...r.plain);
      out.html.push(...r.html);
    }
    return out;
  }
  if (encoding === 'base64' || !type.startsWith('text/')) return { plain: [], html: [] };
  const decoded = encoding === 'quoted-printable' ? decodeQuotedPrintable(body) : body;
  return type.startsWith('text/html') ? { plain: [], html: [htmlToText(decoded)] } : { plain: [decoded], html: [] };
}

/**
 * The subject and readable body of a raw e-mail, at most `maxChars` long (cut at a line end).
 * @example emailText('Subject: Hi\n\nHello there') // 'Hi\n\nHello there'
 */
export function emailText(raw: string, maxChars = 4000): string {
  const { headers, body } = splitMessage(raw);
  const { plain, html } = textParts(headers, body);
  const parts = plain.length > 0 ? plain : html;
  // A body that is mostly HTML though labelled text/plain (common in spam) is read as HTML too.
  const text = parts.map((p) => (/<(html|body|table|font|div)\b/i.test(p) ? htmlToText(p) : p)).join('\n\n');
  const subject = headers.get('subject') ?? '';
  const full = `${subject}\n\n${text.replace(/\n{3,}/g, '\n\n').trim()}`.trim();
  if (full.length <= maxChars) return full;
  const cut = full.lastIndexOf('\n', maxChars);
  return full.slice(0, cut > maxChars / 2 ? cut : maxChars).trim();
}
