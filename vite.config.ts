import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

/**
 * The dashboard build: `npm run build:web` (or `ensureWebBuilt()` from `ohvat serve`) writes `dist/web`,
 * which `src/web/web.routes.ts` serves. `npx vite` runs the dev server with `/api` proxied to a local
 * `ohvat serve` on port 8080.
 */

const root = fileURLToPath(new URL('./src/web/client', import.meta.url));
const outDir = fileURLToPath(new URL('./dist/web', import.meta.url));

/** Writes `.br` and `.gz` next to every text asset so the server sends them pre-compressed. */
function precompress(): Plugin {
  return {
    name: 'ohvat-precompress',
    apply: 'build',
    writeBundle(options, bundle) {
      const dir = options.dir ?? outDir;
      for (const fileName of Object.keys(bundle)) {
        if (!/\.(js|css|html|svg|json|geojson)$/.test(fileName)) continue;
        const path = join(dir, fileName);
        const content = readFileSync(path);
        if (content.length < 1024) continue;
        writeFileSync(`${path}.gz`, gzipSync(content, { level: 9 }));
        writeFileSync(
          `${path}.br`,
          brotliCompressSync(content, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }),
        );
      }
    },
  };
}

export default defineConfig(({ command }) => ({
  root,
  base: '/',
  publicDir: false,
  plugins: [react(), precompress()],
  build: {
    outDir,
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    reportCompressedSize: false,
    chunkSizeWarningLimit: 700,
  },
  server: {
    port: 5173,
    proxy: { '/api': 'http://127.0.0.1:8080' },
    fs: { allow: [fileURLToPath(new URL('.', import.meta.url))] },
  },
  // A build is always the production build, even when started from a process with NODE_ENV=test
  // (vitest) or development: React and TanStack Query ship their small production code then.
  // (Vite itself takes production from NODE_ENV only, so the JSX transform is told too.)
  define: command === 'build' ? { 'process.env.NODE_ENV': JSON.stringify('production') } : {},
  esbuild: command === 'build' ? { jsxDev: false } : {},
}));
