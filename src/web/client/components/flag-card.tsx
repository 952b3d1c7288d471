import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useId, useState } from 'react';
import { ApiError, api, type ChannelFlag } from '../api.ts';
import { formatDate, formatDateTime, formatNumber } from '../format.ts';
import { type MessageKey, useLang, useT } from '../i18n.ts';
import { formatSignedPercent } from '../indicator-format.ts';

/**
 * One anomaly flag of a channel: the rule, the day, the reason in words, the value against the expected one,
 * its reviews; while open, a comment (required) and «Подтвердить» / «Отклонить» (POST /api/flags/:id/…).
 * A 401/403 answer asks the operator to sign in; any other error is shown in place.
 */

const RULES: Record<string, MessageKey> = {
  spike: 'flag.rule.spike',
  drop: 'flag.rule.drop',
  sudden_loss: 'flag.rule.sudden_loss',
  growth_without_views: 'flag.rule.growth_without_views',
};

const STATUSES: Record<string, MessageKey> = {
  open: 'flag.status.open',
  confirmed: 'flag.status.confirmed',
  dismissed: 'flag.status.dismissed',
};

/** Subscriber gains are counts; «growth without views» compares percentages. */
function formatFlagValue(rule: string, value: number, lang: 'ru' | 'en'): string {
  return rule === 'growth_without_views' ? formatSignedPercent(value, lang) : formatNumber(value, lang);
}

export function FlagCard({ flag, channelId }: { flag: ChannelFlag; channelId: number }) {
  const t = useT();
  const lang = useLang();
  const id = useId();
  const client = useQueryClient();
  const [comment, setComment] = useState('');
  const [mode, setMode] = useState<'carry' | 'level'>('carry');
  const [missingComment, setMissingComment] = useState(false);
  const review = useMutation({
    mutationFn: (action: 'confirm' | 'dismiss') =>
      api.reviewFlag(flag.id, action, action === 'confirm' ? { comment, mode } : { comment }),
    onSuccess: async () => {
      setComment('');
      await Promise.all([
        client.invalidateQueries({ queryKey: ['channel', channelId] }),
        client.invalidateQueries({ queryKey: ['rating'] }),
        client.invalidateQueries({ queryKey: ['overview'] }),
        client.invalidateQueries({ queryKey: ['region'] }),
      ]);
    },
  });
  const submit = (action: 'confirm' | 'dismiss') => (event?: FormEvent) => {
    event?.preventDefault();
    if (comment.trim() === '') {
      setMissingComment(true);
      return;
    }
    setMissingComment(false);
    review.mutate(action);
  };
  const error = review.error;
  const needsSignIn = error instanceof ApiError && (error.status === 401 || error.status === 403);
  const reason = lang === 'en' ? flag.reason_en : flag.reason_ru;

  return (
    <article
      className={`flag-card flag-card--${flag.status}`}
      data-testid="flag-card"
      data-status={flag.status}
    >
      <div className="flag-card__head">
        <span>
          {RULES[flag.rule] ? t(RULES[flag.rule]!) : flag.rule} · {formatDate(flag.day, lang)}
        </span>
        <span className={`badge badge--flag-${flag.status}`}>
          {STATUSES[flag.status] ? t(STATUSES[flag.status]!) : flag.status}
        </span>
      </div>
      <p className="flag-card__reason">{reason}</p>
      <p className="hint">
        {t('flag.values', {
          value: formatFlagValue(flag.rule, flag.value, lang),
          expected: flag.expected === null ? '—' : formatFlagValue(flag.rule, flag.expected, lang),
        })}
        {' · '}
        {t('flag.detected', { time: formatDateTime(flag.detected_at, lang) })}
      </p>
      {flag.reviews.length > 0 && (
        <ul className="flag-card__reviews">
          {flag.reviews.map((r) => (
            <li key={r.id}>
              {t('flag.review', {
                status: STATUSES[r.status] ? t(STATUSES[r.status]!) : r.status,
                who: r.reviewed_by ?? t('flag.anonymous'),
                time: formatDateTime(r.reviewed_at, lang),
              })}
              : «{r.comment}»
            </li>
          ))}
        </ul>
      )}
      {flag.status === 'open' && (
        <form className="flag-card__form" onSubmit={submit('confirm')} noValidate>
          <label htmlFor={`${id}-comment`} className="field__label">
            {t('flag.comment')}
          </label>
          <textarea
            id={`${id}-comment`}
            className="input"
            rows={2}
            value={comment}
            aria-invalid={missingComment}
            aria-describedby={missingComment ? `${id}-missing` : undefined}
            onChange={(event) => setComment(event.target.value)}
          />
          {missingComment && (
            <span id={`${id}-missing`} className="form-field__error">
              {t('flag.commentRequired')}
            </span>
          )}
          <fieldset className="flag-card__mode">
            <legend className="field__label">{t('flag.mode')}</legend>
            <label>
              <input
                type="radio"
                name={`${id}-mode`}
                checked={mode === 'carry'}
                onChange={() => setMode('carry')}
              />{' '}
              {t('flag.mode.carry')}
            </label>
            <label>
              <input
                type="radio"
                name={`${id}-mode`}
                checked={mode === 'level'}
                onChange={() => setMode('level')}
              />{' '}
              {t('flag.mode.level')}
            </label>
          </fieldset>
          <div className="flag-card__actions">
            <button type="submit" className="button button--primary" disabled={review.isPending}>
              {t('flag.confirm')}
            </button>
            <button
              type="button"
              className="button"
              disabled={review.isPending}
              onClick={() => submit('dismiss')()}
            >
              {t('flag.dismiss')}
            </button>
          </div>
          {error && (
            <p className="notice notice--error" role="alert" data-testid="flag-error">
              {needsSignIn ? t('flag.signIn') : error.message}
            </p>
          )}
        </form>
      )}
    </article>
  );
}
