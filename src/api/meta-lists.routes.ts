import { z } from 'zod';
import {
  CATEGORIES,
  CHANNEL_STATUSES,
  type Labelled,
  LEVELS,
  PAGE_CLASSES,
  PLATFORMS,
} from '../register/categories.ts';
import type { RoutePlugin } from './server.ts';

const labelledSchema = z.object({
  code: z.string().describe('Stable code used in the API and in files'),
  ru: z.string(),
  en: z.string(),
  aliases: z.array(z.string()).describe('Other spellings accepted on import (any case)'),
});

export const closedListsSchema = z.object({
  categories: z.array(labelledSchema),
  levels: z.array(labelledSchema),
  page_classes: z.array(labelledSchema),
  statuses: z.array(labelledSchema),
  platforms: z.array(labelledSchema),
});

function labelled(list: readonly Labelled[]) {
  return list.map((item) => ({
    code: item.code,
    ru: item.ru,
    en: item.en,
    aliases: [...(item.aliases ?? [])],
  }));
}

/** `GET /api/meta/lists`: the register's closed lists with Russian and English labels (dashboard, import template). */
export const metaListsRoutes: RoutePlugin = async (app) => {
  const lists = {
    categories: labelled(CATEGORIES),
    levels: labelled(LEVELS),
    page_classes: labelled(PAGE_CLASSES),
    statuses: labelled(CHANNEL_STATUSES),
    platforms: labelled(PLATFORMS),
  };
  app.get(
    '/api/meta/lists',
    {
      schema: {
        tags: ['register'],
        summary: 'Closed lists: categories, levels, page classes, statuses, platforms (ru/en labels)',
        response: { 200: closedListsSchema },
      },
    },
    async () => lists,
  );
};
