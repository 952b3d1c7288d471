import { useId } from 'react';
import { links, type Methodology, type PublishedRating, type RatingScopeKind } from '../api.ts';
import { DayInput } from '../components/day-input.tsx';
import { Link } from '../components/link.tsx';
import { PrintButton, PrintHeader } from '../components/print-header.tsx';
import { ScopeFilters, scopeLead, scopeOfKey, scopeTitle } from '../components/rating-scope.tsx';
import {
  RatingAsOf,
  RatingView,
  ratingTitle,
  scopeSummary,
  useRegionNames,
} from '../components/rating-view.tsx';
import { EmptyState, ErrorState, isAuthError, Loading } from '../components/states.tsx';
import { type Column, Table } from '../components/table.tsx';
import { formatDate, formatDateTime, formatNumber } from '../format.ts';
import { useLang, useT } from '../i18n.ts';
import {
  DEFAULT_METHODOLOGY,
  ratingParamsComplete,
  ratingParamsOf,
  useMethodologies,
  usePublishedRating,
  usePublishedRatings,
  useRating,
} from '../queries.ts';
import { href, navigate, useQueryState } from '../router.ts';
import { useTitle } from './use-title.ts';

/**
 * The live rating: `/rating?methodology=…&date=…&scope=…&category=…&region=…&indicator=…&q=…&sort=…`. The
 * methodology switch shows the methodology's description, the date picks the day (default: the latest day
 * with data), the scope switch (where the methodology rates more than regions) picks regions, the channels
 * of a category (optionally in one region) or the municipalities of a region; exports download the same
 * table as XLSX or CSV, and the published ratings are listed below.
 */

function MethodologyNote({ methodology }: { methodology: Methodology | undefined }) {
  const t = useT();
  const lang = useLang();
  if (!methodology) return null;
  return (
    <div className="methodology-note" data-testid="methodology-note">
      <p className="methodology-note__title">{lang === 'en' ? methodology.title_en : methodology.title_ru}</p>
      <p className="methodology-note__text">
        {lang === 'en' ? methodology.description_en : methodology.description_ru}
      </p>
      <p className="methodology-note__more no-print">
        <Link to={`/methodology/${methodology.id}`}>{t('rating.methodology.more')}</Link>
        {' · '}
        {t('rating.methodology.version', { version: methodology.version })}
      </p>
    </div>
  );
}

function PublishedList({ methodologies }: { methodologies: Methodology[] }) {
  const t = useT();
  const lang = useLang();
  const regionNames = useRegionNames();
  const published = usePublishedRatings();
  const titleOf = (p: PublishedRating) =>
    p.title ??
    ratingTitle(
      methodologies.find((m) => m.id === p.methodology_id),
      lang,
      p.methodology_id,
    );
  const columns: Column<PublishedRating>[] = [
    {
      key: 'id',
      header: '№',
      numeric: true,
      render: (p) => formatNumber(p.id, lang),
    },
    {
      key: 'title',
      header: t('rating.published.col.title'),
      className: 'col-title',
      render: (p) => {
        const scope = scopeSummary(scopeOfKey(p.scope), t, lang, regionNames);
        return (
          <>
            <Link to={`/rating/published/${p.id}`} tabIndex={-1}>
              {titleOf(p)}
            </Link>
            {scope && <span className="cell-sub">{scope}</span>}
          </>
        );
      },
    },
    {
      key: 'date',
      header: t('rating.published.col.date'),
      className: 'nowrap',
      render: (p) => formatDate(p.rating_date, lang),
    },
    {
      key: 'version',
      header: t('rating.published.col.methodology'),
      render: (p) => `${p.methodology_id} ${p.methodology_version}`,
    },
    {
      key: 'created',
      header: t('rating.published.col.created'),
      className: 'nowrap',
      render: (p) => formatDateTime(p.created_at, lang),
    },
  ];
  return (
    <section className="section no-print" aria-labelledby="published-title">
      <h2 id="published-title" className="section-title">
        {t('rating.published.title')}
      </h2>
      {published.isPending && <Loading compact />}
      {published.isError && <ErrorState error={published.error} onRetry={() => void published.refetch()} />}
      {published.data &&
        (published.data.items.length === 0 ? (
          <EmptyState icon="table" title={t('rating.published.empty.title')}>
            {t('rating.published.empty.text')}
          </EmptyState>
        ) : (
          <Table
            caption={t('rating.published.title')}
            columns={columns}
            rows={published.data.items}
            rowKey={(p) => p.id}
            rowLabel={titleOf}
            onActivate={(p) => navigate(href(`/rating/published/${p.id}`))}
            testId="published-table"
          />
        ))}
    </section>
  );
}

/**
 * A visitor who may not read the live rating (anonymous with `publicAccess: 'ratings'`) sees the latest
 * published rating instead, which is public.
 */
function LatestPublished({ methodologies }: { methodologies: Methodology[] }) {
  const t = useT();
  const lang = useLang();
  const published = usePublishedRatings();
  const latest = published.data?.items[0];
  const table = usePublishedRating(latest?.id ?? 0, latest !== undefined);
  if (published.isPending) return <Loading />;
  if (!latest) return <p className="notice">{t('rating.live.signInNone')}</p>;
  const methodology = methodologies.find((m) => m.id === latest.methodology_id);
  return (
    <section data-testid="latest-published">
      <p className="notice">{t('rating.live.signIn')}</p>
      <h2 className="section-title">
        <Link to={`/rating/published/${latest.id}`}>
          {t('rating.latestPublished', {
            title: latest.title ?? ratingTitle(methodology, lang, latest.methodology_id),
          })}
        </Link>
      </h2>
      {table.isPending && <Loading />}
      {table.isError && <ErrorState error={table.error} onRetry={() => void table.refetch()} />}
      {table.data && (
        <>
          <RatingAsOf table={table.data} />
          <RatingView table={table.data} methodology={methodology} />
        </>
      )}
    </section>
  );
}

export function RatingPage() {
  const t = useT();
  const lang = useLang();
  const query = useQueryState();
  const dateId = useId();
  const methodologies = useMethodologies();
  const computable = (methodologies.data?.items ?? []).filter((m) => m.computable);
  const ratingParams = ratingParamsOf(query.params);
  const methodologyId = ratingParams.methodology;
  const date = ratingParams.date;
  const methodology = methodologies.data?.items.find((m) => m.id === methodologyId);
  const kind: RatingScopeKind = ratingParams.scope ?? 'regions';
  const scopes = methodology?.scopes ?? ['regions'];
  // Every methodology rates regions; another scope is asked for once the methodology is known to rate it.
  const scopeKnown = kind === 'regions' || methodologies.data !== undefined;
  const supported = kind === 'regions' || scopes.includes(kind);
  const complete = ratingParamsComplete(ratingParams);
  const ready = supported && complete;
  const rating = useRating(ratingParams, ready);
  const exportQuery = { ...ratingParams, lang };
  const title = ratingTitle(methodology, lang, methodologyId);
  const pageTitle = scopeTitle(t, kind);
  useTitle(pageTitle);
  const regionNames = useRegionNames();
  const scopeText = scopeSummary(
    { kind, category: ratingParams.category ?? null, region: ratingParams.region ?? null },
    t,
    lang,
    regionNames,
  );
  const shown = ready ? rating.data : undefined;

  return (
    <>
      <PrintHeader
        title={pageTitle}
        subtitle={[title, scopeText, shown ? t('rating.asOf', { date: formatDate(shown.asOf, lang) }) : null]
          .filter(Boolean)
          .join(' · ')}
      />
      <header className="page-head page-head--actions">
        <div>
          <h1>{pageTitle}</h1>
          <p className="lead">{scopeLead(t, kind)}</p>
        </div>
        <div className="actions">
          {ready && !isAuthError(rating.error) && (
            <>
              <a
                className="button"
                href={links.exportRating('xlsx', exportQuery)}
                download
                data-testid="export-xlsx"
              >
                {t('rating.exportXlsx')}
              </a>
              <a
                className="button"
                href={links.exportRating('csv', exportQuery)}
                download
                data-testid="export-csv"
              >
                {t('rating.exportCsv')}
              </a>
            </>
          )}
          <PrintButton />
        </div>
      </header>

      <search className="filter-bar">
        <div className="field field--wide">
          <label htmlFor={`${dateId}-m`} className="field__label">
            {t('rating.methodology')}
          </label>
          <select
            id={`${dateId}-m`}
            name="methodology"
            className="input"
            value={methodologyId}
            onChange={(event) => {
              const next = event.target.value;
              const nextScopes = methodologies.data?.items.find((m) => m.id === next)?.scopes ?? ['regions'];
              query.set({
                methodology: next === DEFAULT_METHODOLOGY ? null : next,
                // A scope the next methodology cannot rate falls back to the regions.
                ...(nextScopes.includes(kind)
                  ? {}
                  : { scope: null, category: null, region: null, sort: null, q: null }),
              });
            }}
          >
            {(computable.length > 0
              ? computable
              : [{ id: methodologyId, title_ru: title, title_en: title }]
            ).map((m) => (
              <option key={m.id} value={m.id}>
                {lang === 'en' ? m.title_en : m.title_ru}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${dateId}-d`} className="field__label">
            {t('rating.date')}
          </label>
          <DayInput
            id={`${dateId}-d`}
            name="date"
            lang={lang}
            value={date ?? rating.data?.asOf ?? ''}
            onChange={(day) => query.set({ date: day })}
          />
        </div>
        <ScopeFilters
          kind={kind}
          scopes={scopes}
          category={ratingParams.category ?? ''}
          region={ratingParams.region ?? ''}
        />
        {date && (
          <button
            type="button"
            className="button button--quiet filter-bar__reset"
            onClick={() => query.set({ date: null })}
          >
            {t('rating.latest')}
          </button>
        )}
      </search>

      <MethodologyNote methodology={methodology} />

      {!scopeKnown && methodologies.isPending && <Loading />}
      {!scopeKnown && methodologies.isError && (
        <ErrorState error={methodologies.error} onRetry={() => void methodologies.refetch()} />
      )}
      {scopeKnown && !supported && (
        <EmptyState
          icon="table"
          title={t('rating.scope.unsupported.title', { scope: t(`rating.scope.${kind}`).toLowerCase() })}
          action={
            <button
              type="button"
              className="button"
              onClick={() => query.set({ scope: null, category: null, region: null, sort: null, q: null })}
            >
              {t('rating.scope.backToRegions')}
            </button>
          }
        >
          {t('rating.scope.unsupported.text')}
        </EmptyState>
      )}
      {supported && !complete && (
        <EmptyState icon="table" title={t('rating.scope.needRegion.title')}>
          {t('rating.scope.needRegion.text')}
        </EmptyState>
      )}
      {ready && rating.isPending && <Loading />}
      {ready &&
        rating.isError &&
        !rating.data &&
        (isAuthError(rating.error) ? (
          <LatestPublished methodologies={methodologies.data?.items ?? []} />
        ) : (
          <ErrorState error={rating.error} onRetry={() => void rating.refetch()} />
        ))}
      {shown && (
        <div className={rating.isPlaceholderData ? 'is-updating' : undefined} aria-busy={rating.isFetching}>
          <RatingAsOf table={shown} />
          {shown.rows.length === 0 && kind !== 'regions' ? (
            <EmptyState icon="table" title={t('rating.scope.none.title')}>
              {t('rating.scope.none.text')}
            </EmptyState>
          ) : shown.rows.every((r) => r.place === null) ? (
            <EmptyState
              icon="chart"
              title={t('rating.empty.title')}
              action={
                <Link className="button" to="/collection">
                  {t('nav.collection')}
                </Link>
              }
            >
              {t('rating.empty.text')}
            </EmptyState>
          ) : (
            // While the next methodology's table loads, the previous table stays with its own methodology.
            <RatingView
              table={shown}
              methodology={methodologies.data?.items.find((m) => m.id === shown.methodology.id)}
            />
          )}
        </div>
      )}

      <PublishedList methodologies={methodologies.data?.items ?? []} />
    </>
  );
}
