import type { ReferenceRegion } from '../store/reference-regions.ts';
import { shuffled, uniform } from './random.ts';

/**
 * Places of the emulated world: region name cases, transliterated slugs, and each region's municipalities
 * (its capital first, then districts, municipal okrugs and towns). Names are plausible, not a gazetteer.
 */

const TRANSLIT: Record<string, string> = {
  а: 'a',
  б: 'b',
  в: 'v',
  г: 'g',
  д: 'd',
  е: 'e',
  ё: 'e',
  ж: 'zh',
  з: 'z',
  и: 'i',
  й: 'y',
  к: 'k',
  л: 'l',
  м: 'm',
  н: 'n',
  о: 'o',
  п: 'p',
  р: 'r',
  с: 's',
  т: 't',
  у: 'u',
  ф: 'f',
  х: 'kh',
  ц: 'ts',
  ч: 'ch',
  ш: 'sh',
  щ: 'shch',
  ъ: '',
  ы: 'y',
  ь: '',
  э: 'e',
  ю: 'yu',
  я: 'ya',
};

/** Lower-case Latin letters only (digits and punctuation dropped). */
export function translit(value: string): string {
  let out = '';
  for (const ch of value.toLowerCase()) {
    if (ch in TRANSLIT) out += TRANSLIT[ch];
    else if (ch >= 'a' && ch <= 'z') out += ch;
  }
  return out;
}

type Case = 'gen' | 'dat';

const REGION_CASES: Record<string, Record<Case, string>> = {
  'RU-MOW': { gen: 'города Москвы', dat: 'г. Москве' },
  'RU-SPE': { gen: 'Санкт-Петербурга', dat: 'г. Санкт-Петербургу' },
  'RU-SEV': { gen: 'города Севастополя', dat: 'г. Севастополю' },
};

const NOUNS: Record<string, Record<Case, string>> = {
  Республика: { gen: 'Республики', dat: 'Республике' },
  область: { gen: 'области', dat: 'области' },
  край: { gen: 'края', dat: 'краю' },
  округ: { gen: 'округа', dat: 'округу' },
};

function inflectWord(word: string, kase: Case): string {
  const noun = NOUNS[word];
  if (noun) return noun[kase];
  if (word.endsWith('ая')) return `${word.slice(0, -2)}ой`;
  if (word.endsWith('ий') || word.endsWith('ый'))
    return `${word.slice(0, -2)}${kase === 'gen' ? 'ого' : 'ому'}`;
  return word;
}

function inflectTail(word: string, kase: Case): string {
  if (word.endsWith('ия')) return `${word.slice(0, -2)}ии`;
  if (word.endsWith('а')) return `${word.slice(0, -1)}${kase === 'gen' ? 'ы' : 'е'}`;
  return `${word}${kase === 'gen' ? 'а' : 'у'}`;
}

/** «Республика Адыгея (Адыгея)» → «Республика Адыгея»: drops a parenthesis that repeats the name. */
export function cleanRegionName(name: string): string {
  return name.replace(/ (\S+) \((\S+)\)$/, (whole, word: string, inner: string) =>
    word === inner ? ` ${word}` : whole,
  );
}

/** Region name in the genitive («Министерство здравоохранения Республики Башкортостан») or dative («по …»). */
export function regionCase(region: Pick<ReferenceRegion, 'code' | 'name_ru'>, kase: Case): string {
  const special = REGION_CASES[region.code];
  if (special) return special[kase];
  const name = cleanRegionName(region.name_ru);
  if (name.startsWith('Республика ')) return `${NOUNS.Республика![kase]} ${name.slice('Республика '.length)}`;
  const [main, tail] = name.split(' — ');
  const inflected = main!
    .split(' ')
    .map((w) => inflectWord(w, kase))
    .join(' ');
  return tail === undefined ? inflected : `${inflected} — ${inflectTail(tail, kase)}`;
}

const ADJECTIVE_ENDINGS = ['skaya', 'skiy', 'tskiy', 'aya', 'iy', 'yy', 'oy'];

function stripAdjective(slug: string): string {
  for (const ending of ADJECTIVE_ENDINGS) {
    if (slug.endsWith(ending) && slug.length - ending.length >= 3) {
      return ending.startsWith('sk') || ending.startsWith('tsk')
        ? slug.slice(0, -ending.length + 2)
        : slug.slice(0, -ending.length);
    }
  }
  return slug;
}

const REGION_SLUGS: Record<string, string> = { 'RU-MOW': 'msk', 'RU-SPE': 'spb', 'RU-MOS': 'mosobl' };
const GENERIC_WORDS = new Set([
  'Республика',
  'область',
  'край',
  'автономный',
  'автономная',
  'округ',
  'Народная',
]);

function baseRegionSlug(region: ReferenceRegion): string {
  const special = REGION_SLUGS[region.code];
  if (special) return special;
  const word = cleanRegionName(region.name_ru)
    .split(' — ')[0]!
    .split(' ')
    .find((w) => !GENERIC_WORDS.has(w) && !w.startsWith('('));
  return stripAdjective(translit(word ?? region.code)).slice(0, 14);
}

// District adjectives end in -ский/-цкий/-ный/-ской/-ой so that their cases follow one rule.
const DISTRICTS = [
  'Октябрьский',
  'Первомайский',
  'Советский',
  'Кировский',
  'Ленинский',
  'Заречный',
  'Центральный',
  'Красногвардейский',
  'Пролетарский',
  'Калининский',
  'Железнодорожный',
  'Пушкинский',
  'Лесной',
  'Степной',
  'Нагорный',
  'Каменский',
  'Берёзовский',
  'Никольский',
  'Покровский',
  'Троицкий',
  'Успенский',
  'Ильинский',
  'Михайловский',
  'Александровский',
  'Николаевский',
  'Петровский',
  'Знаменский',
  'Вознесенский',
  'Богородский',
  'Ивановский',
  'Благовещенский',
  'Дзержинский',
  'Фрунзенский',
  'Куйбышевский',
  'Свердловский',
  'Чкаловский',
  'Гагаринский',
  'Суворовский',
  'Ключевской',
  'Сосновский',
  'Белозерский',
  'Краснинский',
  'Тарасовский',
  'Зеленодольский',
  'Верхнедонской',
  'Приозёрный',
  'Луговской',
  'Ольховский',
];

const TOWNS = [
  'Заречный',
  'Озёрск',
  'Снежинск',
  'Советск',
  'Северск',
  'Зеленогорск',
  'Светлогорск',
  'Первомайск',
  'Полярный',
  'Радужный',
  'Михайловск',
  'Николаевск',
  'Покровск',
  'Троицк',
  'Никольск',
  'Каменск',
  'Новогорск',
  'Краснознаменск',
  'Приозёрск',
  'Солнечный',
  'Сосновоборск',
  'Железногорск',
];

/** Genitive of a district adjective: Октябрьский → Октябрьского, Лесной → Лесного. */
export function adjectiveGenitive(adj: string): string {
  return adj.replace(/(ий|ый|ой)$/, 'ого');
}

/** Feminine of a district adjective: Октябрьский → Октябрьская (for «… центральная районная больница»). */
export function adjectiveFeminine(adj: string): string {
  return adj.replace(/(ий|ый|ой)$/, 'ая');
}

export type MunicipalityKind = 'capital' | 'town' | 'district' | 'okrug';

export interface Municipality {
  regionIndex: number;
  kind: MunicipalityKind;
  /** The root word: city name or district adjective. */
  root: string;
  /** As stored in the register: «г. Уфа», «Октябрьский район», «Октябрьский муниципальный округ». */
  name: string;
  /** As written after an institution's name: «г. Уфа», «Октябрьского района». */
  locative: string;
  /** Globally unique Latin slug used in nicknames. */
  slug: string;
  /** Relative share of the region's local channels. */
  weight: number;
}

export interface Places {
  regions: ReferenceRegion[];
  regionSlugs: string[];
  regionCases: { gen: string; dat: string }[];
  municipalities: Municipality[];
  /** First municipality index of each region (its capital); the region's range ends at the next start. */
  regionStart: Int32Array;
}

function municipalityCount(population: number, federalCity: boolean): number {
  const n = Math.round(3 + Math.sqrt(population / 10_000));
  return Math.max(4, Math.min(federalCity ? 12 : 45, n));
}

function describe(kind: MunicipalityKind, root: string): Pick<Municipality, 'name' | 'locative'> {
  switch (kind) {
    case 'capital':
    case 'town':
      return { name: `г. ${root}`, locative: `г. ${root}` };
    case 'district':
      return { name: `${root} район`, locative: `${adjectiveGenitive(root)} района` };
    case 'okrug':
      return {
        name: `${root} муниципальный округ`,
        locative: `${adjectiveGenitive(root)} муниципального округа`,
      };
  }
}

/** Builds the municipalities of every region, deterministically from the seed. */
export function buildPlaces(seed: number, regions: ReferenceRegion[], populations: number[]): Places {
  const usedRegionSlugs = new Set<string>();
  const regionSlugs = regions.map((region) => {
    let slug = baseRegionSlug(region);
    if (usedRegionSlugs.has(slug)) slug = `${slug}${translit(region.code.slice(3).toLowerCase())}`;
    usedRegionSlugs.add(slug);
    return slug;
  });
  const municipalities: Municipality[] = [];
  const regionStart = new Int32Array(regions.length + 1);
  const usedSlugs = new Set<string>();
  const uniqueSlug = (base: string, regionIndex: number): string => {
    let slug = base.slice(0, 14);
    if (usedSlugs.has(slug)) slug = `${slug}${regionSlugs[regionIndex]}`;
    for (let n = 2; usedSlugs.has(slug); n += 1)
      slug = `${base.slice(0, 14)}${regionSlugs[regionIndex]}${'x'.repeat(n)}`;
    usedSlugs.add(slug);
    return slug;
  };
  regions.forEach((region, r) => {
    regionStart[r] = municipalities.length;
    const federalCity = ['RU-MOW', 'RU-SPE', 'RU-SEV'].includes(region.code);
    const capital = region.capital ?? region.name_ru;
    municipalities.push({
      regionIndex: r,
      kind: 'capital',
      root: capital,
      slug: uniqueSlug(translit(capital), r),
      weight: 1,
      ...describe('capital', capital),
    });
    const count = municipalityCount(populations[r]!, federalCity);
    // A seeded shuffle of the name lists gives each region its own set of districts and towns.
    const districts = shuffled(DISTRICTS, seed, r, 0x0d15);
    const towns = shuffled(TOWNS, seed, r, 0x7046);
    let d = 0;
    let t = 0;
    for (let j = 1; j < count; j += 1) {
      const u = uniform(seed, r, j, 0x3a11);
      const kind: MunicipalityKind = federalCity
        ? 'district'
        : u < 0.22
          ? 'town'
          : u < 0.65
            ? 'district'
            : 'okrug';
      const root = kind === 'town' ? towns[t++ % towns.length]! : districts[d++ % districts.length]!;
      const base = kind === 'town' ? translit(root) : stripAdjective(translit(root));
      municipalities.push({
        regionIndex: r,
        kind,
        root,
        slug: uniqueSlug(base, r),
        weight: 1 / (j + 1) ** 0.7,
        ...describe(kind, root),
      });
    }
    // Capitals hold about a third of a region's local institutions.
    const own = municipalities.slice(regionStart[r]! + 1).reduce((sum, m) => sum + m.weight, 0);
    municipalities[regionStart[r]!]!.weight = Math.max(1.2, own * 0.5);
  });
  regionStart[regions.length] = municipalities.length;
  const regionCases = regions.map((region) => ({
    gen: regionCase(region, 'gen'),
    dat: regionCase(region, 'dat'),
  }));
  return { regions, regionSlugs, regionCases, municipalities, regionStart };
}
