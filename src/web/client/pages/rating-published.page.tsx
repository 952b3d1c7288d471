import { ApiError, links } from '../api.ts';
import { Link } from '../components/link.tsx';
import { PrintButton, PrintHeader } from '../components/print-header.tsx';
import {
  RatingAsOf,
  RatingView,
  ratingTitle,
  scopeSummary,
  useRegionNames,
} from '../components/rating-view.tsx';
import { EmptyState, ErrorState, Loading } from '../components/states.tsx';
import { formatDate, formatDateTime } from '../format.ts';
import { useLang, useT } from '../i18n.ts';
import { useMethodologies, usePublishedRating } from '../queries.ts';
import { useTitle } from './use-title.ts';

/** A published rating, exactly as stored: the same map and table, its own exports, never recomputed. */
export function RatingPublishedPage({ id }: { id: number }) {
  const t = useT();
  const lang = useLang();
  const rating = usePublishedRating(id);
  const methodologies = useMethodologies();
  const methodology = methodologies.data?.items.find((m) => m.id === rating.data?.methodology.id);
  const heading = t('rating.published.heading', { id });
  useTitle(heading);
  const regionNames = useRegionNames();

  if (rating.isPending) return <Loading />;
  if (rating.isError) {
    if (rating.error instanceof ApiError && rating.error.status === 404) {
      return (
        <EmptyState
          title={t('rating.published.notFound', { id })}
          action={
            <Link className="button" to="/rating">
              {t('rating.back')}
            </Link>
          }
        />
      );
    }
    return <ErrorState error={rating.error} onRetry={() => void rating.refetch()} />;
  }
  const table = rating.data;
  const scopeText = scopeSummary(table.scope, t, lang, regionNames);
  const title = [ratingTitle(methodology, lang, table.methodology.id), scopeText].filter(Boolean).join(' · ');

  return (
    <>
      <PrintHeader
        title={heading}
        subtitle={`${title} · ${t('rating.asOf', { date: formatDate(table.asOf, lang) })}`}
      />
      <nav className="breadcrumbs" aria-label={t('breadcrumbs')}>
        <Link to="/rating">{t('nav.rating')}</Link> <span aria-hidden="true">/</span> <span>{heading}</span>
      </nav>
      <header className="page-head page-head--actions">
        <div>
          <h1>{heading}</h1>
          {table.published?.title && <p className="lead lead--strong">{table.published.title}</p>}
          <p className="lead">
            {title} · {t('rating.methodology.version', { version: table.methodology.version })}
          </p>
          <p className="hint">
            {t('rating.published.note')}
            {table.published &&
              ` ${t('rating.published.when', { time: formatDateTime(table.published.created_at, lang) })}`}
          </p>
        </div>
        <div className="actions">
          <a className="button" href={links.exportPublishedRating(id, 'xlsx', lang)} download>
            {t('rating.exportXlsx')}
          </a>
          <a className="button" href={links.exportPublishedRating(id, 'csv', lang)} download>
            {t('rating.exportCsv')}
          </a>
          <PrintButton />
        </div>
      </header>
      <RatingAsOf table={table} />
      <RatingView table={table} methodology={methodology} />
    </>
  );
}
