import { Component, type ErrorInfo, type ReactNode, Suspense } from 'react';
import { LanguageSwitch } from './components/language-switch.tsx';
import { Link } from './components/link.tsx';
import { ErrorState, Loading } from './components/states.tsx';
import { type MessageKey, useT } from './i18n.ts';
import {
  ChannelPage,
  CollectionPage,
  ImportPage,
  MethodologyPage,
  NotFoundPage,
  OverviewPage,
  Page,
  RatingPage,
  RatingPublishedPage,
  RegionPage,
  RegionsPage,
  RegisterPage,
} from './pages.ts';
import { useInstance } from './queries.ts';
import { matchRoute, type Route, useLocation } from './router.ts';

/** The page frame (header, navigation, demo banner, footer) and the route → page switch. */

interface NavItem {
  key: MessageKey;
  to: string;
  active: Route['name'][];
}

const NAV: NavItem[] = [
  { key: 'nav.overview', to: '/', active: ['overview'] },
  { key: 'nav.rating', to: '/rating', active: ['rating', 'rating-published'] },
  { key: 'nav.regions', to: '/regions', active: ['regions', 'region'] },
  { key: 'nav.register', to: '/register', active: ['register', 'import', 'channel'] },
  { key: 'nav.collection', to: '/collection', active: ['collection'] },
  { key: 'nav.methodology', to: '/methodology', active: ['methodology'] },
];

function Header({ route }: { route: Route }) {
  const t = useT();
  return (
    <header className="site-header">
      <div className="site-header__inner">
        <Link to="/" className="brand" aria-label={t('app.home')}>
          <svg className="brand__mark" viewBox="0 0 32 32" aria-hidden="true">
            <circle cx="16" cy="16" r="14" />
            <circle cx="16" cy="16" r="8.5" />
            <circle cx="16" cy="16" r="3" />
          </svg>
          <span className="brand__text">
            <span className="brand__name">{t('app.name')}</span>
            <span className="brand__tagline">{t('app.tagline')}</span>
          </span>
        </Link>
        <LanguageSwitch />
      </div>
      <nav className="site-nav" aria-label={t('nav.label')}>
        <ul className="site-nav__list">
          {NAV.map((item) => {
            const current = item.active.includes(route.name);
            return (
              <li key={item.key}>
                <Link
                  to={item.to}
                  className={current ? 'site-nav__link site-nav__link--current' : 'site-nav__link'}
                  aria-current={current ? 'page' : undefined}
                >
                  {t(item.key)}
                </Link>
              </li>
            );
          })}
        </ul>
      </nav>
    </header>
  );
}

function DemoBanner() {
  const t = useT();
  const instance = useInstance();
  if (!instance.data?.demo) return null;
  return (
    <div className="demo-banner" role="note" data-testid="demo-banner">
      <strong>{t('demo.banner')}</strong> <span>{t('demo.note')}</span>
    </div>
  );
}

function Footer() {
  const t = useT();
  const instance = useInstance();
  return (
    <footer className="site-footer">
      <div className="site-footer__inner">
        <section>
          <h2 className="site-footer__title">{t('footer.sources')}</h2>
          <ul className="site-footer__list">
            <li>{t('footer.population')}</li>
            <li>{t('footer.regions')}</li>
            <li>{t('footer.map')}</li>
          </ul>
        </section>
        <section>
          <h2 className="site-footer__title">{t('app.name')}</h2>
          <ul className="site-footer__list">
            <li>{t('footer.about')}</li>
            <li>
              <a href="/api/docs">{t('footer.api')}</a>
            </li>
            {instance.data && (
              <li>
                {t('footer.version', {
                  version: instance.data.version,
                  database: instance.data.database === 'postgres' ? 'PostgreSQL' : 'SQLite',
                })}
              </li>
            )}
          </ul>
        </section>
      </div>
    </footer>
  );
}

/** A page that failed to render or to load its code shows an error in place, not a blank screen. */
class PageBoundary extends Component<{ children: ReactNode; resetKey: string }, { error: unknown }> {
  override state: { error: unknown } = { error: null };
  static getDerivedStateFromError(error: unknown) {
    return { error };
  }
  override componentDidUpdate(previous: { resetKey: string }) {
    if (previous.resetKey !== this.props.resetKey && this.state.error) this.setState({ error: null });
  }
  override componentDidCatch(error: unknown, info: ErrorInfo) {
    console.error(error, info.componentStack);
  }
  override render() {
    if (this.state.error)
      return <ErrorState error={this.state.error} onRetry={() => window.location.reload()} />;
    return this.props.children;
  }
}

function page(route: Route): ReactNode {
  switch (route.name) {
    case 'overview':
      return <Page page={OverviewPage} props={{}} />;
    case 'regions':
      return <Page page={RegionsPage} props={{}} />;
    case 'region':
      return <Page page={RegionPage} props={{ code: route.code }} />;
    case 'register':
      return <Page page={RegisterPage} props={{}} />;
    case 'import':
      return <Page page={ImportPage} props={{}} />;
    case 'rating':
      return <Page page={RatingPage} props={{}} />;
    case 'rating-published':
      return <Page page={RatingPublishedPage} props={{ id: route.id }} />;
    case 'channel':
      return <Page page={ChannelPage} props={{ id: route.id }} />;
    case 'collection':
      return <Page page={CollectionPage} props={{}} />;
    case 'methodology':
      return <Page page={MethodologyPage} props={{ id: route.id }} />;
    case 'not-found':
      return <Page page={NotFoundPage} props={{}} />;
  }
}

export function App() {
  const t = useT();
  const { path } = useLocation();
  const route = matchRoute(path);
  return (
    <>
      <a className="skip-link" href="#main">
        {t('app.skip')}
      </a>
      <Header route={route} />
      <DemoBanner />
      <main id="main" className="main" tabIndex={-1} data-route={route.name}>
        <PageBoundary resetKey={path}>
          <Suspense fallback={<Loading />}>{page(route)}</Suspense>
        </PageBoundary>
      </main>
      <Footer />
    </>
  );
}
