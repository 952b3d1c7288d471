import { regionsWithPopulationAt } from '../register/region.repository.ts';
import { groupBy, type InputContext, values } from './input-context.ts';
import {
  type DialogChannel,
  dialog2025Inputs,
  dialog2025ParametersSchema,
} from './methodologies/dialog-2025.ts';
import type { Methodology, RatingFlag, RatingInputs } from './methodology.ts';
import { activeChannels } from './rating-inputs.repository.ts';
import { regionCategoryAt } from './region-aggregates.repository.ts';

const GOVERNMENT = 'regional_government';

/**
 * Inputs of `dialog-2025`: each region's government channels at the date. With the read model and the default
 * sum of several channels, a region's sum comes from the aggregates, read with the regions and their
 * population in one statement (`region_channels` for the channels in the register, `region_daily` for the
 * channels with a value and their Σ — the sum over known channels is
 * exactly what the methodology adds up), a handful of rows per region. A region is read channel by channel
 * when it has a removed government channel (still in region_daily) or one with a confirmed anomaly flag
 * (its values are corrected first), and every region is when values come from raw observations (a
 * verification) or the methodology takes the largest channel.
 */
export async function dialogInputs(ctx: InputContext, m: Methodology): Promise<RatingInputs> {
  const p = dialog2025ParametersSchema.parse(m.parameters);
  const aggregated = ctx.source.kind === 'read_model' && p.multipleChannels === 'sum';
  // With the aggregates, one read of 89 rows: regions, population, counters and known values.
  const rows = aggregated ? await regionCategoryAt(ctx.db, ctx.date, GOVERNMENT) : null;
  const regions: { code: string; name_ru: string; population: number | null }[] =
    rows ?? (await regionsWithPopulationAt(ctx.db, ctx.date));
  const byRegion = new Map<string, DialogChannel[]>();
  let perChannel: Set<string> | null = null;
  if (rows) {
    perChannel = new Set();
    for (const id of ctx.flags.confirmed.keys()) {
      const region = ctx.flags.regions.get(id);
      if (region) perChannel.add(region);
    }
    for (const r of rows) if (r.removed > 0) perChannel.add(r.code);
    // Notes of the region's flagged channels, in channel order (as the channel-by-channel rows carry them).
    const notes = new Map<string, RatingFlag[]>();
    for (const id of [...ctx.flags.notes.keys()].sort((a, b) => a - b)) {
      const region = ctx.flags.regions.get(id);
      if (region) notes.set(region, [...(notes.get(region) ?? []), ...ctx.flags.notes.get(id)!]);
    }
    for (const r of rows) {
      if (perChannel.has(r.code) || r.channels === 0) continue;
      const subscribers = r.known.known > 0 ? r.known.subscribers : null;
      byRegion.set(r.code, [{ id: r.code, subscribers, flags: notes.get(r.code) ?? [] }]);
      if (subscribers !== null && r.known.observedUntil !== null)
        ctx.used.push({ subscribers: 0, observedAt: r.known.observedUntil });
    }
  }
  if (perChannel === null || perChannel.size > 0) {
    const government = (await activeChannels(ctx.db, { category: GOVERNMENT })).filter(
      (c) => perChannel === null || (c.region_code !== null && perChannel.has(c.region_code)),
    );
    const now = await values(
      ctx,
      government.map((c) => c.id),
      ctx.date,
    );
    for (const [code, list] of groupBy(government, (c) => c.region_code)) {
      byRegion.set(
        code,
        list.map((c) => ({
          id: String(c.id),
          subscribers: now.get(c.id)?.subscribers ?? null,
          flags: ctx.flags.notes.get(c.id) ?? [],
        })),
      );
    }
  }
  return dialog2025Inputs(
    m,
    ctx.date,
    regions.map((r) => ({
      code: r.code,
      name: r.name_ru,
      population: r.population,
      channels: byRegion.get(r.code) ?? [],
    })),
  );
}
