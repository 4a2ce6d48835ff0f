import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

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
  plugins: [react()],
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
