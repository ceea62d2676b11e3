import { ConfigError, loadConfig } from './config/config';
import { JsonLogger } from './common/json-logger';
import { startServer } from './bootstrap';
import { LocalAgentService } from './synthetic/local-agent.service';
import { startBanner } from './start-banner';
import { join } from 'node:path';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  const logger = new JsonLogger(config.logLevel);
  const server = await startServer(config, logger);
  const browser = server.app.get(LocalAgentService).browser();
  logger.log({ msg: 'Parallax is running', url: server.url, docs: `${server.url}/api/docs`, database: server.database, browser }, 'Bootstrap');
  // Last, in plain text: the token is printed here once when generated, on the terminal only, never through the logger.
  process.stdout.write(
    startBanner({
      url: server.url,
      generatedToken: server.adminTokenGenerated ? server.adminToken : undefined,
      tokenFile: config.adminToken ? undefined : join(config.dataDir, 'admin-token'),
      browser,
      database: server.database,
    }),
  );
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.log({ msg: 'Shutting down', signal }, 'Bootstrap');
    server
      .close()
      .then(() => process.exit(0))
      .catch((error: unknown) => {
        logger.error(error instanceof Error ? error : String(error), 'Bootstrap');
        process.exit(1);
      });
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((error: unknown) => {
  process.stderr.write(`Parallax failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
