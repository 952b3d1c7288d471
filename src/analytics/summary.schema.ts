import { z } from 'zod';

/**
 * Zod schemas of the overview, summaries, series, forecasts and anomaly flags endpoints: validation, the
 * OpenAPI document and the dashboard's types in one place. Every answer carries its as-of day (`asOf`) and
 * the latest observation time behind it (`inputsObservedUntil`, ISO) where one exists.
 */

const day = z.string().describe('YYYY-MM-DD (Moscow day)');
const instant = z.string().describe('ISO-8601 UTC');

export const changeSchema = z.object({
  from: day,
  to: day,
  start: z.number().nullable(),
  end: z.number().nullable(),
  absolute: z.number().nullable(),
  percent: z.number().nullable(),
});

export const forecastSchema = z.object({
  model: z.enum(['holt_damped', 'logistic', 'drift']),
  params: z.record(z.string(), z.number()),
  backtest: z.object({
    metric: z.literal('MAPE'),
    value: z.number().nullable().describe('Mean absolute percentage error of the backtest, %'),
    horizon: z.number(),
    origins: z.number(),
  }),
  candidates: z.array(
    z.object({ model: z.enum(['holt_damped', 'logistic', 'drift']), mape: z.number().nullable() }),
  ),
  interval: z.enum(['backtest_quantiles', 'normal_residuals']),
  lastDay: day,
  notes_ru: z.array(z.string()),
  notes_en: z.array(z.string()),
  points: z.array(
    z.object({
      day,
      value: z.number(),
      lower80: z.number(),
      upper80: z.number(),
      lower95: z.number(),
      upper95: z.number(),
    }),
  ),
});

export const forecastResultSchema = z.object({
  target: z.enum(['channels', 'subscribers']),
  region: z.string().nullable(),
  channel: z.number().nullable(),
  asOf: day,
  history: z.array(z.object({ day, value: z.number() })),
  forecast: forecastSchema.nullable(),
});

const moverSchema = z.object({
  channel_id: z.number(),
  title: z.string().nullable(),
  nickname: z.string().nullable(),
  region_code: z.string().nullable(),
  category: z.string(),
  start: z.number(),
  end: z.number(),
  change: z.number(),
  percent: z.number().nullable(),
});

export const overviewSchema = z.object({
  asOf: day.describe('The latest complete day with data'),
  inputsObservedUntil: instant.nullable(),
  totals: z.object({
    channels_registered: z.number().describe('Channels in the register (not removed)'),
    channels: z.number().describe('Channels with a value at asOf'),
    subscribers: z.number().describe('Σ subscribers at asOf (subscriptions, not people)'),
  }),
  growth: z.array(
    z.object({ days: z.number(), from: day, to: day, channels: changeSchema, subscribers: changeSchema }),
  ),
  series: z.array(z.object({ day, channels: z.number(), subscribers: z.number() })),
  forecast: z.object({
    days: z.number(),
    channels: forecastSchema.nullable(),
    subscribers: forecastSchema.nullable(),
  }),
  byCategory: z.array(
    z.object({
      category: z.string(),
      label_ru: z.string(),
      label_en: z.string(),
      channels: z.number(),
      subscribers: z.number(),
      growth_30d: changeSchema,
    }),
  ),
  topMovers: z.object({ from: day, to: day, up: z.array(moverSchema), down: z.array(moverSchema) }),
});

const shareSchema = z.object({ count: z.number(), of: z.number(), share: z.number().nullable() });
const channelRefSchema = z.object({
  id: z.number(),
  title: z.string().nullable(),
  nickname: z.string().nullable(),
  category: z.string(),
  municipality: z.string().nullable(),
});

export const regionSummarySchema = z.object({
  region: z.object({
    code: z.string(),
    name_ru: z.string(),
    name_en: z.string(),
    population: z.number().nullable(),
    population_as_of: z.string().nullable(),
  }),
  asOf: day,
  periodStart: day.describe('Start of the growth period (30 days)'),
  inputsObservedUntil: instant.nullable(),
  figures: z.array(
    z.object({
      key: z.string(),
      title_ru: z.string(),
      title_en: z.string(),
      value: z.number().nullable(),
      country_median: z.number().nullable(),
      place: z.number().nullable().describe('Place among the regions (1 = highest)'),
      of: z.number().describe('Regions with a value'),
    }),
  ),
  byCategory: z.array(
    z.object({
      category: z.string(),
      label_ru: z.string(),
      label_en: z.string(),
      channels: z.number(),
      with_data: z.number(),
      subscribers: z.number(),
    }),
  ),
  byPageClass: z.array(
    z.object({ page_class: z.string(), label_ru: z.string(), label_en: z.string(), channels: z.number() }),
  ),
  active: shareSchema.extend({ threshold: z.number(), last7: shareSchema }),
  complete: shareSchema,
  laggards: z.object({
    inactive: z.object({
      total: z.number(),
      items: z.array(channelRefSchema.extend({ posts_per_week: z.number() })),
    }),
    incomplete: z.object({
      total: z.number(),
      items: z.array(channelRefSchema.extend({ missing: z.array(z.string()) })),
    }),
    falling: z.object({
      total: z.number(),
      items: z.array(
        channelRefSchema.extend({
          start: z.number(),
          end: z.number(),
          change: z.number(),
          percent: z.number().nullable(),
        }),
      ),
    }),
  }),
  municipalities: z.array(
    z.object({
      key: z.string(),
      name: z.string(),
      channels: z.number(),
      subscribers: z.number().nullable(),
      active_share: z.number().nullable(),
      complete_share: z.number().nullable(),
      growth_pct: z.number().nullable(),
    }),
  ),
});

const viewsAtAgeSchema = z.object({
  age: z.enum(['24h', '7d']),
  average: z.number().nullable(),
  posts: z.number(),
});

export const flagReviewSchema = z.object({
  id: z.number(),
  flag_id: z.number(),
  status: z.string().describe('confirmed | dismissed | reopened'),
  exclusion_mode: z.string().nullable(),
  comment: z.string(),
  reviewed_by: z.string().nullable(),
  reviewed_at: instant,
});

const flagFields = {
  id: z.number(),
  rule: z.string().describe('spike | drop | sudden_loss | growth_without_views'),
  day,
  value: z.number(),
  expected: z.number().nullable(),
  score: z.number().nullable(),
  reason_ru: z.string(),
  reason_en: z.string(),
  status: z.string().describe('open | confirmed | dismissed'),
  exclusion_mode: z.string().describe('carry | level'),
  detected_at: instant,
  reviewed_at: instant.nullable(),
  reviewed_by: z.string().nullable(),
  review_comment: z.string().nullable(),
};

export const flagSchema = z.object({
  ...flagFields,
  channel_id: z.number(),
  channel_title: z.string().nullable(),
  channel_nickname: z.string().nullable(),
  region_code: z.string().nullable(),
  category: z.string(),
  reviews: z.array(flagReviewSchema),
});

export const channelSummarySchema = z.object({
  channel: z.object({
    id: z.number(),
    platform: z.string(),
    nickname: z.string().nullable(),
    url: z.string().nullable(),
    title: z.string().nullable(),
    category: z.string(),
    region_code: z.string().nullable(),
    municipality: z.string().nullable(),
    page_class: z.string().nullable(),
    status: z.string(),
  }),
  asOf: day,
  lastDataDay: day.nullable(),
  inputsObservedUntil: instant.nullable(),
  metrics: z.object({
    asOf: day,
    subscribers: z.number().nullable(),
    carried: z.boolean(),
    change: z.object({
      day: changeSchema,
      week: changeSchema,
      month: changeSchema,
      custom: changeSchema.nullable(),
    }),
    postsPerWeek: z.number().nullable(),
    views24h: viewsAtAgeSchema.nullable(),
    views7d: viewsAtAgeSchema.nullable(),
    reachRate24h: z.object({ fraction: z.number(), percent: z.number() }).nullable(),
    completeness: z
      .object({ score: z.number(), complete: z.boolean(), missing: z.array(z.string()) })
      .nullable(),
  }),
  page: z.object({
    checked_at: instant.nullable(),
    title: z.string().nullable(),
    description: z.string().nullable(),
    icon_url: z.string().nullable(),
    link: z.string().nullable(),
    is_public: z.boolean().nullable(),
    elements: z.array(z.object({ element: z.string(), present: z.boolean().nullable() })),
  }),
  collection: z.object({
    last_success_at: instant.nullable(),
    last_attempt_at: instant.nullable(),
    last_method: z.string().nullable(),
    last_error_kind: z.string().nullable(),
    consecutive_failures: z.number(),
    bot_admin: z.boolean().nullable(),
    posts_collected: z.boolean(),
  }),
  flags: z.array(z.object({ ...flagFields, reviews: z.array(flagReviewSchema) })),
});

export const seriesSchema = z.object({
  channel_id: z.number(),
  metric: z.enum(['subscribers', 'views_24h', 'views_7d', 'posts']),
  bucket: z.enum(['day', 'week', 'month']),
  from: day,
  to: day,
  asOf: day.nullable().describe("The channel's last day with data"),
  points: z.array(
    z.object({
      period: z.string().describe('day, ISO week YYYY-Www or month YYYY-MM'),
      from: day,
      to: day,
      value: z.number().nullable(),
      carried: z.boolean().nullable(),
      count: z.number(),
    }),
  ),
});
