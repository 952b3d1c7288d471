import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type ChangeEvent, useId, useState } from 'react';
import { api, type ImportIssue, type ImportReport, links } from '../api.ts';
import { Link } from '../components/link.tsx';
import { ErrorState } from '../components/states.tsx';
import { type Column, Table } from '../components/table.tsx';
import { formatNumber } from '../format.ts';
import { type MessageKey, useLang, useT } from '../i18n.ts';
import { useTitle } from './use-title.ts';

/**
 * The import wizard: choose a CSV/XLSX file → the server checks it without writing (`dryRun=true`) →
 * summary and row errors → «Импортировать» sends the same file with `dryRun=false`.
 */

const SHOWN_ERRORS = 500;
type Step = 'file' | 'check' | 'done';
const STEPS: { step: Step; key: MessageKey }[] = [
  { step: 'file', key: 'import.step.file' },
  { step: 'check', key: 'import.step.check' },
  { step: 'done', key: 'import.step.done' },
];

function Summary({ report, done }: { report: ImportReport; done: boolean }) {
  const t = useT();
  const lang = useLang();
  const items: { key: keyof ImportReport['summary']; label: MessageKey }[] = [
    { key: 'created', label: done ? 'import.created.done' : 'import.created' },
    { key: 'updated', label: done ? 'import.updated.done' : 'import.updated' },
    { key: 'unchanged', label: 'import.unchanged' },
    { key: 'rejected', label: 'import.rejected' },
  ];
  return (
    <dl className="figures figures--compact" data-testid={done ? 'import-result' : 'import-summary'}>
      {items.map((item) => (
        <div
          key={item.key}
          className={
            item.key === 'rejected' && report.summary.rejected > 0 ? 'figure figure--alert' : 'figure'
          }
          data-summary={item.key}
        >
          <dt className="figure__label">{t(item.label)}</dt>
          <dd className="figure__value">{formatNumber(report.summary[item.key], lang)}</dd>
        </div>
      ))}
    </dl>
  );
}

function IssuesTable({ issues, title }: { issues: ImportIssue[]; title: string }) {
  const t = useT();
  const lang = useLang();
  const columns: Column<ImportIssue>[] = [
    { key: 'file', header: t('import.col.file'), render: (e) => e.file },
    {
      key: 'row',
      header: t('import.col.row'),
      numeric: true,
      render: (e) => (e.row === null ? '—' : formatNumber(e.row, lang)),
    },
    { key: 'column', header: t('import.col.column'), render: (e) => e.column ?? '—' },
    { key: 'value', header: t('import.col.value'), className: 'mono', render: (e) => e.value ?? '—' },
    { key: 'message', header: t('import.col.message'), className: 'col-title', render: (e) => e.message },
  ];
  return (
    <section className="section" aria-label={title}>
      <h3 className="section-title">{title}</h3>
      <Table
        caption={title}
        columns={columns}
        rows={issues.slice(0, SHOWN_ERRORS)}
        rowKey={(e) => `${e.file}:${e.row}:${e.column ?? ''}:${e.code}:${e.value ?? ''}`}
        testId="import-errors"
      />
      {issues.length > SHOWN_ERRORS && (
        <p className="hint">
          {t('import.moreErrors', {
            shown: formatNumber(SHOWN_ERRORS, lang),
            total: formatNumber(issues.length, lang),
          })}
        </p>
      )}
    </section>
  );
}

export function ImportPage() {
  const t = useT();
  const lang = useLang();
  useTitle(t('import.title'));
  const inputId = useId();
  const client = useQueryClient();
  const [file, setFile] = useState<File | null>(null);
  const [check, setCheck] = useState<ImportReport | null>(null);
  const [result, setResult] = useState<ImportReport | null>(null);
  const [inputKey, setInputKey] = useState(0);

  const dryRun = useMutation({
    mutationFn: (f: File) => api.importChannels(f, { dryRun: true, lang }),
    onSuccess: setCheck,
  });
  const commit = useMutation({
    mutationFn: (f: File) => api.importChannels(f, { dryRun: false, lang }),
    onSuccess: async (report) => {
      setResult(report);
      if (!report.rejected) await client.invalidateQueries({ queryKey: ['channels'] });
    },
  });

  const step: Step = result && !result.rejected ? 'done' : check ? 'check' : 'file';

  const choose = (event: ChangeEvent<HTMLInputElement>) => {
    const chosen = event.target.files?.[0] ?? null;
    setFile(chosen);
    setCheck(null);
    setResult(null);
    dryRun.reset();
    commit.reset();
    if (chosen) dryRun.mutate(chosen);
  };

  const restart = () => {
    setInputKey((k) => k + 1);
    setFile(null);
    setCheck(null);
    setResult(null);
    dryRun.reset();
    commit.reset();
  };

  const shown = result ?? check;
  const warnings = shown?.warnings ?? [];

  return (
    <>
      <nav className="breadcrumbs" aria-label={t('breadcrumbs')}>
        <Link to="/register">{t('nav.register')}</Link> <span aria-hidden="true">/</span>{' '}
        <span>{t('import.title')}</span>
      </nav>
      <header className="page-head">
        <h1>{t('import.title')}</h1>
        <p className="lead">{t('import.lead')}</p>
      </header>

      <ol className="steps">
        {STEPS.map((s, index) => (
          <li
            key={s.step}
            className={s.step === step ? 'steps__item steps__item--current' : 'steps__item'}
            aria-current={s.step === step ? 'step' : undefined}
          >
            <span className="steps__number">{index + 1}</span> {t(s.key)}
          </li>
        ))}
      </ol>

      <section className="panel" aria-labelledby="import-file">
        <h2 id="import-file" className="section-title">
          {t('import.choose')}
        </h2>
        <div className="file-row">
          <label htmlFor={inputId} className="button button--primary file-button">
            {file ? t('import.another') : t('import.pick')}
          </label>
          <input
            key={inputKey}
            id={inputId}
            className="visually-hidden"
            type="file"
            accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            onChange={choose}
            data-testid="import-file"
          />
          <span className="file-row__name">{file ? file.name : t('import.noFile')}</span>
        </div>
        <p className="hint">
          {t('import.templateHint')}{' '}
          <a href={links.template(lang)} download>
            {t('register.template')}
          </a>
        </p>
      </section>

      {dryRun.isPending && (
        <p className="state state--loading state--compact" role="status">
          <span className="spinner" aria-hidden="true" /> {t('import.checking')}
        </p>
      )}
      {dryRun.isError && (
        <ErrorState error={dryRun.error} onRetry={file ? () => dryRun.mutate(file) : undefined} />
      )}

      {check && !result && (
        <section className="panel section" aria-labelledby="import-check" data-testid="import-check">
          <h2 id="import-check" className="section-title">
            {t('import.step.check')}
          </h2>
          <Summary report={check} done={false} />
          {check.rejected ? (
            <div className="notice notice--error" role="alert">
              {t('import.rejectedNote')}
            </div>
          ) : (
            <div className="notice" role="status">
              {t('import.dryRunNote')}
            </div>
          )}
          {check.rejected && <IssuesTable issues={check.errors} title={t('import.errors')} />}
          {warnings.length > 0 && <IssuesTable issues={warnings} title={t('import.warnings')} />}
          <div className="form__actions">
            <button
              type="button"
              className="button button--primary"
              disabled={check.rejected || commit.isPending || !file}
              onClick={() => file && commit.mutate(file)}
            >
              {commit.isPending ? t('import.committing') : t('import.commit')}
            </button>
            <button type="button" className="button" onClick={restart}>
              {t('import.cancel')}
            </button>
          </div>
          {commit.isError && <ErrorState error={commit.error} />}
        </section>
      )}

      {result && (
        <section className="panel section" aria-labelledby="import-done" data-testid="import-done">
          <h2 id="import-done" className="section-title">
            {result.rejected ? t('import.step.check') : t('import.step.done')}
          </h2>
          <Summary report={result} done={!result.rejected} />
          <div className={result.rejected ? 'notice notice--error' : 'notice notice--success'} role="status">
            {result.rejected ? t('import.rejectedNote') : t('import.doneNote')}
          </div>
          {result.rejected && <IssuesTable issues={result.errors} title={t('import.errors')} />}
          {warnings.length > 0 && <IssuesTable issues={warnings} title={t('import.warnings')} />}
          <div className="form__actions">
            <Link className="button button--primary" to="/register">
              {t('import.toRegister')}
            </Link>
            <button type="button" className="button" onClick={restart}>
              {t('import.again')}
            </button>
          </div>
        </section>
      )}
    </>
  );
}
