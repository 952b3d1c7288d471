import { readFileSync } from 'node:fs';

/** Where the shipped reference data lives (see reference/SOURCES.md). */
export const REFERENCE_DIR = new URL('../../reference/', import.meta.url);

/** Rosstat's estimate the reference figures come from (reference/SOURCES.md). */
export const ROSSTAT_2025 = 'Росстат, оценка на 1 января 2025 г. (14.03.2025)';

/**
 * The source of a reference figure: Rosstat's estimate for its date, else (the DPR's figure of 2024-04-01) the
 * regional authorities' own count, which Rosstat does not publish.
 */
export function referencePopulationSource(asOf: string): string {
  if (asOf === '2025-01-01') return ROSSTAT_2025;
  const [y, m, d] = asOf.split('-');
  return `Данные региональных властей на ${d}.${m}.${y} (не оценка Росстата)`;
}

export interface ReferenceRegion {
  code: string;
  name_ru: string;
  name_en: string;
  type: string;
  federal_district: string;
  okato: string | null;
  capital: string | null;
}

export interface ReferencePopulation {
  region_code: string;
  as_of: string;
  population: number;
  source: string;
}

/** Reads reference/regions.csv (a plain comma-separated file without quoted fields). */
export function loadReferenceRegions(): { regions: ReferenceRegion[]; population: ReferencePopulation[] } {
  const text = readFileSync(new URL('regions.csv', REFERENCE_DIR), 'utf8');
  const [header, ...lines] = text.trim().split(/\r?\n/);
  const columns = header!.split(',');
  const regions: ReferenceRegion[] = [];
  const population: ReferencePopulation[] = [];
  for (const line of lines) {
    const cells = line.split(',');
    const row = Object.fromEntries(columns.map((c, i) => [c, cells[i] ?? '']));
    regions.push({
      code: row.code!,
      name_ru: row.name_ru!,
      name_en: row.name_en!,
      type: row.type!,
      federal_district: row.federal_district!,
      okato: row.okato || null,
      capital: row.capital || null,
    });
    if (row.population && row.population_date) {
      population.push({
        region_code: row.code!,
        as_of: row.population_date,
        population: Number(row.population),
        source: referencePopulationSource(row.population_date),
      });
    }
  }
  return { regions, population };
}
