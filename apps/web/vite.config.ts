import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vite';
import { compression, defineAlgorithm } from 'vite-plugin-compression2';

/** The server `npm start` runs; the dev server forwards the socket and the invite API to it. */
const server = process.env.HEARTH_DEV_SERVER ?? 'http://localhost:3000';

export default defineConfig({
  plugins: [
    svelte(),
    // Compressed once at build, at the highest levels, so the server only picks the file the browser accepts.
    compression({
      include: /\.(js|css|html|svg|json|webmanifest)$/,
      threshold: 1024,
      skipIfLargerOrEqual: true,
      algorithms: [defineAlgorithm('gzip', { level: 9 }), defineAlgorithm('brotliCompress', {})],
    }),
  ],
  server: {
    // The Host header is left as is, so the server's same-host Origin check accepts the proxied socket.
    proxy: {
      '/api': { target: server },
      '/ws': { target: server.replace(/^http/, 'ws'), ws: true },
    },
  },
  build: { target: 'es2022', sourcemap: true },
});
