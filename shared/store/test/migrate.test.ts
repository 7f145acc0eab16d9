// Migrations at open: the runner applies what is pending, a restart with nothing pending leaves
// everything as it was, and a migration added later (a new release) is found and applied — the
// pending check that lets an up-to-date start skip loading node-pg-migrate must not miss it.
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { openStore } from '@hub/store';
import { cleanup, dataScope, scopeSql } from '@hub/testkit';

const FIXTURES = fileURLToPath(new URL('./fixtures/migrations', import.meta.url));

function migrationsCopy(): string {
  const dir = mkdtempSync(join(tmpdir(), 'hub-migrate-'));
  cpSync(FIXTURES, dir, { recursive: true });
  cleanup(dir, (d) => {
    rmSync(d, { recursive: true, force: true });
  });
  return dir;
}

describe('migrate at open', () => {
  it('applies pending migrations once, skips when none are pending, and finds a later one', async () => {
    // Intent: the first open applies the fixtures (2 rows in hub_migrations); a second open with
    // the same files changes nothing; a third open after a new file was added applies it (its
    // column exists and its row is recorded).
    const scope = dataScope('store');
    const dir = migrationsCopy();
    const open = async () =>
      (await openStore({ service: scope.name, schema: scope.schema, databaseUrl: scope.databaseUrl, migrations: dir })).close();
    const applied = async () =>
      (await scopeSql<{ name: string }>(scope, 'SELECT name FROM hub_migrations ORDER BY name')).map((r) => r.name);

    await open();
    expect(await applied()).toEqual(['1700000000001_items', '1700000000002_items_search']);
    await open();
    expect(await applied()).toEqual(['1700000000001_items', '1700000000002_items_search']);

    writeFileSync(join(dir, '1700000000003_items_note.sql'), '-- Up Migration\nALTER TABLE items ADD COLUMN note text;\n');
    await open();
    expect(await applied()).toEqual(['1700000000001_items', '1700000000002_items_search', '1700000000003_items_note']);
    const cols = await scopeSql<{ column_name: string }>(
      scope,
      "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = 'items' AND column_name = 'note'",
    );
    expect(cols).toHaveLength(1);
  });
});
