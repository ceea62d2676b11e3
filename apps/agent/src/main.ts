// The location agent: pulls due runs from the server and runs them in Chromium (see issue "Synthetic monitoring").
import { hostname } from 'node:os';
import { AgentRunner, HttpAgentTransport, RUNNER_VERSION, resolveBrowser, type ResolvedBrowser } from '@parallax/runner';
import { loadAgentConfig } from './config';
import { AGENT_USAGE, parseAgentFlags } from './flags';
import { createJsonLogger } from './log';

async function main(): Promise<void> {
  let config;
  try {
    const flags = parseAgentFlags(process.argv.slice(2));
    if (flags.help) {
      process.stdout.write(AGENT_USAGE);
      return;
    }
    config = loadAgentConfig({ ...process.env, ...flags.env });
  } catch (err) {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 2;
    return;
  }

  const log = createJsonLogger(config.PARALLAX_LOG_LEVEL, (line) => process.stdout.write(line));
  let browser: ResolvedBrowser;
  try {
    browser = await resolveBrowser({ chromiumPath: config.CHROMIUM_PATH });
  } catch (err) {
    log.error('agent cannot start', { error: err instanceof Error ? err.message : String(err) });
    process.exit(1);
  }
  log.info('browser', { source: browser.source, path: browser.executablePath, version: browser.version });
  const transport = new HttpAgentTransport(config.PARALLAX_SERVER_URL, config.PARALLAX_AGENT_TOKEN);
  // the agent's own settings are no journey secrets: a journey must not be able to read the token
  const secretEnv = Object.fromEntries(Object.entries(process.env).filter(([key]) => key !== 'PARALLAX_AGENT_TOKEN'));
  const runner = new AgentRunner(transport, {
    location: config.PARALLAX_LOCATION,
    concurrency: config.PARALLAX_AGENT_CONCURRENCY,
    browser,
    name: hostname(),
    version: RUNNER_VERSION,
    env: secretEnv,
    log,
  });

  let signals = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    if (++signals > 1) {
      log.warn('second signal: exiting now', { signal });
      process.exit(1);
    }
    log.info('stopping', { signal });
    runner.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        log.error('stop failed', { error: err instanceof Error ? err.message : String(err) });
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  log.info('agent configured', { server: new URL(config.PARALLAX_SERVER_URL).origin, location: config.PARALLAX_LOCATION, concurrency: config.PARALLAX_AGENT_CONCURRENCY });
  try {
    await runner.start();
  } catch (err) {
    log.error('agent cannot start', { error: err instanceof Error ? err.message : String(err) });
    await runner.stop().catch(() => undefined);
    process.exit(1);
  }
}

void main();
