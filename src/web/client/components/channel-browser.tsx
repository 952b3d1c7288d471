import { type ReactNode, useMemo } from 'react';
import type { Channel, ChannelListParams } from '../api.ts';
import { formatDate, formatNumber } from '../format.ts';
import { useLang, useT } from '../i18n.ts';
import { label, optionsOf } from '../lists.ts';
import { useChannels, useRegions } from '../queries.ts';
import { intParam, useQueryState } from '../router.ts';
import { ChannelEditDialog } from './channel-form.tsx';
import { FilterBar, SearchBox, SelectFilter } from './filters.tsx';
import { Link } from './link.tsx';
import { Pager } from './pager.tsx';
import { EmptyState, ErrorState, Loading } from './states.tsx';
import { type Column, parseSortParam, sortParamOf, Table } from './table.tsx';

/**
 * Channels with search, filters, sorting and paging, all in the URL (`q, region, category, status,
 * platform, sort, page`); `edit=ID` opens the edit form. Used by the register and by a region's page
 * (which fixes the region).
 */

const PER_PAGE = 25;
const SORTABLE = new Set(['title', 'nickname', 'region_code', 'category', 'status', 'updated_at']);

export function ChannelBrowser({ fixedRegion, caption }: { fixedRegion?: string; caption: string }) {
  const t = useT();
  const lang = useLang();
  const query = useQueryState();
  const regions = useRegions();

  const filters = {
    q: query.get('q'),
    region: fixedRegion ?? query.get('region'),
    category: query.get('category'),
    status: query.get('status'),
    platform: query.get('platform'),
  };
  const sort = parseSortParam(query.get('sort'));
  const validSort = sort && SORTABLE.has(sort.key) ? sort : null;
  const page = intParam(query.get('page'), 1);
  const params: ChannelListParams = {
    q: filters.q || undefined,
    region: filters.region ? [filters.region] : undefined,
    category: filters.category ? [filters.category] : undefined,
    status: filters.status ? [filters.status] : undefined,
    platform: filters.platform ? [filters.platform] : undefined,
    sort: validSort ? sortParamOf(validSort) : undefined,
    page,
    per_page: PER_PAGE,
  };
  const channels = useChannels(params);
  const editId = intParam(query.get('edit'), 0);
  const hasFilters = Boolean(
    filters.q || filters.category || filters.status || filters.platform || (!fixedRegion && filters.region),
  );

  const regionNames = useMemo(
    () => new Map((regions.data?.items ?? []).map((r) => [r.code, lang === 'en' ? r.name_en : r.name_ru])),
    [regions.data, lang],
  );
  const regionOptions = useMemo(
    () =>
      [...regionNames.entries()]
        .map(([value, name]) => ({ value, label: name }))
        .sort((a, b) => a.label.localeCompare(b.label, lang)),
    [regionNames, lang],
  );

  const columns: Column<Channel>[] = [
    {
      key: 'title',
      header: t('channels.col.title'),
      sortable: true,
      className: 'col-title',
      render: (c) => (
        <>
          <Link to={`/channels/${c.id}`} className="cell-main" tabIndex={-1}>
            {c.title ?? c.nickname ?? `#${c.id}`}
          </Link>
          {c.organisation_name && <span className="cell-sub">{c.organisation_name}</span>}
        </>
      ),
    },
    {
      key: 'nickname',
      header: t('channels.col.nickname'),
      sortable: true,
      render: (c) =>
        c.url ? (
          <a href={c.url} target="_blank" rel="noopener noreferrer" tabIndex={-1}>
            {c.nickname ?? c.url}
          </a>
        ) : (
          (c.nickname ?? c.chat_id ?? '—')
        ),
    },
    ...(fixedRegion
      ? []
      : [
          {
            key: 'region_code',
            header: t('channels.col.region'),
            sortable: true,
            render: (c: Channel) =>
              c.region_code ? (
                <Link to={`/regions/${c.region_code}`} tabIndex={-1}>
                  {regionNames.get(c.region_code) ?? c.region_name_ru ?? c.region_code}
                </Link>
              ) : (
                '—'
              ),
          },
        ]),
    {
      key: 'category',
      header: t('channels.col.category'),
      sortable: true,
      render: (c) => label('category', c.category, lang),
    },
    {
      key: 'status',
      header: t('channels.col.status'),
      sortable: true,
      render: (c) => <span className={`badge badge--${c.status}`}>{label('status', c.status, lang)}</span>,
    },
    {
      key: 'updated_at',
      header: t('channels.col.updated'),
      sortable: true,
      firstOrder: 'desc',
      className: 'nowrap',
      render: (c) => formatDate(c.updated_at, lang),
    },
  ];

  const reset = () =>
    query.set({
      q: null,
      category: null,
      status: null,
      platform: null,
      ...(fixedRegion ? {} : { region: null }),
    });

  let content: ReactNode;
  if (channels.isPending) {
    content = <Loading />;
  } else if (channels.isError && !channels.data) {
    content = <ErrorState error={channels.error} onRetry={() => void channels.refetch()} />;
  } else if (channels.data.total === 0) {
    content = hasFilters ? (
      <EmptyState
        title={t('channels.empty.title')}
        action={
          <button type="button" className="button" onClick={reset}>
            {t('filters.reset')}
          </button>
        }
      >
        {t('channels.empty.text')}
      </EmptyState>
    ) : (
      <EmptyState
        icon="table"
        title={t(fixedRegion ? 'channels.emptyRegion.title' : 'channels.emptyRegister.title')}
        action={
          <Link className="button button--primary" to="/register/import">
            {t('register.import')}
          </Link>
        }
      >
        {t('channels.emptyRegister.text')}
      </EmptyState>
    );
  } else if (channels.data.items.length === 0) {
    content = (
      <EmptyState
        title={t('channels.pageEmpty')}
        action={
          <button type="button" className="button" onClick={() => query.set({ page: null })}>
            {t('pager.first')}
          </button>
        }
      />
    );
  } else {
    content = (
      <Table
        caption={caption}
        columns={columns}
        rows={channels.data.items}
        rowKey={(c) => c.id}
        rowLabel={(c) => c.title ?? c.nickname ?? String(c.id)}
        sort={validSort}
        onSort={(next) => query.set({ sort: sortParamOf(next) })}
        onActivate={(c) => query.set({ edit: c.id })}
        busy={channels.isFetching}
        testId="channels-table"
      />
    );
  }

  return (
    <section className="channel-browser" aria-label={caption}>
      <FilterBar onReset={hasFilters ? reset : undefined} resetLabel={t('filters.reset')}>
        <SearchBox
          label={t('filters.search')}
          placeholder={t('filters.search.placeholder')}
          value={filters.q}
          onChange={(q) => query.set({ q }, { replace: true })}
        />
        {!fixedRegion && (
          <SelectFilter
            name="region"
            label={t('filters.region')}
            allLabel={t('filters.region.all')}
            value={filters.region}
            options={regionOptions}
            onChange={(region) => query.set({ region })}
          />
        )}
        <SelectFilter
          name="category"
          label={t('filters.category')}
          allLabel={t('filters.category.all')}
          value={filters.category}
          options={optionsOf('category', lang)}
          onChange={(category) => query.set({ category })}
        />
        <SelectFilter
          name="status"
          label={t('filters.status')}
          allLabel={t('filters.status.all')}
          value={filters.status}
          options={optionsOf('status', lang)}
          onChange={(status) => query.set({ status })}
        />
        <SelectFilter
          name="platform"
          label={t('filters.platform')}
          allLabel={t('filters.platform.all')}
          value={filters.platform}
          options={optionsOf('platform', lang)}
          onChange={(platform) => query.set({ platform })}
        />
      </FilterBar>
      <p className="result-count" aria-live="polite">
        {channels.data ? t('channels.found', { n: formatNumber(channels.data.total, lang) }) : '\u00a0'}
      </p>
      {content}
      {channels.data && channels.data.total > 0 && (
        <Pager
          page={page}
          perPage={PER_PAGE}
          total={channels.data.total}
          onPage={(next) => query.set({ page: next > 1 ? next : null })}
        />
      )}
      {editId > 0 && (
        <ChannelEditDialog
          id={editId}
          regionOptions={regionOptions}
          onClose={() => query.set({ edit: null }, { replace: true })}
        />
      )}
    </section>
  );
}
