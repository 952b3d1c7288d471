import type { FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { changeOf, regionLimitOf } from '../access/access.plugin.ts';
import {
  channelExportStream,
  EXPORT_CONTENT_TYPES,
  exportFileName,
} from '../register/import/channel-export.service.ts';
import { importChannelsFile } from '../register/import/channel-import.service.ts';
import { channelTemplate } from '../register/import/channel-template.service.ts';
import {
  type ImportIssue,
  ImportRejectedError,
  type ImportSummary,
  type Lang,
  localiseIssues,
  summaryLine,
} from '../register/import/import.issues.ts';
import { importPopulationFile } from '../register/import/population-import.service.ts';
import { buildRegionLookup } from '../register/import/region.lookup.ts';
import { listRegions } from '../register/region.repository.ts';
import { UnsupportedMediaError, ValidationError } from '../shared/errors.ts';
import { errorSchema, flagParam } from './http.schema.ts';
import type { RoutePlugin } from './server.ts';

/**
 * Register files over HTTP: upload a CSV/XLSX as the raw request body (`POST /api/import/channels`), download
 * the register (`GET /api/export/channels`) and the template (`GET /api/import/template`).
 */

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
/** Content types taken as a raw file (parsed to a Buffer in this plugin's scope only). */
export const UPLOAD_CONTENT_TYPES = [
  'text/csv',
  XLSX_TYPE,
  'application/octet-stream',
  'application/vnd.ms-excel',
  'text/plain',
];

const lang = z.enum(['ru', 'en']).default('ru').describe('Язык сообщений и заголовков / language');

const uploadQuery = z
  .object({
    dryRun: flagParam.describe('Только проверить / validate only, write nothing'),
    lang,
    sheet: z.string().min(1).max(100).optional().describe('XLSX: лист / sheet (default: the first)'),
    filename: z
      .string()
      .min(1)
      .max(255)
      .optional()
      .describe('Имя файла для отчёта / file name for the report'),
  })
  .strict();

/** One row-level finding of an import, as every import route reports it. */
export const importIssueSchema = z.object({
  file: z.string(),
  row: z.number().nullable(),
  column: z.string().nullable(),
  value: z.string().nullable(),
  code: z.string(),
  message_ru: z.string(),
  message_en: z.string(),
  message: z.string(),
});

const summarySchema = z.object({
  created: z.number(),
  updated: z.number(),
  unchanged: z.number(),
  rejected: z.number(),
});

const importResponse = z.object({
  file: z.string(),
  summary: summarySchema,
  message: z.string(),
  errors: z.array(importIssueSchema),
  warnings: z.array(importIssueSchema),
  dryRun: z.boolean(),
  written: z.boolean(),
  total: z.number(),
});

function contentDispositionName(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const star = /filename\*\s*=\s*(?:UTF-8|utf-8)''([^;]+)/.exec(header);
  if (star) {
    try {
      return decodeURIComponent(star[1]!.trim());
    } catch {
      return undefined;
    }
  }
  return /filename\s*=\s*"([^"]*)"/.exec(header)?.[1] ?? /filename\s*=\s*([^;\s]+)/.exec(header)?.[1];
}

function uploadOf(request: FastifyRequest, filename: string | undefined): { buffer: Buffer; file: string } {
  const body = request.body;
  if (!Buffer.isBuffer(body)) {
    const type = (request.headers['content-type'] ?? '').split(';')[0]!.trim() || 'none';
    throw new UnsupportedMediaError(
      `Ожидается файл CSV или XLSX в теле запроса (Content-Type ${UPLOAD_CONTENT_TYPES.join(', ')}), получено ${type} / expected a CSV or XLSX file as the request body`,
      { content_type: type, accepted: UPLOAD_CONTENT_TYPES },
    );
  }
  const given = filename ?? contentDispositionName(request.headers['content-disposition']);
  const xlsx = body.subarray(0, 2).toString('latin1') === 'PK';
  const file = (given ?? (xlsx ? 'upload.xlsx' : 'upload.csv')).replace(/^.*[\\/]/, '');
  return { buffer: body, file };
}

function respond(
  result: {
    file: string;
    summary: ImportSummary;
    errors: ImportIssue[];
    warnings: ImportIssue[];
    dryRun: boolean;
    written: boolean;
    total: number;
  },
  language: Lang,
) {
  const body = {
    ...result,
    message: summaryLine(result.summary, language, result),
    errors: localiseIssues(result.errors, language),
    warnings: localiseIssues(result.warnings, language),
  };
  // A real import with rejected rows wrote nothing: 422. A dry run reports its findings with 200.
  if (result.summary.rejected > 0 && !result.dryRun) {
    throw new ImportRejectedError(body.message, {
      errors: body.errors,
      warnings: body.warnings,
      summary: body.summary,
    });
  }
  return body;
}

function attachment(name: string): string {
  return `attachment; filename="${name}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

export const importRoutes: RoutePlugin = async (app, ctx) => {
  const { db } = ctx.store;

  await app.register(async (scope) => {
    const api = scope.withTypeProvider<ZodTypeProvider>();
    api.removeContentTypeParser('text/plain');
    api.addContentTypeParser(UPLOAD_CONTENT_TYPES, { parseAs: 'buffer' }, (_request, body, done) => {
      done(null, body);
    });

    const uploadSchema = (summary: string) => ({
      tags: ['register'],
      summary,
      consumes: UPLOAD_CONTENT_TYPES,
      querystring: uploadQuery,
      response: { 200: importResponse, 400: errorSchema, 415: errorSchema, 422: errorSchema },
    });

    api.post(
      '/api/import/channels',
      {
        schema: uploadSchema(
          'Импорт реестра каналов из CSV/XLSX (тело запроса — файл) / import channels from a CSV/XLSX body',
        ),
      },
      async (request) => {
        const { buffer, file } = uploadOf(request, request.query.filename);
        const result = await importChannelsFile(db, buffer, file, {
          dryRun: request.query.dryRun,
          ...(request.query.sheet ? { sheet: request.query.sheet } : {}),
          // Operators: a row of a channel outside their regions rejects the file (the row is named).
          ...regionLimitOf(request),
          change: changeOf(request),
        });
        return respond(result, request.query.lang);
      },
    );

    api.post(
      '/api/import/population',
      {
        schema: uploadSchema(
          'Импорт численности населения регионов (Регион, Дата, Численность, Источник) / import region population',
        ),
      },
      async (request) => {
        const { buffer, file } = uploadOf(request, request.query.filename);
        const result = await importPopulationFile(db, buffer, file, {
          dryRun: request.query.dryRun,
          ...(request.query.sheet ? { sheet: request.query.sheet } : {}),
        });
        return respond(result, request.query.lang);
      },
    );
  });

  app.get(
    '/api/import/template',
    {
      schema: {
        tags: ['register'],
        summary: 'Шаблон XLSX для импорта каналов / XLSX template for the channel import',
        querystring: z.object({ lang }).strict(),
      },
    },
    async (request, reply) => {
      const buffer = await channelTemplate(await listRegions(db), request.query.lang);
      const name =
        request.query.lang === 'ru' ? 'ohvat-shablon-kanalov.xlsx' : 'ohvat-channels-template.xlsx';
      return reply
        .header('content-type', XLSX_TYPE)
        .header('content-disposition', attachment(name))
        .send(buffer);
    },
  );

  app.get(
    '/api/export/channels',
    {
      schema: {
        tags: ['register'],
        summary: 'Выгрузка реестра каналов в XLSX или CSV / export the channel register',
        querystring: z
          .object({
            format: z.enum(['xlsx', 'csv']).default('xlsx'),
            region: z
              .string()
              .max(2000)
              .optional()
              .describe('Коды или названия регионов через запятую / regions'),
            lang,
            delimiter: z.enum([';', ',']).default(';').describe('CSV: разделитель / separator'),
            encoding: z
              .enum(['utf-8', 'windows-1251'])
              .default('utf-8')
              .describe('CSV: кодировка / encoding'),
          })
          .strict(),
      },
    },
    async (request, reply) => {
      const { format, region, delimiter, encoding } = request.query;
      let codes: string[] | undefined;
      if (region) {
        const lookup = buildRegionLookup(await listRegions(db));
        const values = region.split(',').filter((v) => v.trim() !== '');
        codes = values.map((value) => {
          const code = lookup.resolve(value);
          if (!code) {
            throw new ValidationError(`Неизвестный регион «${value}» / unknown region "${value}"`, {
              region: value,
            });
          }
          return code;
        });
      }
      const stream = channelExportStream(db, {
        format,
        lang: request.query.lang,
        filter: codes ? { region: codes } : {},
        delimiter,
        encoding,
      });
      const type = format === 'csv' ? `text/csv; charset=${encoding}` : EXPORT_CONTENT_TYPES.xlsx;
      return reply
        .header('content-type', type)
        .header('content-disposition', attachment(exportFileName(format)))
        .send(stream);
    },
  );
};
