import { Link } from '../components/link.tsx';
import { EmptyState } from '../components/states.tsx';
import { useT } from '../i18n.ts';
import { useTitle } from './use-title.ts';

export function NotFoundPage() {
  const t = useT();
  useTitle(t('notFound.title'));
  return (
    <>
      <header className="page-head">
        <h1>{t('notFound.title')}</h1>
      </header>
      <EmptyState
        title={t('notFound.text')}
        action={
          <Link className="button button--primary" to="/">
            {t('notFound.home')}
          </Link>
        }
      />
    </>
  );
}
