import { ValidationError } from '../../shared/errors.ts';
import type { Methodology } from '../methodology.ts';
import { DIALOG_2025_ID, dialog2025Methodology } from './dialog-2025.ts';
import { NETWORK_ID, networkMethodology } from './network.ts';
import { PLACES_AVERAGE_ID, placesAverageMethodology } from './places-average.ts';
import { VIEWS_PER_POST_ID, viewsPerPostMethodology } from './views-per-post.ts';

/** The preset methodologies by id; each builder validates its own parameters. */
export const PRESETS: Readonly<Record<string, (params?: unknown) => Methodology>> = {
  [DIALOG_2025_ID]: (params) => dialog2025Methodology(params as Parameters<typeof dialog2025Methodology>[0]),
  [NETWORK_ID]: (params) => networkMethodology(params as Parameters<typeof networkMethodology>[0]),
  [PLACES_AVERAGE_ID]: (params) =>
    placesAverageMethodology(params as Parameters<typeof placesAverageMethodology>[0]),
  [VIEWS_PER_POST_ID]: (params) =>
    viewsPerPostMethodology(params as Parameters<typeof viewsPerPostMethodology>[0]),
};

/** The preset `id` built with `params` (validated); ValidationError for an unknown id or bad parameters. */
export function presetMethodology(id: string, params: unknown = {}): Methodology {
  const build = PRESETS[id];
  if (!build) throw new ValidationError(`unknown methodology "${id}"`, { known: Object.keys(PRESETS) });
  return build(params);
}
