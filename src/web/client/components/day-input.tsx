import { type KeyboardEvent, useEffect, useState } from 'react';
import { formatDayInput, type Lang, parseDayInput } from '../format.ts';
import { useT } from '../i18n.ts';

/**
 * A date field that shows and takes days in the interface's format — `01.12.2025` in Russian, ISO in English —
 * whatever the browser's locale (`<input type="date">` follows the browser, mm/dd/yyyy in an English one).
 * The day is taken on Enter or when the field loses focus; a text that is not a calendar day is kept, marked
 * invalid and explained, and changes nothing.
 */
export function DayInput(props: {
  id: string;
  name: string;
  lang: Lang;
  /** YYYY-MM-DD, or '' when none. */
  value: string;
  onChange: (day: string | null) => void;
}) {
  const t = useT();
  const [text, setText] = useState(formatDayInput(props.value, props.lang));
  const [invalid, setInvalid] = useState(false);
  useEffect(() => {
    setText(formatDayInput(props.value, props.lang));
    setInvalid(false);
  }, [props.value, props.lang]);
  const commit = () => {
    const day = parseDayInput(text);
    if (day === undefined) {
      setInvalid(true);
      return;
    }
    setInvalid(false);
    if (day !== (props.value || null)) props.onChange(day);
    else setText(formatDayInput(props.value, props.lang));
  };
  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'Enter') {
      event.preventDefault();
      commit();
    }
  };
  return (
    <>
      <input
        id={props.id}
        name={props.name}
        type="text"
        inputMode="numeric"
        autoComplete="off"
        className="input input--day"
        placeholder={props.lang === 'ru' ? 'ДД.ММ.ГГГГ' : 'YYYY-MM-DD'}
        value={text}
        aria-invalid={invalid}
        aria-describedby={invalid ? `${props.id}-error` : undefined}
        onChange={(event) => setText(event.target.value)}
        onBlur={commit}
        onKeyDown={onKeyDown}
      />
      {invalid && (
        <span id={`${props.id}-error`} className="form-field__error" role="alert">
          {t('dayInput.invalid')}
        </span>
      )}
    </>
  );
}
