import type { Category, Level } from '../register/categories.ts';
import type { ReferenceRegion } from '../store/reference-regions.ts';
import { adjectiveFeminine, adjectiveGenitive, type Municipality } from './world-places.ts';

/**
 * Titles, nicknames and levels of emulated channels. A nickname is unique by construction: numbered forms are
 * `<prefix><ordinal><municipality slug>` (prefixes differ between categories, the ordinal is unique within a
 * municipality and category, municipality slugs are globally unique); unnumbered forms are regional
 * (`glav<region>`, `<ministry>_<region>`, `zaksobr_<region>`) or `adm<municipality>`.
 */

export interface TitleInput {
  category: Category;
  /** 1-based ordinal of the channel within its municipality and category. */
  ordinal: number;
  municipality: Municipality;
  region: ReferenceRegion;
  regionSlug: string;
  /** The region's name in the genitive and dative (see `regionCase`). */
  cases: Cases;
  /** Uniform draws in [0, 1) choosing a variant and a proper name. */
  variant: number;
  name: number;
}

export interface Titled {
  title: string;
  /** Without the `_gos` suffix (added by the caller for most channels). */
  nickname: string;
  level: Level;
}

const PROPER_NAMES = [
  'Солнышко',
  'Берёзка',
  'Радуга',
  'Колокольчик',
  'Теремок',
  'Ромашка',
  'Сказка',
  'Улыбка',
  'Светлячок',
  'Родничок',
  'Алёнушка',
  'Юбилейный',
  'Олимп',
  'Заря',
  'Звезда',
  'Юность',
  'Факел',
  'Дружба',
  'Искра',
  'Победа',
  'Надежда',
  'Рассвет',
  'Горизонт',
  'Импульс',
];

const SETTLEMENTS = [
  'Никольское',
  'Покровское',
  'Троицкое',
  'Успенское',
  'Ильинское',
  'Михайловское',
  'Александровское',
  'Петровское',
  'Знаменское',
  'Вознесенское',
  'Богородское',
  'Дмитриевское',
  'Васильевское',
  'Сосновское',
  'Берёзовское',
  'Каменское',
  'Красносельское',
  'Новосельское',
  'Луговское',
  'Рождественское',
];

const CITY_DISTRICTS = ['Кировский', 'Ленинский', 'Октябрьский', 'Советский', 'Центральный', 'Заводской'];

export type Cases = { gen: string; dat: string };

/** Regional executive bodies, the most common first, so small worlds still get ministries of health etc. */
const REGIONAL_BODIES: { slug: string; level: Level; title: (c: Cases) => string }[] = [
  { slug: 'minzdrav', level: 'regional', title: (c) => `Министерство здравоохранения ${c.gen}` },
  { slug: 'minobr', level: 'regional', title: (c) => `Министерство образования и науки ${c.gen}` },
  { slug: 'minkult', level: 'regional', title: (c) => `Министерство культуры ${c.gen}` },
  {
    slug: 'minsoc',
    level: 'regional',
    title: (c) => `Министерство семьи, труда и социальной защиты населения ${c.gen}`,
  },
  { slug: 'minsport', level: 'regional', title: (c) => `Министерство спорта ${c.gen}` },
  { slug: 'mchs', level: 'federal', title: (c) => `Главное управление МЧС России по ${c.dat}` },
  { slug: 'minselkhoz', level: 'regional', title: (c) => `Министерство сельского хозяйства ${c.gen}` },
  { slug: 'minstroy', level: 'regional', title: (c) => `Министерство строительства и архитектуры ${c.gen}` },
  {
    slug: 'mintrans',
    level: 'regional',
    title: (c) => `Министерство транспорта и дорожного хозяйства ${c.gen}`,
  },
  { slug: 'rpn', level: 'federal', title: (c) => `Управление Роспотребнадзора по ${c.dat}` },
  { slug: 'minfin', level: 'regional', title: (c) => `Министерство финансов ${c.gen}` },
  { slug: 'minek', level: 'regional', title: (c) => `Министерство экономического развития ${c.gen}` },
  { slug: 'mineco', level: 'regional', title: (c) => `Министерство природопользования и экологии ${c.gen}` },
  { slug: 'minmol', level: 'regional', title: (c) => `Министерство молодёжной политики ${c.gen}` },
  { slug: 'mvd', level: 'federal', title: (c) => `ГУ МВД России по ${c.dat}` },
  { slug: 'mincifra', level: 'regional', title: (c) => `Министерство цифрового развития ${c.gen}` },
  {
    slug: 'minzhkkh',
    level: 'regional',
    title: (c) => `Министерство жилищно-коммунального хозяйства ${c.gen}`,
  },
  { slug: 'minprom', level: 'regional', title: (c) => `Министерство промышленности и торговли ${c.gen}` },
  { slug: 'sfr', level: 'federal', title: (c) => `Отделение Социального фонда России по ${c.dat}` },
  { slug: 'mintur', level: 'regional', title: (c) => `Министерство туризма ${c.gen}` },
  { slug: 'minles', level: 'regional', title: (c) => `Министерство лесного хозяйства ${c.gen}` },
  { slug: 'gzhi', level: 'regional', title: (c) => `Государственная жилищная инспекция ${c.gen}` },
  { slug: 'rosreestr', level: 'federal', title: (c) => `Управление Росреестра по ${c.dat}` },
  { slug: 'zags', level: 'regional', title: (c) => `Комитет по делам ЗАГС ${c.gen}` },
  { slug: 'tarif', level: 'regional', title: (c) => `Государственный комитет ${c.gen} по тарифам` },
  { slug: 'nalog', level: 'federal', title: (c) => `УФНС России по ${c.dat}` },
  { slug: 'minimush', level: 'regional', title: (c) => `Министерство имущественных отношений ${c.gen}` },
  { slug: 'rosgvard', level: 'federal', title: (c) => `Управление Росгвардии по ${c.dat}` },
  { slug: 'minvnutr', level: 'regional', title: (c) => `Министерство внутренней политики ${c.gen}` },
  { slug: 'fssp', level: 'federal', title: (c) => `УФССП России по ${c.dat}` },
];

type Variant = { p: number; prefix: string; title: (n: number, proper: string, m: Municipality) => string };

/** Municipal institutions: variants with their share within the category and a nickname prefix. */
const MUNICIPAL: Partial<Record<Category, Variant[]>> = {
  executive_body: [
    { p: 0.25, prefix: 'uo', title: () => 'Управление образования Администрации' },
    { p: 0.15, prefix: 'otdkult', title: () => 'Отдел культуры Администрации' },
    { p: 0.15, prefix: 'kumi', title: () => 'Комитет по управлению муниципальным имуществом' },
    { p: 0.15, prefix: 'finupr', title: () => 'Финансовое управление Администрации' },
    { p: 0.1, prefix: 'otdarkh', title: () => 'Отдел архитектуры и градостроительства Администрации' },
    { p: 0.1, prefix: 'upzhkkh', title: () => 'Управление ЖКХ Администрации' },
    { p: 0.1, prefix: 'otdsport', title: () => 'Отдел по физической культуре и спорту Администрации' },
  ],
  school: [
    { p: 0.72, prefix: 'school', title: (n) => `МБОУ СОШ № ${n}` },
    { p: 0.08, prefix: 'school', title: (n) => `МАОУ СОШ № ${n}` },
    { p: 0.1, prefix: 'gimnaziya', title: (n) => `МБОУ Гимназия № ${n}` },
    { p: 0.1, prefix: 'licey', title: (n) => `МАОУ Лицей № ${n}` },
  ],
  kindergarten: [
    { p: 0.6, prefix: 'detsad', title: (n, s) => `МБДОУ Детский сад № ${n} «${s}»` },
    { p: 0.4, prefix: 'detsad', title: (n) => `МАДОУ Детский сад № ${n}` },
  ],
  culture: [
    {
      p: 0.045,
      prefix: 'biblio',
      title: (n) => (n === 1 ? 'МБУК «Центральная библиотека»' : `Библиотека № ${n}`),
    },
    { p: 0.15, prefix: 'muzey', title: () => 'МБУК «Краеведческий музей»' },
    { p: 0.455, prefix: 'dk', title: (_n, s) => `МБУК «Дом культуры «${s}»»` },
    { p: 0.3, prefix: 'dshi', title: (n) => `МБУ ДО «Детская школа искусств № ${n}»` },
    { p: 0.05, prefix: 'teatr', title: () => 'ГАУК «Драматический театр»' },
  ],
  youth: [
    { p: 0.4, prefix: 'molcentr', title: (_n, s) => `МБУ «Молодёжный центр «${s}»»` },
    { p: 0.25, prefix: 'otdmol', title: () => 'Отдел по делам молодёжи' },
    { p: 0.2, prefix: 'dvizh', title: () => 'Местное отделение «Движение первых»' },
    { p: 0.15, prefix: 'yunarmiya', title: () => 'Юнармия' },
  ],
  sport: [
    { p: 0.5, prefix: 'sportshkola', title: (n) => `МБУ ДО «Спортивная школа № ${n}»` },
    { p: 0.3, prefix: 'sk', title: (_n, s) => `Спортивный комплекс «${s}»` },
    { p: 0.2, prefix: 'fok', title: (_n, s) => `ФОК «${s}»` },
  ],
  social_protection: [
    { p: 0.4, prefix: 'kcson', title: () => 'ГБУ «Комплексный центр социального обслуживания населения»' },
    { p: 0.3, prefix: 'cspn', title: () => 'Центр социальной поддержки населения' },
    { p: 0.15, prefix: 'srcn', title: () => 'Социально-реабилитационный центр для несовершеннолетних' },
    { p: 0.15, prefix: 'internat', title: () => 'Дом-интернат для престарелых и инвалидов' },
  ],
  other: [
    { p: 0.16, prefix: 'mfc', title: () => 'МФЦ' },
    { p: 0.1, prefix: 'edds', title: () => 'ЕДДС' },
    { p: 0.12, prefix: 'czn', title: () => 'Центр занятости населения' },
    { p: 0.08, prefix: 'voenkomat', title: () => 'Военный комиссариат' },
    { p: 0.06, prefix: 'arkhiv', title: () => 'Муниципальный архив' },
    { p: 0.1, prefix: 'veterany', title: () => 'Совет ветеранов' },
    { p: 0.12, prefix: 'tos', title: (_n, s) => `ТОС «${s}»` },
    { p: 0.08, prefix: 'tik', title: () => 'Территориальная избирательная комиссия' },
    { p: 0.08, prefix: 'gazeta', title: (_n, s) => `Редакция газеты «${s}»` },
    { p: 0.05, prefix: 'cbu', title: () => 'МКУ «Центр бухгалтерского учёта»' },
    { p: 0.05, prefix: 'pch', title: (n) => `Пожарно-спасательная часть № ${n}` },
  ],
};

function pickVariant(variants: Variant[], u: number): Variant {
  let acc = 0;
  for (const v of variants) {
    acc += v.p;
    if (u < acc) return v;
  }
  return variants[variants.length - 1]!;
}

const COLLEGES = [
  'Медицинский колледж',
  'Педагогический колледж',
  'Политехнический колледж',
  'Колледж сервиса и туризма',
  'Аграрный техникум',
  'Строительный колледж',
  'Музыкальный колледж',
  'Колледж информационных технологий',
];
const UNIVERSITIES = [
  'Государственный университет',
  'Технический университет',
  'Педагогический университет',
  'Медицинский университет',
  'Аграрный университет',
];

const isRepublic = (region: ReferenceRegion) => /(^|\s)Республика(\s|$)/.test(region.name_ru);
const isCity = (m: Municipality) => m.kind === 'capital' || m.kind === 'town';

function pickFrom<T>(list: readonly T[], u: number): T {
  return list[Math.min(list.length - 1, Math.floor(u * list.length))]!;
}

function numbered(n: number, m: Municipality, prefix: string): string {
  return `${prefix}${n}${m.slug}`;
}

export function titleOf(input: TitleInput): Titled {
  const { category, ordinal: n, municipality: m, region, regionSlug, cases, variant: u } = input;
  const proper = pickFrom(PROPER_NAMES, input.name);
  const loc = m.locative;
  switch (category) {
    case 'regional_government': {
      const federalCity = ['RU-MOW', 'RU-SPE', 'RU-SEV'].includes(region.code);
      const head = federalCity || u < 0.55 ? 'Правительство' : isRepublic(region) ? 'Глава' : 'Губернатор';
      return { title: `${head} ${cases.gen}`, nickname: `glav${regionSlug}`, level: 'regional' };
    }
    case 'executive_body': {
      const body = m.kind === 'capital' ? REGIONAL_BODIES[n - 1] : undefined;
      if (body)
        return { title: body.title(cases), nickname: `${body.slug}_${regionSlug}`, level: body.level };
      const v = pickVariant(MUNICIPAL.executive_body!, u);
      return {
        title: `${v.title(n, proper, m)} ${loc}`,
        nickname: numbered(n, m, v.prefix),
        level: 'municipal',
      };
    }
    case 'local_government': {
      if (n === 1) {
        const title =
          m.kind === 'capital'
            ? `Администрация городского округа город ${m.root}`
            : m.kind === 'town'
              ? `Администрация города ${m.root}`
              : `Администрация ${loc}`;
        return { title, nickname: `adm${m.slug}`, level: 'municipal' };
      }
      const names = isCity(m) ? CITY_DISTRICTS : SETTLEMENTS;
      const name = names[n - 2];
      const title =
        name === undefined
          ? `Территориальный отдел № ${n - 1 - names.length} администрации ${loc}`
          : isCity(m)
            ? `Администрация ${adjectiveGenitive(name)} района ${loc}`
            : `Администрация сельского поселения ${name} ${loc}`;
      return { title, nickname: numbered(n, m, 'adm'), level: 'municipal' };
    }
    case 'legislature': {
      if (m.kind === 'capital' && n === 1) {
        const head = isRepublic(region) ? 'Государственное собрание' : 'Законодательное собрание';
        return { title: `${head} ${cases.gen}`, nickname: `zaksobr_${regionSlug}`, level: 'regional' };
      }
      // The council first (in a capital, after the regional parliament), then settlement councils or deputies.
      const k = m.kind === 'capital' ? n - 1 : n;
      const settlement = isCity(m) ? undefined : SETTLEMENTS[k - 2];
      const title =
        k === 1
          ? `Совет депутатов ${loc}`
          : settlement
            ? `Совет депутатов сельского поселения ${settlement} ${loc}`
            : `Депутат Совета депутатов ${loc} по избирательному округу № ${k - 1}`;
      return { title, nickname: numbered(n, m, 'sovet'), level: 'municipal' };
    }
    case 'college_university': {
      if (m.kind === 'capital' && u < 0.2) {
        const uni = pickFrom(UNIVERSITIES, input.name);
        return { title: `ФГБОУ ВО «${uni}» ${loc}`, nickname: numbered(n, m, 'univer'), level: 'federal' };
      }
      return {
        title: `ГБПОУ «${pickFrom(COLLEGES, input.name)}» ${loc}`,
        nickname: numbered(n, m, 'college'),
        level: 'regional',
      };
    }
    case 'healthcare': {
      if (!isCity(m)) {
        if (n === 1) {
          const title = `ГБУЗ «${adjectiveFeminine(m.root)} центральная районная больница»`;
          return { title, nickname: numbered(n, m, 'crb'), level: 'regional' };
        }
        return {
          title: `ГБУЗ «Врачебная амбулатория № ${n}» ${loc}`,
          nickname: numbered(n, m, 'ambulat'),
          level: 'regional',
        };
      }
      const [prefix, name] =
        u < 0.35
          ? ['gkb', `Городская клиническая больница № ${n}`]
          : u < 0.6
            ? ['gp', `Городская поликлиника № ${n}`]
            : u < 0.8
              ? ['dgp', `Детская городская поликлиника № ${n}`]
              : u < 0.9
                ? ['roddom', `Родильный дом № ${n}`]
                : ['ssmp', 'Станция скорой медицинской помощи'];
      return { title: `ГБУЗ «${name}» ${loc}`, nickname: numbered(n, m, prefix), level: 'regional' };
    }
    default: {
      const v = pickVariant(MUNICIPAL[category]!, u);
      const level: Level =
        v.prefix === 'teatr' || category === 'social_protection' ? 'regional' : 'municipal';
      return { title: `${v.title(n, proper, m)} ${loc}`, nickname: numbered(n, m, v.prefix), level };
    }
  }
}

const POSTS: Partial<Record<Category, string[]>> = {
  school: [
    'Уважаемые родители! Напоминаем о родительском собрании в четверг в 18:00.',
    'Сегодня в нашей школе прошёл урок мужества.',
    'Поздравляем победителей муниципального этапа олимпиады!',
    'Расписание занятий на следующую неделю опубликовано на сайте школы.',
  ],
  kindergarten: [
    'В нашем детском саду прошёл утренник «Здравствуй, осень!».',
    'Уважаемые родители! Приглашаем на день открытых дверей.',
    'Наши воспитанники стали участниками районного конкурса рисунков.',
  ],
  regional_government: [
    'Глава региона провёл совещание по подготовке к отопительному сезону.',
    'Подписано соглашение о строительстве новой школы.',
    'Итоги недели: что сделано в регионе.',
    'Прямая линия с жителями состоится в среду в 17:00.',
  ],
};
const GENERIC_POSTS = [
  'Приглашаем жителей принять участие в общественных обсуждениях.',
  'Информация о режиме работы в праздничные дни.',
  'Подведены итоги работы за месяц.',
  'Напоминаем о мерах пожарной безопасности.',
  'Открыт приём заявок на участие в конкурсе.',
  'Публикуем ответы на частые вопросы жителей.',
];

export function postTextOf(category: Category, u: number): string {
  return pickFrom(POSTS[category] ?? GENERIC_POSTS, u);
}
