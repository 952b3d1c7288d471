import { type KeyboardEvent, type ReactNode, useEffect, useRef, useState } from 'react';
import { useT } from '../i18n.ts';

/**
 * The dashboard's table: sortable headers (buttons with `aria-sort`), zebra rows, and keyboard
 * navigation — Tab enters the table on one row (roving tabindex), ↑/↓/Home/End/PageUp/PageDown move,
 * Enter or Space opens the row.
 */

export type SortOrder = 'asc' | 'desc';

export interface Column<T> {
  key: string;
  header: string;
  render: (row: T) => ReactNode;
  sortable?: boolean;
  /** Order applied on the first click (numbers are usually wanted largest first). */
  firstOrder?: SortOrder;
  numeric?: boolean;
  className?: string;
}

export interface TableSort {
  key: string;
  order: SortOrder;
}

interface TableProps<T> {
  caption: string;
  columns: Column<T>[];
  rows: T[];
  rowKey: (row: T) => string | number;
  sort?: TableSort | null;
  onSort?: (sort: TableSort) => void;
  onActivate?: (row: T) => void;
  rowLabel?: (row: T) => string;
  busy?: boolean;
  testId?: string;
}

/** `-population` ⇄ {key: 'population', order: 'desc'}. */
export function parseSortParam(value: string): TableSort | null {
  if (!value) return null;
  return value.startsWith('-') ? { key: value.slice(1), order: 'desc' } : { key: value, order: 'asc' };
}

export function sortParamOf(sort: TableSort): string {
  return sort.order === 'desc' ? `-${sort.key}` : sort.key;
}

export function Table<T>({
  caption,
  columns,
  rows,
  rowKey,
  sort,
  onSort,
  onActivate,
  rowLabel,
  busy = false,
  testId,
}: TableProps<T>) {
  const t = useT();
  const [active, setActive] = useState(0);
  const rowRefs = useRef<(HTMLTableRowElement | null)[]>([]);
  const current = Math.min(active, Math.max(0, rows.length - 1));

  useEffect(() => {
    rowRefs.current.length = rows.length;
  }, [rows.length]);

  const focusRow = (index: number) => {
    const next = Math.max(0, Math.min(rows.length - 1, index));
    setActive(next);
    rowRefs.current[next]?.focus();
  };

  const onKeyDown = (event: KeyboardEvent<HTMLTableRowElement>, index: number, row: T) => {
    const moves: Record<string, number> = {
      ArrowDown: index + 1,
      ArrowUp: index - 1,
      PageDown: index + 10,
      PageUp: index - 10,
      Home: 0,
      End: rows.length - 1,
    };
    const target = moves[event.key];
    if (target !== undefined) {
      event.preventDefault();
      focusRow(target);
    } else if ((event.key === 'Enter' || event.key === ' ') && onActivate) {
      event.preventDefault();
      onActivate(row);
    }
  };

  const headerFor = (column: Column<T>) => {
    const sorted = sort?.key === column.key ? sort.order : undefined;
    const ariaSort = sorted === 'asc' ? 'ascending' : sorted === 'desc' ? 'descending' : undefined;
    const className = [column.numeric ? 'num' : '', column.className ?? ''].join(' ').trim() || undefined;
    if (!column.sortable || !onSort) {
      return (
        <th key={column.key} scope="col" className={className}>
          {column.header}
        </th>
      );
    }
    const nextOrder: SortOrder = sorted ? (sorted === 'asc' ? 'desc' : 'asc') : (column.firstOrder ?? 'asc');
    return (
      <th key={column.key} scope="col" className={className} aria-sort={ariaSort}>
        <button
          type="button"
          className="th-sort"
          onClick={() => onSort({ key: column.key, order: nextOrder })}
          title={t('table.sortBy', { column: column.header })}
        >
          <span>{column.header}</span>
          <span className="th-sort__mark" aria-hidden="true">
            {sorted === 'asc' ? '▲' : sorted === 'desc' ? '▼' : '↕'}
          </span>
        </button>
      </th>
    );
  };

  return (
    <div className="table-wrap">
      <table className={busy ? 'table table--busy' : 'table'} aria-busy={busy} data-testid={testId}>
        <caption className="visually-hidden">
          {caption}
          {onActivate ? `. ${t('table.keyboardHint')}` : ''}
        </caption>
        <thead>
          <tr>{columns.map(headerFor)}</tr>
        </thead>
        <tbody>
          {rows.map((row, index) => (
            <tr
              key={rowKey(row)}
              ref={(element) => {
                rowRefs.current[index] = element;
              }}
              data-row-key={rowKey(row)}
              tabIndex={index === current ? 0 : -1}
              aria-label={rowLabel?.(row)}
              className={onActivate ? 'row--link' : undefined}
              onFocus={() => setActive(index)}
              onKeyDown={(event) => onKeyDown(event, index, row)}
              onClick={(event) => {
                if (!onActivate) return;
                const target = event.target as HTMLElement;
                if (target.closest('a, button, input, select, textarea')) return;
                onActivate(row);
              }}
            >
              {columns.map((column) => (
                <td
                  key={column.key}
                  className={
                    [column.numeric ? 'num' : '', column.className ?? ''].join(' ').trim() || undefined
                  }
                >
                  {column.render(row)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
