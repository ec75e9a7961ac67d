import { fileURLToPath } from 'node:url';
import { defineConfig, type ProxyOptions } from 'vite';
import react from '@vitejs/plugin-react';
import { installableApp } from './pwa/installable-app';

const webRoot = fileURLToPath(new URL('.', import.meta.url));
const apiTarget = process.env.VECTORDESK_API_URL ?? 'http://127.0.0.1:8080';

const proxy: Record<string, ProxyOptions> = {
  '/api': { target: apiTarget },
  '/socket.io': { target: apiTarget, ws: true },
  '/health': { target: apiTarget },
};

export default defineConfig({
  root: webRoot,
  base: '/',
  plugins: [
    react(),
    // The submit page opens offline: staff in the field submit from where there is no network (ADR 0023).
    installableApp({ publicDir: fileURLToPath(new URL('./public', import.meta.url)), offlinePages: ['/src/pages/SubmitSpecimenPage.tsx'] }),
  ],
  // The wire contract (api/contract): the only part of the server the browser app imports.
  resolve: { alias: { '@contract': fileURLToPath(new URL('../api/contract/index.ts', import.meta.url)) } },
  build: {
    outDir: fileURLToPath(new URL('./dist', import.meta.url)),
    emptyOutDir: true,
  },
  server: { proxy },
  preview: { proxy },
});
