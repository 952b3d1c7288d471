/**
 * Region spellings accepted on import: ISO code (`RU-BA`, `ru-ba`, `BA`), the official Russian or English
 * name, the name without its type word (`Башкортостан`, `Московская`, `Bashkortostan`), the parts in
 * parentheses or after a dash (`Якутия`, `Кузбасс`, `Югра`), `г. Москва`, and common abbreviations
 * (`ХМАО`, `ЯНАО`, `ДНР`, `СПб`). Pure: built from the region list loaded once per import.
 */

export interface RegionNames {
  code: string;
  name_ru: string;
  name_en: string;
}

export interface RegionLookup {
  /** The region code for a spelling, or undefined. */
  resolve(value: string): string | undefined;
}

/** Lower case, ё → е, letters and digits only. */
export function foldKey(value: string): string {
  return value
    .toLowerCase()
    .replaceAll('ё', 'е')
    .replace(/[^\p{L}\p{N}]+/gu, '');
}

const ABBREVIATIONS: Record<string, string[]> = {
  'RU-KHM': ['ХМАО', 'ХМАО — Югра', 'KhMAO'],
  'RU-YAN': ['ЯНАО', 'YaNAO'],
  'RU-YEV': ['ЕАО'],
  'RU-NEN': ['НАО'],
  'RU-DPR': ['ДНР', 'DPR'],
  'RU-LPR': ['ЛНР', 'LPR'],
  'RU-KB': ['КБР'],
  'RU-KC': ['КЧР'],
  'RU-SPE': ['СПб', 'Петербург', 'St Petersburg', 'St. Petersburg'],
  'RU-SE': ['North Ossetia'],
};

const RU_TYPE_WORDS =
  /(?<!\p{L})(народная республика|автономный округ|автономная область|республика|область|край)(?!\p{L})/giu;
const EN_TYPE_WORDS =
  /\b(people's republic|autonomous okrug|autonomous oblast|republic of|republic|oblast|krai)\b/giu;

/** Alternative spellings derived from an official name (lower priority than the name itself). */
function derivedNames(name: string): string[] {
  const out = new Set<string>();
  const withoutParens = name.replace(/\([^)]*\)/g, ' ');
  for (const m of name.matchAll(/\(([^)]*)\)/g)) out.add(m[1]!);
  out.add(withoutParens);
  for (const part of withoutParens.split(/\s[—–-]\s/)) out.add(part);
  for (const variant of [...out]) {
    out.add(variant.replace(RU_TYPE_WORDS, ' '));
    out.add(variant.replace(EN_TYPE_WORDS, ' '));
  }
  return [...out];
}

export function buildRegionLookup(regions: RegionNames[]): RegionLookup {
  const primary = new Map<string, string>();
  const derived = new Map<string, string | null>();
  for (const r of regions) {
    for (const name of [r.code, r.name_ru, r.name_en]) primary.set(foldKey(name), r.code);
  }
  const addDerived = (key: string, code: string) => {
    if (key.length < 2 || primary.has(key)) return;
    const seen = derived.get(key);
    if (seen === undefined) derived.set(key, code);
    else if (seen !== code) derived.set(key, null); // ambiguous: accepted for neither region
  };
  for (const r of regions) {
    addDerived(foldKey(r.code.replace(/^RU-/i, '')), r.code);
    for (const name of [...derivedNames(r.name_ru), ...derivedNames(r.name_en)])
      addDerived(foldKey(name), r.code);
    for (const abbr of ABBREVIATIONS[r.code] ?? []) addDerived(foldKey(abbr), r.code);
  }
  const find = (key: string) => primary.get(key) ?? derived.get(key) ?? undefined;
  const seen = new Map<string, string | undefined>();
  return {
    resolve(value: string): string | undefined {
      if (seen.has(value)) return seen.get(value);
      const trimmed = value.trim();
      const code =
        trimmed === ''
          ? undefined
          : (find(foldKey(trimmed)) ??
            find(foldKey(trimmed.replace(/^(г\.\s*|г\s+|город\s+|city of\s+)/iu, ''))));
      if (seen.size < 10_000) seen.set(value, code);
      return code;
    },
  };
}
