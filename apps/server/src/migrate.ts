import { runMigrations } from '@parallax/db';
import { ConfigError, loadConfig } from './config/config';
import { openDatabase } from './database/open-database';

/** `npm run migrate` applies pending migrations; `npm run migrate -- --revert` reverts the last one. */
async function main(): Promise<void> {
  const config = loadConfig();
  const log = (m: string) => process.stdout.write(`${m}\n`);
  const database = await openDatabase(config, log, 'parallax-migrate');
  try {
    if (process.argv.includes('--revert')) {
      await database.dataSource.undoLastMigration({ transaction: 'each' });
      log('Reverted the last migration.');
    } else {
      const applied = await runMigrations(database.dataSource);
      log(applied.length ? `Applied: ${applied.join(', ')}` : 'The schema is up to date.');
    }
  } finally {
    await database.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof ConfigError ? error.message : `Migration failed: ${(error as Error).message}`}\n`);
  process.exit(1);
});
