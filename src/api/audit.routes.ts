import { z } from 'zod';
import { auditEntrySchema, auditQuerySchema } from '../access/access.schema.ts';
import { type AuditFilter, type AuditRow, countAudit, queryAudit } from '../access/audit.repository.ts';
import { auditExportStream, auditFileName } from '../access/audit-export.service.ts';
import type { RoutePlugin } from './server.ts';

/** The audit log (administrators only): filtered pages, and the whole (filtered) log as XLSX or CSV. */

function parsed(text: string | null): unknown {
  if (text === null) return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function view(row: AuditRow) {
  return { ...row, before: parsed(row.before), after: parsed(row.after) };
}

function filterOf(q: z.infer<typeof auditQuerySchema>): AuditFilter {
  return {
    ...(q.entity ? { entity: q.entity } : {}),
    ...(q.actor ? { actor: q.actor } : {}),
    ...(q.action ? { action: q.action } : {}),
    ...(q.region ? { region: q.region.toUpperCase() } : {}),
    ...(q.from ? { from: q.from } : {}),
    ...(q.to ? { to: q.to } : {}),
  };
}

export const auditRoutes: RoutePlugin = async (app, ctx) => {
  const { db } = ctx.store;

  app.get(
    '/api/audit',
    {
      schema: {
        tags: ['access'],
        summary:
          'Журнал изменений: кто, когда, что, до и после; новые первыми / audit log, newest first (entity=channel:12, actor, action, region, from, to)',
        querystring: auditQuerySchema,
        response: {
          200: z.object({
            items: z.array(auditEntrySchema),
            total: z.number(),
            page: z.number(),
            per_page: z.number(),
          }),
        },
      },
    },
    async (request) => {
      const { page, per_page } = request.query;
      const filter = filterOf(request.query);
      const [rows, total] = await Promise.all([
        queryAudit(db, filter, per_page, (page - 1) * per_page),
        countAudit(db, filter),
      ]);
      return { items: rows.map(view), total, page, per_page };
    },
  );

  app.get(
    '/api/export/audit',
    {
      schema: {
        tags: ['access'],
        summary: 'Журнал изменений в XLSX или CSV / the audit log as XLSX or CSV',
        querystring: auditQuerySchema.omit({ page: true, per_page: true }).extend({
          format: z.enum(['xlsx', 'csv']).default('xlsx'),
          lang: z.enum(['ru', 'en']).default('ru'),
        }),
      },
    },
    async (request, reply) => {
      const { format, lang } = request.query;
      const name = auditFileName(format);
      return reply
        .header(
          'content-type',
          format === 'csv'
            ? 'text/csv; charset=utf-8'
            : 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
        )
        .header('content-disposition', `attachment; filename="${name}"`)
        .send(
          auditExportStream(db, {
            format,
            lang,
            filter: filterOf({ ...request.query, page: 1, per_page: 1 }),
          }),
        );
    },
  );
};
