import { links } from '../api.ts';
import { ChannelBrowser } from '../components/channel-browser.tsx';
import { Link } from '../components/link.tsx';
import { useLang, useT } from '../i18n.ts';
import { useQueryState } from '../router.ts';
import { useTitle } from './use-title.ts';

/** The whole register: search and filters, edit form, import, template and exports. */
export function RegisterPage() {
  const t = useT();
  const lang = useLang();
  useTitle(t('nav.register'));
  const query = useQueryState();
  const region = query.get('region');
  const exportQuery = { region: region ? [region] : undefined, lang };

  return (
    <>
      <header className="page-head page-head--actions">
        <div>
          <h1>{t('register.title')}</h1>
          <p className="lead">{t('register.lead')}</p>
        </div>
        <div className="actions">
          <Link className="button button--primary" to="/register/import">
            {t('register.import')}
          </Link>
          <a className="button" href={links.template(lang)} download>
            {t('register.template')}
          </a>
          <a className="button" href={links.exportChannels('xlsx', exportQuery)} download>
            {t('register.exportXlsx')}
          </a>
          <a className="button" href={links.exportChannels('csv', exportQuery)} download>
            {t('register.exportCsv')}
          </a>
        </div>
      </header>
      {region && <p className="hint">{t('register.exportHint')}</p>}
      <ChannelBrowser caption={t('register.title')} />
    </>
  );
}
