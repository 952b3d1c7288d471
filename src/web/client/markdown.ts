/**
 * The small subset of Markdown that `docs/METHODOLOGY.md` uses — headings, paragraphs, `-` lists with
 * indented continuation lines, pipe tables, `---` rules, **bold** and `code` — parsed into plain data, so
 * the methodology page renders the document as React elements (no HTML injection). Pure, no DOM.
 */

export type Inline = { kind: 'text' | 'strong' | 'code'; text: string };

export type Block =
  | { kind: 'heading'; level: 1 | 2 | 3; text: string; id: string }
  | { kind: 'paragraph'; inline: Inline[] }
  | { kind: 'list'; items: Inline[][] }
  | { kind: 'table'; head: Inline[][]; rows: Inline[][][] }
  | { kind: 'rule' };

/** `**bold**` and `` `code` `` spans; everything else is text. */
export function parseInline(text: string): Inline[] {
  const out: Inline[] = [];
  const pattern = /\*\*(.+?)\*\*|`([^`]+)`/g;
  let last = 0;
  for (let match = pattern.exec(text); match !== null; match = pattern.exec(text)) {
    if (match.index > last) out.push({ kind: 'text', text: text.slice(last, match.index) });
    if (match[1] !== undefined) out.push({ kind: 'strong', text: match[1] });
    else out.push({ kind: 'code', text: match[2] ?? '' });
    last = match.index + match[0].length;
  }
  if (last < text.length) out.push({ kind: 'text', text: text.slice(last) });
  return out;
}

/** A heading's anchor: `5.1. \`dialog-2025\` — …` → `5-1-dialog-2025`. */
export function slugOf(text: string): string {
  const codeSpan = /`([^`]+)`/.exec(text)?.[1];
  const number = /^(\d+(?:\.\d+)*)\.?\s/.exec(text)?.[1];
  const base = [number?.replaceAll('.', '-'), codeSpan].filter(Boolean).join('-');
  if (base) return base;
  return text
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '-')
    .replace(/^-+|-+$/g, '');
}

function cells(line: string): string[] {
  return line
    .trim()
    .replace(/^\|/, '')
    .replace(/\|$/, '')
    .split('|')
    .map((c) => c.trim());
}

export function parseMarkdown(source: string): Block[] {
  const lines = source.replace(/\r\n/g, '\n').split('\n');
  const blocks: Block[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i]!;
    if (line.trim() === '') {
      i++;
      continue;
    }
    const heading = /^(#{1,3})\s+(.*)$/.exec(line);
    if (heading) {
      const text = heading[2]!.trim();
      blocks.push({ kind: 'heading', level: heading[1]!.length as 1 | 2 | 3, text, id: slugOf(text) });
      i++;
      continue;
    }
    if (/^-{3,}\s*$/.test(line)) {
      blocks.push({ kind: 'rule' });
      i++;
      continue;
    }
    if (line.startsWith('|')) {
      const rows: string[] = [];
      while (i < lines.length && lines[i]!.startsWith('|')) rows.push(lines[i++]!);
      const [head, separator, ...body] = rows;
      const hasHead = separator !== undefined && /^\|?\s*:?-{3,}/.test(separator);
      blocks.push({
        kind: 'table',
        head: hasHead && head ? cells(head).map(parseInline) : [],
        rows: (hasHead ? body : rows).map((r) => cells(r).map(parseInline)),
      });
      continue;
    }
    if (line.startsWith('- ')) {
      const items: string[] = [];
      while (i < lines.length) {
        const current = lines[i]!;
        if (current.startsWith('- ')) items.push(current.slice(2).trim());
        else if (current.startsWith('  ') && current.trim() !== '' && items.length > 0)
          items[items.length - 1] += ` ${current.trim()}`;
        else break;
        i++;
      }
      blocks.push({ kind: 'list', items: items.map(parseInline) });
      continue;
    }
    const paragraph: string[] = [];
    while (i < lines.length) {
      const current = lines[i]!;
      if (current.trim() === '' || /^(#{1,3}\s|\||- |-{3,}\s*$)/.test(current)) break;
      paragraph.push(current.trim());
      i++;
    }
    blocks.push({ kind: 'paragraph', inline: parseInline(paragraph.join(' ')) });
  }
  return blocks;
}

/**
 * The document in one language: `docs/METHODOLOGY.md` is Russian first, then `# Methodology (English)`
 * after a `---` rule. The shared title line (`# Методика расчётов / Methodology`) and its intro are dropped.
 */
export function documentPart(blocks: readonly Block[], lang: 'ru' | 'en'): Block[] {
  const english = blocks.findIndex((b) => b.kind === 'heading' && b.level === 1 && /English/.test(b.text));
  const part =
    lang === 'en' && english >= 0
      ? blocks.slice(english + 1)
      : blocks.slice(0, english >= 0 ? english : undefined);
  const firstSection = part.findIndex((b) => b.kind === 'heading' && b.level === 2);
  const body = firstSection >= 0 ? part.slice(firstSection) : part;
  // A trailing rule before the English half is noise.
  while (body.length > 0 && body[body.length - 1]!.kind === 'rule') body.pop();
  return body;
}

/** The blocks of one section: from its heading to the next heading of the same or a higher level. */
export function sectionOf(blocks: readonly Block[], match: (heading: string) => boolean): Block[] {
  const start = blocks.findIndex((b) => b.kind === 'heading' && match(b.text));
  if (start < 0) return [];
  const level = (blocks[start] as { level: number }).level;
  let end = start + 1;
  while (end < blocks.length) {
    const b = blocks[end]!;
    if (b.kind === 'heading' && b.level <= level) break;
    end++;
  }
  return blocks.slice(start, end);
}
