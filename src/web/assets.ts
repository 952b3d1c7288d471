import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Where the dashboard's built assets live and how they get there. `ohvat serve`/`demo` call
 * `ensureWebBuilt()` before listening: when `dist/web/index.html` is missing, or older than the client
 * sources, the Vite build runs in process (Vite is loaded only then, so an installation that ships a
 * prebuilt `dist/web` never needs it).
 */

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const WEB_DIST = join(REPO_ROOT, 'dist', 'web');
export const WEB_INDEX = join(WEB_DIST, 'index.html');
const CLIENT_DIR = join(REPO_ROOT, 'src', 'web', 'client');
const VITE_CONFIG = join(REPO_ROOT, 'vite.config.ts');
const SOURCES = [
  CLIENT_DIR,
  VITE_CONFIG,
  join(REPO_ROOT, 'reference', 'regions.geojson'),
  // The methodology page bundles the document's text.
  join(REPO_ROOT, 'docs', 'METHODOLOGY.md'),
];

interface BuildLogger {
  info(message: string): void;
  warn(message: string): void;
}

function newestMtime(path: string): number {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

/** True when there is no build or a client source changed after it. */
export function webBuildIsStale(): boolean {
  if (!existsSync(WEB_INDEX)) return true;
  if (!existsSync(CLIENT_DIR)) return false;
  const built = statSync(WEB_INDEX).mtimeMs;
  return SOURCES.some((source) => newestMtime(source) > built);
}

let pending: Promise<boolean> | undefined;

/**
 * Builds the dashboard when needed. Resolves true when `dist/web` is usable afterwards. A failed or
 * impossible build (no Vite installed, no sources) is logged, never fatal: the API keeps working.
 */
export function ensureWebBuilt(logger?: BuildLogger): Promise<boolean> {
  pending ??= (async () => {
    if (!webBuildIsStale()) return true;
    if (!existsSync(CLIENT_DIR)) {
      logger?.warn(`dashboard sources not found at ${CLIENT_DIR}; serving the API only`);
      return existsSync(WEB_INDEX);
    }
    const started = Date.now();
    logger?.info('building the dashboard (vite build)…');
    try {
      const { build } = await import('vite');
      await build({ configFile: VITE_CONFIG, logLevel: 'warn', mode: 'production' });
      logger?.info(`dashboard built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
      return true;
    } catch (error) {
      logger?.warn(`dashboard build failed: ${(error as Error).message}`);
      return existsSync(WEB_INDEX);
    }
  })().finally(() => {
    pending = undefined;
  });
  return pending;
}
