import type { Migration, MigrationProvider } from 'kysely/migration';
import * as organisationAndSpecimens from './0001-organisation-and-specimens.js';

/**
 * Migrations are listed here rather than discovered on disk, so the compiled server, tsx and
 * vitest all see the same ordered set. Append new ones; never edit one that has shipped.
 */
const migrations: Record<string, Migration> = {
  '0001-organisation-and-specimens': organisationAndSpecimens,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => migrations,
};
