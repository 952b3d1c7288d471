import { useMemo } from 'react';
import methodologyText from '../../../../docs/METHODOLOGY.md?raw';
import type { Methodology } from '../api.ts';
import { Link } from '../components/link.tsx';
import { Markdown } from '../components/markdown.tsx';
import { EmptyState, ErrorState, Loading } from '../components/states.tsx';
import { type Lang, useLang, useT } from '../i18n.ts';
import { type Block, documentPart, parseMarkdown, sectionOf } from '../markdown.ts';
import { useMethodologies } from '../queries.ts';
import { useTitle } from './use-title.ts';

/**
 * `/methodology`: every methodology in brief and the whole text of `docs/METHODOLOGY.md` (the one source
 * of the formulas, bundled into this page's chunk at build time); `/methodology/:id`: one methodology's
 * description, indicators with formulas and weights, parameters, what is unknown, and its section of the
 * document. The «Диалог Регионы» caveat is shown on both.
 */

const DIALOG_ID = 'dialog-2025';

let parsed: Block[] | undefined;
function documentBlocks(): Block[] {
  parsed ??= parseMarkdown(methodologyText);
  return parsed;
}

function title(m: Methodology, lang: Lang): string {
  return lang === 'en' ? m.title_en : m.title_ru;
}

export function DialogCaveat() {
  const t = useT();
  return (
    <aside
      className="notice notice--caveat"
      data-testid="dialog-caveat"
      aria-labelledby="dialog-caveat-title"
    >
      <p id="dialog-caveat-title" className="notice__title">
        {t('methodology.caveat.title')}
      </p>
      <p>{t('methodology.caveat.text')}</p>
      <p>{t('methodology.caveat.check')}</p>
    </aside>
  );
}

function formatParameter(value: unknown, lang: Lang): string {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'number') return value.toLocaleString(lang === 'en' ? 'en-GB' : 'ru-RU');
  if (typeof value === 'boolean')
    return value ? (lang === 'en' ? 'yes' : 'да') : lang === 'en' ? 'no' : 'нет';
  if (Array.isArray(value)) return value.map((v) => formatParameter(v, lang)).join(', ');
  if (typeof value === 'object') {
    return Object.entries(value as Record<string, unknown>)
      .map(([k, v]) => `${k}: ${formatParameter(v, lang)}`)
      .join('; ');
  }
  return String(value);
}

function MethodologyDetail({ m }: { m: Methodology }) {
  const t = useT();
  const lang = useLang();
  const section = useMemo(
    () => sectionOf(documentPart(documentBlocks(), lang), (heading) => heading.includes(`\`${m.id}\``)),
    [m.id, lang],
  );
  const unknowns = lang === 'en' ? m.unknowns_en : m.unknowns_ru;
  return (
    <article className="methodology" data-testid="methodology-detail">
      <nav className="breadcrumbs" aria-label={t('breadcrumbs')}>
        <Link to="/methodology">{t('nav.methodology')}</Link> <span aria-hidden="true">/</span>{' '}
        <span className="mono">{m.id}</span>
      </nav>
      <header className="page-head page-head--actions">
        <div>
          <h1>{title(m, lang)}</h1>
          <p className="lead">{lang === 'en' ? m.description_en : m.description_ru}</p>
          <p className="hint">
            {t('methodology.meta', { id: m.id, version: m.version })} ·{' '}
            {t(
              `methodology.combination.${m.combination === 'rank_average' ? 'rank' : m.combination === 'weighted_minmax' ? 'minmax' : 'single'}`,
            )}
          </p>
        </div>
        {m.computable && (
          <div className="actions">
            <Link className="button button--primary" to="/rating" params={{ methodology: m.id }}>
              {t('methodology.openRating')}
            </Link>
          </div>
        )}
      </header>

      {m.id === DIALOG_ID && <DialogCaveat />}

      <section className="section" aria-labelledby="indicators-title">
        <h2 id="indicators-title" className="section-title">
          {t('methodology.indicators')}
        </h2>
        <div className="table-wrap">
          <table className="table" data-testid="methodology-indicators">
            <thead>
              <tr>
                <th scope="col">{t('methodology.col.indicator')}</th>
                <th scope="col">{t('methodology.col.formula')}</th>
                <th scope="col">{t('methodology.col.direction')}</th>
                <th scope="col" className="num">
                  {t('methodology.col.weight')}
                </th>
              </tr>
            </thead>
            <tbody>
              {m.indicators.map((i) => (
                <tr key={i.key}>
                  <td>
                    <span className="cell-main">{lang === 'en' ? i.title_en : i.title_ru}</span>
                    <span className="cell-sub mono">{i.key}</span>
                  </td>
                  <td>{lang === 'en' ? i.formula_en : i.formula_ru}</td>
                  <td className="nowrap">
                    {t(i.direction === 'asc' ? 'methodology.asc' : 'methodology.desc')}
                  </td>
                  <td className="num">{formatParameter(i.weight, lang)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>

      <div className="two-columns section">
        <section aria-labelledby="parameters-title">
          <h2 id="parameters-title" className="section-title">
            {t('methodology.parameters')}
          </h2>
          <dl className="params" data-testid="methodology-parameters">
            {Object.entries(m.parameters).map(([key, value]) => (
              <div key={key} className="params__row">
                <dt className="mono">{key}</dt>
                <dd>{formatParameter(value, lang)}</dd>
              </div>
            ))}
          </dl>
        </section>
        <section aria-labelledby="unknowns-title">
          <h2 id="unknowns-title" className="section-title">
            {t('methodology.unknowns')}
          </h2>
          {unknowns.length === 0 ? (
            <p className="hint">{t('methodology.noUnknowns')}</p>
          ) : (
            <ul className="unknowns" data-testid="methodology-unknowns">
              {unknowns.map((u) => (
                <li key={u}>{u}</li>
              ))}
            </ul>
          )}
        </section>
      </div>

      {section.length > 0 && (
        <section className="section panel" aria-label={t('methodology.document')}>
          <Markdown blocks={section} />
        </section>
      )}
    </article>
  );
}

function MethodologyIndex({ items }: { items: Methodology[] }) {
  const t = useT();
  const lang = useLang();
  const document = useMemo(() => documentPart(documentBlocks(), lang), [lang]);
  const contents = document.filter(
    (b): b is Extract<Block, { kind: 'heading' }> => b.kind === 'heading' && b.level === 2,
  );
  return (
    <>
      <header className="page-head">
        <h1>{t('methodology.title')}</h1>
        <p className="lead">{t('methodology.lead')}</p>
      </header>
      <ul className="methodology-cards" data-testid="methodology-list">
        {items.map((m) => (
          <li key={m.id} className="card-link methodology-card">
            <Link to={`/methodology/${m.id}`} className="card-link__title">
              {title(m, lang)} →
            </Link>
            <span className="card-link__text">{lang === 'en' ? m.description_en : m.description_ru}</span>
            <span className="methodology-card__meta">
              <span className="mono">
                {m.id} {m.version}
              </span>{' '}
              <span className={m.computable ? 'badge badge--active' : 'badge'}>
                {t(m.computable ? 'methodology.computable' : 'methodology.notComputable')}
              </span>
            </span>
          </li>
        ))}
      </ul>
      <DialogCaveat />
      <div className="methodology-doc section">
        <nav className="toc" aria-labelledby="toc-title">
          <p id="toc-title" className="toc__title">
            {t('methodology.contents')}
          </p>
          <ol>
            {contents.map((h) => (
              <li key={h.id}>
                <a href={`#${h.id}`}>{h.text.replace(/^\d+\.\s*/, '')}</a>
              </li>
            ))}
          </ol>
        </nav>
        <section className="panel" aria-label={t('methodology.document')} data-testid="methodology-document">
          <Markdown blocks={document} />
        </section>
      </div>
    </>
  );
}

export function MethodologyPage({ id }: { id?: string }) {
  const t = useT();
  const lang = useLang();
  const methodologies = useMethodologies();
  const current = id ? methodologies.data?.items.find((m) => m.id === id) : undefined;
  useTitle(current ? title(current, lang) : t('nav.methodology'));

  if (methodologies.isPending) return <Loading />;
  if (methodologies.isError)
    return <ErrorState error={methodologies.error} onRetry={() => void methodologies.refetch()} />;
  if (id && !current) {
    return (
      <EmptyState
        title={t('methodology.notFound', { id })}
        action={
          <Link className="button" to="/methodology">
            {t('methodology.back')}
          </Link>
        }
      />
    );
  }
  return current ? <MethodologyDetail m={current} /> : <MethodologyIndex items={methodologies.data.items} />;
}
