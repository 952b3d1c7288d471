import type { RegionSummary as Summary } from '../api.ts';
import { formatDate, formatDateTime, formatNumber, formatPercent } from '../format.ts';
import { type Translate, useLang, useT } from '../i18n.ts';
import { formatIndicator, formatSigned, formatSignedPercent } from '../indicator-format.ts';
import { label } from '../lists.ts';
import { Link } from './link.tsx';

/**
 * A region's analytics: its figures next to the country median (with its place among the regions), channels
 * by category and page class, active and complete-page shares, the channels lagging behind (not posting,
 * incomplete page, losing subscribers), and its municipalities.
 */

const PAGE_ELEMENTS: Record<string, { ru: string; en: string }> = {
  title: { ru: 'название', en: 'title' },
  description: { ru: 'описание', en: 'description' },
  avatar: { ru: 'аватар', en: 'avatar' },
  contacts: { ru: 'контакты', en: 'contacts' },
  link: { ru: 'ссылка', en: 'link' },
};

export function pageElementLabel(element: string, lang: 'ru' | 'en'): string {
  return PAGE_ELEMENTS[element]?.[lang] ?? element;
}

/** «на 12 % выше медианы», «ниже медианы на 3,4 %», «как медиана». */
function comparison(value: number | null, median: number | null, t: Translate, lang: 'ru' | 'en') {
  if (value === null || median === null) return null;
  if (median === 0) return value === 0 ? { text: t('region.summary.atMedian'), sign: 0 } : null;
  const diff = ((value - median) / Math.abs(median)) * 100;
  if (Math.abs(diff) < 0.05) return { text: t('region.summary.atMedian'), sign: 0 };
  const percent = formatPercent(Math.abs(diff) / 100, lang, Math.abs(diff) < 10 ? 1 : 0);
  return diff > 0
    ? { text: t('region.summary.above', { percent }), sign: 1 }
    : { text: t('region.summary.below', { percent }), sign: -1 };
}

function ChannelRef({ channel }: { channel: { id: number; title: string | null; nickname: string | null } }) {
  return <Link to={`/channels/${channel.id}`}>{channel.title ?? channel.nickname ?? `#${channel.id}`}</Link>;
}

function Laggards({ summary }: { summary: Summary }) {
  const t = useT();
  const lang = useLang();
  const { inactive, incomplete, falling } = summary.laggards;
  const more = (shown: number, total: number) =>
    total > shown ? (
      <p className="hint">{t('region.summary.more', { shown, total: formatNumber(total, lang) })}</p>
    ) : null;
  return (
    <section className="section" aria-labelledby="laggards-title" data-testid="region-laggards">
      <h2 id="laggards-title" className="section-title">
        {t('region.summary.laggards')}
      </h2>
      <div className="three-columns">
        <section className="panel" aria-labelledby="inactive-title">
          <h3 id="inactive-title" className="subsection-title">
            {t('region.summary.inactive', {
              n: formatNumber(inactive.total, lang),
              threshold: summary.active.threshold,
            })}
          </h3>
          <ul className="plain-list">
            {inactive.items.map((c) => (
              <li key={c.id}>
                <ChannelRef channel={c} />{' '}
                <span className="cell-sub">
                  {t('region.summary.postsPerWeek', { n: formatNumber(c.posts_per_week, lang, 1) })}
                </span>
              </li>
            ))}
          </ul>
          {inactive.total === 0 && <p className="hint">{t('region.summary.noneLagging')}</p>}
          {more(inactive.items.length, inactive.total)}
        </section>
        <section className="panel" aria-labelledby="incomplete-title">
          <h3 id="incomplete-title" className="subsection-title">
            {t('region.summary.incomplete', { n: formatNumber(incomplete.total, lang) })}
          </h3>
          <ul className="plain-list">
            {incomplete.items.map((c) => (
              <li key={c.id}>
                <ChannelRef channel={c} />{' '}
                <span className="cell-sub">
                  {t('region.summary.missing', {
                    list: c.missing.map((m) => pageElementLabel(m, lang)).join(', '),
                  })}
                </span>
              </li>
            ))}
          </ul>
          {incomplete.total === 0 && <p className="hint">{t('region.summary.noneLagging')}</p>}
          {more(incomplete.items.length, incomplete.total)}
        </section>
        <section className="panel" aria-labelledby="falling-title">
          <h3 id="falling-title" className="subsection-title">
            {t('region.summary.falling', { n: formatNumber(falling.total, lang) })}
          </h3>
          <ul className="plain-list">
            {falling.items.map((c) => (
              <li key={c.id}>
                <ChannelRef channel={c} />{' '}
                <span className="delta delta--down">
                  {formatSigned(c.change, lang)}
                  {c.percent !== null && ` (${formatSignedPercent(c.percent, lang)})`}
                </span>
              </li>
            ))}
          </ul>
          {falling.total === 0 && <p className="hint">{t('region.summary.noneLagging')}</p>}
          {more(falling.items.length, falling.total)}
        </section>
      </div>
    </section>
  );
}

export function RegionSummaryView({ summary }: { summary: Summary }) {
  const t = useT();
  const lang = useLang();
  return (
    <>
      <p className="as-of" data-testid="region-summary-as-of">
        {t('region.summary.asOf', {
          date: formatDate(summary.asOf, lang),
          from: formatDate(summary.periodStart, lang),
        })}
        {summary.inputsObservedUntil &&
          ` · ${t('rating.observedUntil', { time: formatDateTime(summary.inputsObservedUntil, lang) })}`}
      </p>
      <section className="section" aria-labelledby="figures-title">
        <h2 id="figures-title" className="section-title">
          {t('region.summary.figures')}
        </h2>
        <div className="table-wrap">
          <table className="table" data-testid="region-figures">
            <thead>
              <tr>
                <th scope="col">{t('methodology.col.indicator')}</th>
                <th scope="col" className="num">
                  {t('region.summary.value')}
                </th>
                <th scope="col" className="num">
                  {t('region.summary.median')}
                </th>
                <th scope="col">{t('region.summary.compare')}</th>
                <th scope="col" className="num">
                  {t('region.summary.place')}
                </th>
              </tr>
            </thead>
            <tbody>
              {summary.figures.map((f) => {
                const c = comparison(f.value, f.country_median, t, lang);
                return (
                  <tr key={f.key} data-key={f.key}>
                    <td>{lang === 'en' ? f.title_en : f.title_ru}</td>
                    <td className="num">{formatIndicator(f.key, f.value, lang)}</td>
                    <td className="num">{formatIndicator(f.key, f.country_median, lang)}</td>
                    <td>
                      {c ? (
                        <span
                          className={
                            c.sign > 0 ? 'delta delta--up' : c.sign < 0 ? 'delta delta--down' : 'delta'
                          }
                        >
                          {c.sign > 0 ? '▲ ' : c.sign < 0 ? '▼ ' : ''}
                          {c.text}
                        </span>
                      ) : (
                        '—'
                      )}
                    </td>
                    <td className="num">
                      {f.place === null
                        ? '—'
                        : t('region.summary.placeOf', {
                            place: formatNumber(f.place, lang),
                            of: formatNumber(f.of, lang),
                          })}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      </section>

      <div className="section">
        <dl className="figures figures--compact">
          <div className="figure" data-testid="figure-active-share">
            <dt className="figure__label">
              {t('region.summary.activeShare', { threshold: summary.active.threshold })}
            </dt>
            <dd className="figure__value">{formatPercent(summary.active.share, lang, 1)}</dd>
            <dd className="figure__note">
              {t('region.summary.shareOf', {
                count: formatNumber(summary.active.count, lang),
                of: formatNumber(summary.active.of, lang),
              })}
              {' · '}
              {t('region.summary.last7', { share: formatPercent(summary.active.last7.share, lang, 1) })}
            </dd>
          </div>
          <div className="figure" data-testid="figure-complete-share">
            <dt className="figure__label">{t('region.summary.completeShare')}</dt>
            <dd className="figure__value">{formatPercent(summary.complete.share, lang, 1)}</dd>
            <dd className="figure__note">
              {t('region.summary.shareOf', {
                count: formatNumber(summary.complete.count, lang),
                of: formatNumber(summary.complete.of, lang),
              })}
            </dd>
          </div>
        </dl>
      </div>

      <div className="two-columns section">
        <section aria-labelledby="by-category-title">
          <h2 id="by-category-title" className="section-title">
            {t('region.summary.byCategory')}
          </h2>
          <div className="table-wrap">
            <table className="table" data-testid="region-categories">
              <thead>
                <tr>
                  <th scope="col">{t('channels.col.category')}</th>
                  <th scope="col" className="num">
                    {t('overview.col.channels')}
                  </th>
                  <th scope="col" className="num">
                    {t('region.summary.withData')}
                  </th>
                  <th scope="col" className="num">
                    {t('overview.col.subscribers')}
                  </th>
                </tr>
              </thead>
              <tbody>
                {summary.byCategory.map((c) => (
                  <tr key={c.category}>
                    <td>{lang === 'en' ? c.label_en : c.label_ru}</td>
                    <td className="num">{formatNumber(c.channels, lang)}</td>
                    <td className="num">{formatNumber(c.with_data, lang)}</td>
                    <td className="num">{formatNumber(c.subscribers, lang)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
        <section aria-labelledby="by-class-title">
          <h2 id="by-class-title" className="section-title">
            {t('region.summary.byPageClass')}
          </h2>
          <ul className="bars" data-testid="region-page-classes">
            {summary.byPageClass.map((c) => {
              const total = summary.byPageClass.reduce((sum, x) => sum + x.channels, 0);
              return (
                <li key={c.page_class} className="bars__row">
                  <span className="bars__label">
                    {c.page_class
                      ? lang === 'en'
                        ? c.label_en
                        : c.label_ru
                      : label('page_class', null, lang)}
                  </span>
                  <span className="bars__track" aria-hidden="true">
                    <span
                      className="bars__fill"
                      style={{ width: `${total ? (c.channels / total) * 100 : 0}%` }}
                    />
                  </span>
                  <span className="bars__value">{formatNumber(c.channels, lang)}</span>
                </li>
              );
            })}
          </ul>
        </section>
      </div>

      <Laggards summary={summary} />

      {summary.municipalities.length > 0 && (
        <section className="section" aria-labelledby="municipalities-title">
          <h2 id="municipalities-title" className="section-title">
            {t('region.summary.municipalities')}
          </h2>
          <p className="no-print">
            <Link
              to="/rating"
              params={{ methodology: 'places-average', scope: 'municipalities', region: summary.region.code }}
              data-testid="municipalities-rating-link"
            >
              {t('region.summary.municipalitiesRating')}
            </Link>
          </p>
          <div className="table-wrap">
            <table className="table" data-testid="region-municipalities">
              <thead>
                <tr>
                  <th scope="col">{t('field.municipality')}</th>
                  <th scope="col" className="num">
                    {t('overview.col.channels')}
                  </th>
                  <th scope="col" className="num">
                    {t('overview.col.subscribers')}
                  </th>
                  <th scope="col" className="num">
                    {t('region.summary.activeShort')}
                  </th>
                  <th scope="col" className="num">
                    {t('region.summary.completeShort')}
                  </th>
                  <th scope="col" className="num">
                    {t('overview.col.growth30')}
                  </th>
                </tr>
              </thead>
              <tbody>
                {summary.municipalities.map((m) => (
                  <tr key={m.key}>
                    <td>{m.name}</td>
                    <td className="num">{formatNumber(m.channels, lang)}</td>
                    <td className="num">{formatNumber(m.subscribers, lang)}</td>
                    <td className="num">{formatPercent(m.active_share, lang, 0)}</td>
                    <td className="num">{formatPercent(m.complete_share, lang, 0)}</td>
                    <td className="num">{formatSignedPercent(m.growth_pct, lang)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      )}
    </>
  );
}
