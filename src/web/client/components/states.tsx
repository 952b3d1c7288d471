import type { ReactNode } from 'react';
import { ApiError } from '../api.ts';
import { useT } from '../i18n.ts';

/** Designed placeholders for the three moments a block has no figures to show. */

export function Loading({ label, compact = false }: { label?: string; compact?: boolean }) {
  const t = useT();
  return (
    <div className={compact ? 'state state--loading state--compact' : 'state state--loading'} role="status">
      <span className="spinner" aria-hidden="true" />
      <span>{label ?? t('state.loading')}</span>
    </div>
  );
}

/** 401 (not signed in) or 403 (signed in without the right): a matter of access, not a failure. */
export function isAuthError(error: unknown): error is ApiError {
  return error instanceof ApiError && (error.status === 401 || error.status === 403);
}

export function ErrorState({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const t = useT();
  if (isAuthError(error)) {
    const forbidden = error.status === 403;
    return (
      <div className="state state--auth" role="note" data-testid="auth-required">
        <svg className="state__icon" viewBox="0 0 24 24" aria-hidden="true">
          <rect x="5" y="11" width="14" height="9" rx="1.5" />
          <path d="M8 11V8a4 4 0 0 1 8 0v3" />
        </svg>
        <div>
          <p className="state__title">{t(forbidden ? 'state.forbidden.title' : 'state.auth.title')}</p>
          <p className="state__text">{t(forbidden ? 'state.forbidden.text' : 'state.auth.text')}</p>
        </div>
      </div>
    );
  }
  const network = error instanceof ApiError && error.status === 0;
  const message = network
    ? t('state.error.network')
    : error instanceof Error
      ? error.message
      : t('state.error.unknown');
  return (
    <div className="state state--error" role="alert">
      <svg className="state__icon" viewBox="0 0 24 24" aria-hidden="true">
        <circle cx="12" cy="12" r="10" />
        <path d="M12 7v6M12 16.5v.5" />
      </svg>
      <div>
        <p className="state__title">{t('state.error.title')}</p>
        <p className="state__text">{message}</p>
        {onRetry && (
          <button type="button" className="button" onClick={onRetry}>
            {t('state.error.retry')}
          </button>
        )}
      </div>
    </div>
  );
}

export function EmptyState({
  title,
  children,
  action,
  icon = 'search',
}: {
  title: string;
  children?: ReactNode;
  action?: ReactNode;
  icon?: 'search' | 'chart' | 'table';
}) {
  return (
    <div className="state state--empty">
      <svg className="state__icon" viewBox="0 0 24 24" aria-hidden="true">
        {icon === 'search' && (
          <>
            <circle cx="10.5" cy="10.5" r="6.5" />
            <path d="M15.5 15.5 21 21" />
          </>
        )}
        {icon === 'chart' && <path d="M3 20h18M6 16v-4M11 16V8M16 16v-6M21 16V5" />}
        {icon === 'table' && <path d="M3 5h18v14H3zM3 10h18M3 15h18M9 5v14" />}
      </svg>
      <div>
        <p className="state__title">{title}</p>
        {children && <div className="state__text">{children}</div>}
        {action}
      </div>
    </div>
  );
}
