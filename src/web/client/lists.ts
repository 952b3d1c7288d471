import {
  CATEGORIES,
  CHANNEL_STATUSES,
  type Labelled,
  LEVELS,
  labelOf,
  PAGE_CLASSES,
  PLATFORMS,
} from '../../register/categories.ts';
import type { Lang } from './format.ts';

/**
 * The register's closed lists with their ru/en labels, from the same module the server validates
 * against (`src/register/categories.ts`, pure data) — one definition, no request needed to label a cell.
 */

export const LISTS = {
  category: CATEGORIES,
  status: CHANNEL_STATUSES,
  platform: PLATFORMS,
  level: LEVELS,
  page_class: PAGE_CLASSES,
} as const satisfies Record<string, readonly Labelled[]>;

export type ListName = keyof typeof LISTS;

export function optionsOf(list: ListName, lang: Lang): { value: string; label: string }[] {
  return LISTS[list].map((item) => ({ value: item.code, label: item[lang] }));
}

export function label(list: ListName, code: string | null, lang: Lang): string {
  return labelOf(LISTS[list], code, lang);
}
