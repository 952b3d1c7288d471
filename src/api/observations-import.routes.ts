import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { regionLimitOf } from '../access/access.plugin.ts';
import { importObservationsFile } from '../analytics/observation-import.service.ts';
import { clearFiguresCache } from '../analytics/region-summary.service.ts';
import { ImportRejectedError, localiseIssues, summaryLine } from '../register/import/import.issues.ts';
import { UnsupportedMediaError } from '../shared/errors.ts';
import { errorSchema, flagParam } from './http.schema.ts';
import { importIssueSchema, UPLOAD_CONTENT_TYPES } from './import.routes.ts';
import type { RoutePlugin } from './server.ts';

/**
 * `POST /api/import/observations`: audience figures from a CSV/XLSX file sent as the raw body, with the same
 * rules and report as the register import (every row checked first; 422 `import_rejected` and nothing
 * written when any row is rejected; a dry run answers 200 with its findings). The answer lists the regions
 * of the file's channels, which is what access control checks.
 */

const responseSchema = z.object({
  file: z.string(),
  source: z.string().describe('Source stored with the observations: import:<file name>'),
  summary: z.object({
    created: z.number(),
    updated: z.number(),
    unchanged: z.number(),
    rejected: z.number(),
  }),
  message: z.string(),
  errors: z.array(importIssueSchema),
  warnings: z.array(importIssueSchema),
  dryRun: z.boolean(),
  written: z.boolean(),
  total: z.number(),
  regions: z.array(z.string()),
  from: z.string().nullable().describe('First day of the figures'),
  to: z.string().nullable().describe('Last day of the figures'),
});

export const observationsImportRoutes: RoutePlugin = async (app, ctx) => {
  await app.register(async (plain) => {
    const scope = plain.withTypeProvider<ZodTypeProvider>();
    scope.removeContentTypeParser('text/plain');
    scope.addContentTypeParser(UPLOAD_CONTENT_TYPES, { parseAs: 'buffer' }, (_request, body, done) => {
      done(null, body);
    });
    scope.post(
      '/api/import/observations',
      {
        schema: {
          tags: ['analytics'],
          summary:
            'Импорт наблюдений (Канал, Дата, [Время], Подписчики, [Просмотры]) из CSV/XLSX в теле запроса / import audience figures',
          consumes: UPLOAD_CONTENT_TYPES,
          querystring: z
            .object({
              dryRun: flagParam.describe('Только проверить / validate only, write nothing'),
              lang: z.enum(['ru', 'en']).default('ru'),
              sheet: z.string().min(1).max(100).optional(),
              filename: z.string().min(1).max(255).optional().describe('Имя файла / file name (the source)'),
            })
            .strict(),
          response: { 200: responseSchema, 400: errorSchema, 415: errorSchema, 422: errorSchema },
        },
      },
      async (request) => {
        const body = request.body;
        if (!Buffer.isBuffer(body)) {
          throw new UnsupportedMediaError(
            `Ожидается файл CSV или XLSX в теле запроса / expected a CSV or XLSX file as the request body`,
            { accepted: UPLOAD_CONTENT_TYPES },
          );
        }
        const { lang, dryRun, sheet, filename } = request.query;
        const xlsx = body.subarray(0, 2).toString('latin1') === 'PK';
        const file = (filename ?? (xlsx ? 'observations.xlsx' : 'observations.csv')).replace(/^.*[\\/]/, '');
        const result = await importObservationsFile(ctx.store.db, body, file, {
          dryRun,
          ...(sheet ? { sheet } : {}),
          // Operators: rows of channels outside their regions are rejected.
          ...regionLimitOf(request),
        });
        const answer = {
          ...result,
          message: summaryLine(result.summary, lang, result),
          errors: localiseIssues(result.errors, lang),
          warnings: localiseIssues(result.warnings, lang),
        };
        if (result.summary.rejected > 0 && !dryRun) {
          throw new ImportRejectedError(answer.message, {
            errors: answer.errors,
            warnings: answer.warnings,
            summary: answer.summary,
          });
        }
        if (result.written) clearFiguresCache();
        return answer;
      },
    );
  });
};
