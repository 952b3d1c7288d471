import { type ReactNode, useEffect, useId, useRef, useState } from 'react';

/** Labelled filter controls; values live in the URL, these only render and report changes. */

export function SearchBox({
  label,
  placeholder,
  value,
  onChange,
}: {
  label: string;
  placeholder: string;
  value: string;
  onChange: (value: string) => void;
}) {
  const id = useId();
  const [text, setText] = useState(value);
  const timer = useRef<number | undefined>(undefined);
  const latest = useRef(onChange);
  latest.current = onChange;

  // The URL changed from elsewhere (Back, reset): show it.
  useEffect(() => {
    setText(value);
  }, [value]);

  useEffect(() => () => window.clearTimeout(timer.current), []);

  return (
    <div className="field field--search">
      <label htmlFor={id} className="field__label">
        {label}
      </label>
      <input
        id={id}
        type="search"
        className="input"
        value={text}
        placeholder={placeholder}
        autoComplete="off"
        onChange={(event) => {
          const next = event.target.value;
          setText(next);
          window.clearTimeout(timer.current);
          timer.current = window.setTimeout(() => latest.current(next.trim()), 300);
        }}
        onKeyDown={(event) => {
          if (event.key === 'Enter') {
            window.clearTimeout(timer.current);
            latest.current(text.trim());
          }
        }}
      />
    </div>
  );
}

export interface Option {
  value: string;
  label: string;
}

export function SelectFilter({
  label,
  allLabel,
  value,
  options,
  onChange,
  name,
}: {
  label: string;
  allLabel: string;
  value: string;
  options: Option[];
  onChange: (value: string) => void;
  name: string;
}) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id} className="field__label">
        {label}
      </label>
      <select
        id={id}
        name={name}
        className="input"
        value={value}
        onChange={(event) => onChange(event.target.value)}
      >
        <option value="">{allLabel}</option>
        {options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
    </div>
  );
}

export function FilterBar({
  children,
  onReset,
  resetLabel,
}: {
  children: ReactNode;
  onReset?: () => void;
  resetLabel: string;
}) {
  return (
    <search className="filter-bar">
      {children}
      {onReset && (
        <button type="button" className="button button--quiet filter-bar__reset" onClick={onReset}>
          {resetLabel}
        </button>
      )}
    </search>
  );
}
