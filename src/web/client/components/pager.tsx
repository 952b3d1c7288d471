import { formatNumber } from '../format.ts';
import { useLang, useT } from '../i18n.ts';

/** «1–50 из 234», previous/next and the page number. */
export function Pager({
  page,
  perPage,
  total,
  onPage,
}: {
  page: number;
  perPage: number;
  total: number;
  onPage: (page: number) => void;
}) {
  const t = useT();
  const lang = useLang();
  if (total === 0) return null;
  const pages = Math.max(1, Math.ceil(total / perPage));
  const from = (page - 1) * perPage + 1;
  const to = Math.min(total, page * perPage);
  return (
    <nav className="pager" aria-label={t('pager.label')}>
      <span className="pager__range">
        {t('pager.range', {
          from: formatNumber(from, lang),
          to: formatNumber(to, lang),
          total: formatNumber(total, lang),
        })}
      </span>
      <span className="pager__controls">
        <button type="button" className="button" disabled={page <= 1} onClick={() => onPage(page - 1)}>
          ← {t('pager.prev')}
        </button>
        <span className="pager__page" aria-current="page">
          {t('pager.page', { page: formatNumber(page, lang), pages: formatNumber(pages, lang) })}
        </span>
        <button type="button" className="button" disabled={page >= pages} onClick={() => onPage(page + 1)}>
          {t('pager.next')} →
        </button>
      </span>
    </nav>
  );
}
