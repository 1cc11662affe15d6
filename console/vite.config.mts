/**
 * Vite builds the console into dist/console (served by src/http/console-router.ts). `base` is where the gateway
 * serves the assets; the page itself is served at `/`. JSX is Preact's automatic runtime (Vite's own transform, no
 * plugin needed). No inline script or style is emitted, which the Content-Security-Policy requires
 * (`build.assetsInlineLimit: 0` keeps even small files as files).
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root,
  base: '/console/',
  publicDir: false,
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: fileURLToPath(new URL('../dist/console', import.meta.url)),
    emptyOutDir: true,
    assetsDir: 'assets',
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    sourcemap: false,
  },
  logLevel: 'warn',
});
