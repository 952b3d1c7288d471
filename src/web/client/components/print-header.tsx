import { formatDateTime } from '../format.ts';
import { useLang, useT } from '../i18n.ts';

/**
 * Shown only on paper (`@media print`): the product, the document's title and subtitle (methodology and
 * date, region), and when it was printed, so a PDF stands on its own. Page numbers come from the
 * `@page` margin boxes in styles-analytics.css.
 */
export function PrintHeader({ title, subtitle }: { title: string; subtitle?: string }) {
  const t = useT();
  const lang = useLang();
  return (
    <div className="print-only print-header" data-testid="print-header">
      <p className="print-header__brand">
        {t('app.name')} · {t('app.tagline')}
      </p>
      <p className="print-header__title">{title}</p>
      {subtitle && <p className="print-header__subtitle">{subtitle}</p>}
      <p className="print-header__printed">
        {t('print.printed', { time: formatDateTime(Date.now(), lang), url: window.location.href })}
      </p>
    </div>
  );
}

/** «Печать / PDF»: the browser's print dialog, where «Save as PDF» gives an A4 file. */
export function PrintButton() {
  const t = useT();
  return (
    <button type="button" className="button" onClick={() => window.print()}>
      {t('print.button')}
    </button>
  );
}
