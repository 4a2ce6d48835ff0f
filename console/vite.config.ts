import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

const consoleDirectory = fileURLToPath(new URL('.', import.meta.url));
const repositoryDirectory = fileURLToPath(new URL('..', import.meta.url));

/**
 * The console: built into `console/dist`, which the server serves at `/` with an SPA fallback.
 * `npm run dev:console` serves it with hot reload and forwards the API to the server on :4000.
 */
export default defineConfig({
  root: consoleDirectory,
  // `.env` at the repository root (VITE_CLERK_PUBLISHABLE_KEY) is read like the server's.
  envDir: repositoryDirectory,
  plugins: [react(), precompress()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
  },
  server: {
    port: 5173,
    proxy: {
      '/graphql': 'http://localhost:4000',
      '/api': 'http://localhost:4000',
    },
  },
});

/**
 * Writes `.br` and `.gz` beside every text asset of the build, once, at build time, so the server
 * sends compressed files without compressing on each request (and without a compression dependency).
 */
function precompress(): Plugin {
  return {
    name: 'topup-precompress',
    apply: 'build',
    closeBundle() {
      const outDirectory = path.join(consoleDirectory, 'dist');
      const walk = (directory: string): string[] =>
        fs.readdirSync(directory, { withFileTypes: true }).flatMap((entry) =>
          entry.isDirectory() ? walk(path.join(directory, entry.name)) : [path.join(directory, entry.name)],
        );
      for (const file of walk(outDirectory).filter((name) => /\.(js|css|html|svg|json)$/.test(name))) {
        const content = fs.readFileSync(file);
        if (content.length < 1024) continue;
        fs.writeFileSync(`${file}.gz`, zlib.gzipSync(content, { level: 9 }));
        fs.writeFileSync(`${file}.br`, zlib.brotliCompressSync(content, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 } }));
      }
    },
  };
}
