import { useEffect } from 'react';
import { useT } from '../i18n.ts';

/** «Регионы — Охват» in the tab and in history. */
export function useTitle(page: string): void {
  const t = useT();
  useEffect(() => {
    document.title = page ? `${page} — ${t('app.name')}` : t('app.name');
  }, [page, t]);
}
