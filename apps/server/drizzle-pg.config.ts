import { defineConfig } from 'drizzle-kit';

// The PostgreSQL schema's migrations (drizzle.config.ts has SQLite's): npm run db:generate:pg -w @hearth/server.
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/store/postgres/schema.ts',
  out: './drizzle-pg',
});
