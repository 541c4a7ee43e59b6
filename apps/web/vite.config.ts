import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vite';
import { compression, defineAlgorithm } from 'vite-plugin-compression2';
import { VitePWA } from 'vite-plugin-pwa';

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
    // Installable, and opens without a network: src/sw.ts keeps the built files; src/lib/service-worker.ts registers it.
    VitePWA({
      strategies: 'injectManifest',
      srcDir: 'src',
      filename: 'sw.ts',
      injectRegister: false,
      // The icons are among the files precached below already.
      includeManifestIcons: false,
      injectManifest: {
        // Only the originals: the browser caches a file decoded, whichever encoding the server sent it in. The
        // plugin adds the web manifest itself.
        globPatterns: ['**/*.{js,css,html,svg,png}'],
        // A classic worker, which every browser that has service workers runs.
        rollupFormat: 'iife',
      },
      manifest: {
        name: 'Hearth',
        short_name: 'Hearth',
        description: 'A private chat for the people you invite.',
        start_url: '/',
        scope: '/',
        display: 'standalone',
        background_color: '#f7f6f3',
        theme_color: '#f7f6f3',
        icons: [
          { src: '/icons/icon-192.png', sizes: '192x192', type: 'image/png' },
          { src: '/icons/icon-512.png', sizes: '512x512', type: 'image/png' },
          { src: '/icons/icon-maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
        ],
      },
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
