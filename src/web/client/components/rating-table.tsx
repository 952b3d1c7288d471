import { useCallback, useMemo } from 'react';
import type { Methodology, RatingTable as Rating, RatingFlag, RatingRow } from '../api.ts';
import { formatNumber } from '../format.ts';
import { type Translate, useLang, useT } from '../i18n.ts';
import { formatIndicator, formatScore } from '../indicator-format.ts';
import { href, navigate } from '../router.ts';
import { Link } from './link.tsx';
import { type Column, Table, type TableSort } from './table.tsx';

/**
 * The rating table: place, region, place change (▲▼ with the number of places), the combined score,
 * each indicator's value with its place, and anomaly/missing-data marks with their reasons. Sorting is
 * done here (the whole table is one response); missing values sort last in both directions.
 */

export interface RatingTableProps {
  table: Rating;
  methodology: Methodology | undefined;
  rows: RatingRow[];
  regionName: (code: string, fallback: string) => string;
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

function indicatorTitle(methodology: Methodology | undefined, key: string, lang: 'ru' | 'en'): string {
  const spec = methodology?.indicators.find((i) => i.key === key);
  if (!spec) return key;
  return lang === 'en' ? spec.title_en : spec.title_ru;
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
  regionName,
  sort,
  onSort,
  caption,
}: RatingTableProps) {
  const t = useT();
  const lang = useLang();
  const keys = useMemo(
    () => methodology?.indicators.map((i) => i.key) ?? Object.keys(table.rows[0]?.indicators ?? {}),
    [methodology, table.rows],
  );
  const combination = table.methodology.combination;
  const open = useCallback((row: RatingRow) => navigate(href(`/regions/${row.key}`)), []);

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
      header: t('rating.col.region'),
      sortable: true,
      className: 'col-title',
      render: (r) => (
        <Link to={`/regions/${r.key}`} tabIndex={-1}>
          {regionName(r.key, r.name)}
        </Link>
      ),
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
        firstOrder: methodology?.indicators.find((i) => i.key === key)?.direction === 'asc' ? 'asc' : 'desc',
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
      rowLabel={(r) => regionName(r.key, r.name)}
      sort={sort}
      onSort={onSort}
      onActivate={open}
      testId="rating-table"
    />
  );
}
