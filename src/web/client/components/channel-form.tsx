import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, type ReactNode, useEffect, useId, useRef, useState } from 'react';
import { ApiError, api, type Channel, type ChannelPatch } from '../api.ts';
import { formatDateTime } from '../format.ts';
import { type MessageKey, useLang, useT } from '../i18n.ts';
import { type ListName, optionsOf } from '../lists.ts';
import type { Option } from './filters.tsx';
import { ErrorState, Loading } from './states.tsx';

/**
 * The channel edit form in a modal dialog. Sends only the changed fields (PATCH); validation and
 * conflict errors from the API (`{error: {details}}`) are shown next to the fields they name.
 */

interface FormState {
  title: string;
  nickname: string;
  chat_id: string;
  url: string;
  municipality: string;
  region_code: string;
  platform: Channel['platform'];
  category: Channel['category'];
  status: Channel['status'];
  level: string;
  page_class: string;
  official_confirmed: boolean;
}

type FieldName = keyof FormState;
const FIELDS: FieldName[] = [
  'title',
  'nickname',
  'chat_id',
  'url',
  'municipality',
  'region_code',
  'platform',
  'category',
  'status',
  'level',
  'page_class',
  'official_confirmed',
];

function formOf(c: Channel): FormState {
  return {
    title: c.title ?? '',
    nickname: c.nickname ?? '',
    chat_id: c.chat_id ?? '',
    url: c.url ?? '',
    municipality: c.municipality ?? '',
    region_code: c.region_code ?? '',
    platform: c.platform,
    category: c.category,
    status: c.status,
    level: c.level ?? '',
    page_class: c.page_class ?? '',
    official_confirmed: c.official_confirmed,
  };
}

/** Only what changed; an emptied text or "not set" choice becomes null (clears the field). */
export function patchOf(before: FormState, after: FormState): ChannelPatch {
  const patch: Record<string, string | boolean | null> = {};
  for (const field of FIELDS) {
    const value = after[field];
    if (value === before[field]) continue;
    patch[field] = typeof value === 'string' ? (value.trim() === '' ? null : value.trim()) : value;
  }
  return patch as ChannelPatch;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * Field messages from an error's details: `[{path: 'body/nickname', message}]` (validation) or
 * `[{field: 'nickname', existing_id}]` (conflict).
 */
export function fieldErrorsOf(
  error: unknown,
  conflictText: (id: number) => string,
): Partial<Record<FieldName, string>> {
  if (!(error instanceof ApiError)) return {};
  const result: Partial<Record<FieldName, string>> = {};
  const items = Array.isArray(error.details) ? error.details : [];
  for (const item of items) {
    if (!isRecord(item)) continue;
    const path = typeof item.path === 'string' ? item.path : typeof item.field === 'string' ? item.field : '';
    const field = path.split(/[/.]/).filter(Boolean).pop() as FieldName | undefined;
    if (!field || !FIELDS.includes(field)) continue;
    const message =
      typeof item.existing_id === 'number'
        ? conflictText(item.existing_id)
        : typeof item.message === 'string'
          ? item.message
          : error.message;
    result[field] = result[field] ? `${result[field]}; ${message}` : message;
  }
  return result;
}

function Field({
  label,
  error,
  children,
  hint,
}: {
  label: string;
  error?: string;
  hint?: string;
  children: (props: { id: string; 'aria-invalid': boolean; 'aria-describedby'?: string }) => ReactNode;
}) {
  const id = useId();
  const described = [error ? `${id}-error` : '', hint ? `${id}-hint` : ''].filter(Boolean).join(' ');
  return (
    <div className={error ? 'form-field form-field--error' : 'form-field'}>
      <label htmlFor={id}>{label}</label>
      {children({ id, 'aria-invalid': Boolean(error), 'aria-describedby': described || undefined })}
      {hint && (
        <span id={`${id}-hint`} className="form-field__hint">
          {hint}
        </span>
      )}
      {error && (
        <span id={`${id}-error`} className="form-field__error" data-field-error>
          {error}
        </span>
      )}
    </div>
  );
}

export function ChannelEditDialog({
  id,
  regionOptions,
  onClose,
}: {
  id: number;
  regionOptions: Option[];
  onClose: () => void;
}) {
  const t = useT();
  const dialog = useRef<HTMLDialogElement>(null);
  const channel = useQuery({ queryKey: ['channel', id], queryFn: () => api.channel(id) });

  useEffect(() => {
    const element = dialog.current;
    // What opened the form (the table row, usually) gets the focus back when it closes, so keyboard users
    // keep their place; a form opened by a link falls back to the channel's row when it is shown.
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    if (element && !element.open) element.showModal();
    return () => {
      element?.close();
      const target =
        opener?.isConnected && opener !== document.body
          ? opener
          : document.querySelector<HTMLElement>(`[data-row-key="${id}"]`);
      target?.focus();
    };
  }, [id]);

  return (
    <dialog
      ref={dialog}
      className="dialog"
      aria-labelledby="channel-dialog-title"
      onCancel={(event) => {
        event.preventDefault();
        onClose();
      }}
    >
      <div className="dialog__head">
        <h2 id="channel-dialog-title">{t('form.title', { id })}</h2>
        <button type="button" className="button button--quiet" onClick={onClose} aria-label={t('form.close')}>
          ✕
        </button>
      </div>
      {channel.isPending && <Loading />}
      {channel.isError && <ErrorState error={channel.error} onRetry={() => void channel.refetch()} />}
      {channel.data && <ChannelForm channel={channel.data} regionOptions={regionOptions} onDone={onClose} />}
    </dialog>
  );
}

function ChannelForm({
  channel,
  regionOptions,
  onDone,
}: {
  channel: Channel;
  regionOptions: Option[];
  onDone: () => void;
}) {
  const t = useT();
  const lang = useLang();
  const client = useQueryClient();
  const [initial] = useState(() => formOf(channel));
  const [form, setForm] = useState(initial);
  const mutation = useMutation({
    mutationFn: (patch: ChannelPatch) => api.updateChannel(channel.id, patch),
    onSuccess: async (updated) => {
      client.setQueryData(['channel', channel.id], updated);
      await client.invalidateQueries({ queryKey: ['channels'] });
      onDone();
    },
  });
  const errors = fieldErrorsOf(mutation.error, (existing) => t('form.conflict', { id: existing }));
  const unplaced = mutation.error && Object.keys(errors).length === 0;

  const set = <K extends FieldName>(field: K, value: FormState[K]) =>
    setForm((f) => ({ ...f, [field]: value }));

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const patch = patchOf(initial, form);
    if (Object.keys(patch).length === 0) return onDone();
    mutation.mutate(patch);
  };

  const text = (
    field: FieldName & ('title' | 'nickname' | 'chat_id' | 'url' | 'municipality'),
    key: MessageKey,
    hint?: MessageKey,
  ) => (
    <Field label={t(key)} error={errors[field]} hint={hint ? t(hint) : undefined}>
      {(props) => (
        <input
          {...props}
          name={field}
          className="input"
          type={field === 'url' ? 'url' : 'text'}
          value={form[field]}
          onChange={(e) => set(field, e.target.value)}
        />
      )}
    </Field>
  );

  const choice = (
    field: 'platform' | 'category' | 'status' | 'level' | 'page_class' | 'region_code',
    key: MessageKey,
    options: Option[],
    optional: boolean,
  ) => (
    <Field label={t(key)} error={errors[field]}>
      {(props) => (
        <select
          {...props}
          name={field}
          className="input"
          value={form[field]}
          onChange={(e) => setForm((f) => ({ ...f, [field]: e.target.value }))}
        >
          {optional && <option value="">{t('form.notSet')}</option>}
          {options.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
      )}
    </Field>
  );

  const list = (name: ListName) => optionsOf(name, lang);

  return (
    <form className="form" onSubmit={submit} noValidate>
      {(Object.keys(errors).length > 0 || unplaced) && (
        <div className="form__alert" role="alert">
          {unplaced ? (mutation.error as Error).message : t('form.fixErrors')}
        </div>
      )}
      <div className="form__grid">
        {text('title', 'field.title')}
        {text('nickname', 'field.nickname', 'field.nickname.hint')}
        {text('chat_id', 'field.chat_id')}
        {text('url', 'field.url')}
        {choice('platform', 'field.platform', list('platform'), false)}
        {choice('category', 'field.category', list('category'), false)}
        {choice('status', 'field.status', list('status'), false)}
        {choice('level', 'field.level', list('level'), true)}
        {choice('page_class', 'field.page_class', list('page_class'), true)}
        {choice('region_code', 'field.region', regionOptions, true)}
        {text('municipality', 'field.municipality')}
        <div className="form-field form-field--check">
          <label>
            <input
              type="checkbox"
              name="official_confirmed"
              checked={form.official_confirmed}
              onChange={(e) => set('official_confirmed', e.target.checked)}
            />{' '}
            {t('field.official_confirmed')}
          </label>
          {errors.official_confirmed && (
            <span className="form-field__error">{errors.official_confirmed}</span>
          )}
        </div>
      </div>
      {channel.organisation_name && (
        <p className="form__meta">
          {t('field.organisation')}: {channel.organisation_name}
        </p>
      )}
      <p className="form__meta">{t('form.updated', { date: formatDateTime(channel.updated_at, lang) })}</p>
      <div className="form__actions">
        <button type="submit" className="button button--primary" disabled={mutation.isPending}>
          {mutation.isPending ? t('form.saving') : t('form.save')}
        </button>
        <button type="button" className="button" onClick={onDone}>
          {t('form.cancel')}
        </button>
      </div>
    </form>
  );
}
