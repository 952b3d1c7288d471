import { useCallback } from 'react';
import { INDICATORS } from '../../../analytics/indicators.ts';
import type { Methodology, RatingTable as Rating, RatingFlag, RatingRow } from '../api.ts';
import { formatNumber } from '../format.ts';
import { type Translate, useLang, useT } from '../i18n.ts';
import { formatIndicator, formatScore } from '../indicator-format.ts';
import { href, navigate } from '../router.ts';
import { Link } from './link.tsx';
import { type Column, Table, type TableSort } from './table.tsx';

/**
 * The rating table: place, the rated object (a region, a channel or a municipality, by the table's scope),
 * place change (▲▼ with the number of places), the combined score,
 * each indicator's value with its place, and anomaly/missing-data marks with their reasons. Sorting is
 * done here (the whole table is one response); missing values sort last in both directions.
 */

export interface RatingTableProps {
  table: Rating;
  methodology: Methodology | undefined;
  rows: RatingRow[];
  /** The indicators shown, in order (`ratingIndicatorKeys`). */
  keys: readonly string[];
  /** Header of the object column: region, channel or municipality. */
  nameHeader: string;
  nameOf: (row: RatingRow) => string;
  /** Where a row leads (its region's or channel's page), or null when it has no page. */
  linkOf: (row: RatingRow) => string | null;
  sort: TableSort;
  onSort: (sort: TableSort) => void;
  caption: string;
}

export const DEFAULT_RATING_SORT: TableSort = { key: 'place', order: 'asc' };

/** Sort keys: place, name, change, score, or `i.<indicator>`. */
export function ratingSortValue(row: RatingRow, key: string): number | null {
  if (key === 'place') return row.place;
  if (key === 'change') return row.placeChange;
  if (key === 'score') return row.score;
  if (key.startsWith('i.')) return row.indicators[key.slice(2)]?.value ?? null;
  return null;
}

export function sortRatingRows(
  rows: readonly RatingRow[],
  sort: TableSort,
  nameOf: (row: RatingRow) => string,
  lang: 'ru' | 'en',
): RatingRow[] {
  const byName = (a: RatingRow, b: RatingRow) => nameOf(a).localeCompare(nameOf(b), lang);
  const sign = sort.order === 'asc' ? 1 : -1;
  return [...rows].sort((a, b) => {
    if (sort.key === 'name') return sign * byName(a, b);
    const x = ratingSortValue(a, sort.key);
    const y = ratingSortValue(b, sort.key);
    if (x === null && y === null) return byName(a, b);
    if (x === null) return 1;
    if (y === null) return -1;
    return sign * (x - y) || byName(a, b);
  });
}

function flagKind(flag: RatingFlag): 'anomaly' | 'missing' | 'excluded' | 'other' {
  if (flag.code.startsWith('anomaly')) return 'anomaly';
  if (flag.code.startsWith('missing')) return 'missing';
  if (flag.code.startsWith('excluded')) return 'excluded';
  return 'other';
}

export function FlagMarks({ flags }: { flags: RatingFlag[] }) {
  const t = useT();
  const lang = useLang();
  if (flags.length === 0) return null;
  return (
    <ul className="flag-marks">
      {flags.map((flag, i) => {
        const kind = flagKind(flag);
        const reason = lang === 'en' ? flag.reason_en : flag.reason_ru;
        return (
          <li key={`${flag.code}-${flag.day ?? i}`} className={`flag-mark flag-mark--${kind}`} title={reason}>
            <span aria-hidden="true">{kind === 'anomaly' ? '⚠' : kind === 'missing' ? '∅' : '⊘'}</span>{' '}
            <span className="flag-mark__text">{t(`rating.flag.${kind}`)}</span>
            <span className="visually-hidden">: {reason}</span>
          </li>
        );
      })}
    </ul>
  );
}

export function PlaceChange({ change, place }: { change: number | null; place: number | null }) {
  const t = useT();
  const lang = useLang();
  if (change === null) {
    return <span className="change change--none">{place === null ? '—' : t('rating.change.new')}</span>;
  }
  if (change === 0) {
    return (
      <span className="change change--same" title={t('rating.change.same')}>
        <span aria-hidden="true">=</span>
        <span className="visually-hidden">{t('rating.change.same')}</span>
      </span>
    );
  }
  const up = change > 0;
  const n = formatNumber(Math.abs(change), lang);
  const text = up ? t('rating.change.up', { n }) : t('rating.change.down', { n });
  return (
    <span className={up ? 'change change--up' : 'change change--down'} title={text}>
      <span aria-hidden="true">
        {up ? '▲' : '▼'}
        {n}
      </span>
      <span className="visually-hidden">{text}</span>
    </span>
  );
}

type CatalogueKey = keyof typeof INDICATORS;

function catalogue(key: string) {
  return Object.hasOwn(INDICATORS, key) ? INDICATORS[key as CatalogueKey] : undefined;
}

/**
 * The indicators of a table in the methodology's order. A methodology's summary describes its default
 * scope; a table of another scope (channels of `places-average`, say) names its own indicators in its
 * parameters, else in its rows.
 */
export function ratingIndicatorKeys(table: Rating, methodology: Methodology | undefined): string[] {
  if (methodology && methodology.scope === table.methodology.scope) {
    return methodology.indicators.map((i) => i.key);
  }
  const listed = table.methodology.parameters.indicators;
  if (Array.isArray(listed) && listed.every((k): k is string => typeof k === 'string')) return listed;
  return Object.keys(table.rows[0]?.indicators ?? {});
}

/** An indicator's title: the methodology's own wording, else the catalogue's. */
export function indicatorTitle(methodology: Methodology | undefined, key: string, lang: 'ru' | 'en'): string {
  const spec = methodology?.indicators.find((i) => i.key === key) ?? catalogue(key);
  if (!spec) return key;
  return lang === 'en' ? spec.title_en : spec.title_ru;
}

/** Whether a lower value of the indicator is better (places, costs…). */
export function indicatorAscending(methodology: Methodology | undefined, key: string): boolean {
  const spec = methodology?.indicators.find((i) => i.key === key) ?? catalogue(key);
  return spec?.direction === 'asc';
}

export function scoreHeader(t: Translate, combination: string): string {
  if (combination === 'rank_average') return t('rating.col.scoreRank');
  if (combination === 'weighted_minmax') return t('rating.col.scoreMinmax');
  return t('rating.col.score');
}

export function RatingTable({
  table,
  methodology,
  rows,
  keys,
  nameHeader,
  nameOf,
  linkOf,
  sort,
  onSort,
  caption,
}: RatingTableProps) {
  const t = useT();
  const lang = useLang();
  const combination = table.methodology.combination;
  const open = useCallback(
    (row: RatingRow) => {
      const to = linkOf(row);
      if (to) navigate(href(to));
    },
    [linkOf],
  );
  const linked = rows.some((row) => linkOf(row) !== null);

  const columns: Column<RatingRow>[] = [
    {
      key: 'place',
      header: t('rating.col.place'),
      sortable: true,
      numeric: true,
      className: 'col-place',
      render: (r) => (r.place === null ? '—' : formatNumber(r.place, lang)),
    },
    {
      key: 'name',
      header: nameHeader,
      sortable: true,
      className: 'col-title',
      render: (r) => {
        const to = linkOf(r);
        return to ? (
          <Link to={to} tabIndex={-1}>
            {nameOf(r)}
          </Link>
        ) : (
          nameOf(r)
        );
      },
    },
    {
      key: 'change',
      header: t('rating.col.change'),
      sortable: true,
      numeric: true,
      firstOrder: 'desc',
      render: (r) => <PlaceChange change={r.placeChange} place={r.place} />,
    },
    {
      key: 'score',
      header: scoreHeader(t, combination),
      sortable: true,
      numeric: true,
      firstOrder: combination === 'rank_average' ? 'asc' : 'desc',
      render: (r) => formatScore(combination, r.score, lang, keys.length === 1 ? keys[0] : undefined),
    },
    ...keys.map(
      (key): Column<RatingRow> => ({
        key: `i.${key}`,
        header: indicatorTitle(methodology, key, lang),
        sortable: true,
        numeric: true,
        firstOrder: indicatorAscending(methodology, key) ? 'asc' : 'desc',
        className: 'col-indicator',
        render: (r) => {
          const cell = r.indicators[key];
          return (
            <>
              <span className="cell-main">{formatIndicator(key, cell?.value, lang)}</span>
              {cell?.place !== null && cell?.place !== undefined && (
                <span className="cell-sub">
                  {t('rating.indicatorPlace', { n: formatNumber(cell.place, lang) })}
                </span>
              )}
            </>
          );
        },
      }),
    ),
    {
      key: 'flags',
      header: t('rating.col.flags'),
      render: (r) => <FlagMarks flags={r.flags} />,
    },
  ];

  return (
    <Table
      caption={caption}
      columns={columns}
      rows={rows}
      rowKey={(r) => r.key}
      rowLabel={nameOf}
      sort={sort}
      onSort={onSort}
      {...(linked ? { onActivate: open } : {})}
      testId="rating-table"
    />
  );
}
