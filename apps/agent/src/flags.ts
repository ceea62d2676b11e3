/** Command-line flags of the agent and the environment variable each one overrides. */
export const AGENT_FLAGS = {
  '--server': 'PARALLAX_SERVER_URL',
  '--location': 'PARALLAX_LOCATION',
  '--token': 'PARALLAX_AGENT_TOKEN',
  '--concurrency': 'PARALLAX_AGENT_CONCURRENCY',
  '--chromium': 'CHROMIUM_PATH',
} as const;

export type AgentFlag = keyof typeof AGENT_FLAGS;

export interface ParsedAgentFlags {
  /** Environment overrides from the flags (applied over process.env, then validated by loadAgentConfig). */
  env: Record<string, string>;
  help: boolean;
}

export const AGENT_USAGE = `Usage: parallax-agent [--server URL] [--location NAME] [--token TOKEN] [--concurrency N] [--chromium PATH]

Pulls due synthetic runs of one location from the Parallax server and runs them in Chromium.
Each flag overrides its environment variable:
  --server URL        PARALLAX_SERVER_URL         e.g. https://parallax.example.com
  --location NAME     PARALLAX_LOCATION           e.g. eu-west
  --token TOKEN       PARALLAX_AGENT_TOKEN        prefer the variable: flags are visible in the process list
  --concurrency N     PARALLAX_AGENT_CONCURRENCY  runs at once (default 2)
  --chromium PATH     CHROMIUM_PATH               default auto: Playwright's, the system's, then the bundled Chromium
Journey secrets \${{ secrets.NAME }} come from PARALLAX_SECRET_NAME (or NAME) in this agent's environment.
`;

/** Parses `--flag value` and `--flag=value`; throws on an unknown flag or a missing value. */
export function parseAgentFlags(argv: string[]): ParsedAgentFlags {
  const env: Record<string, string> = {};
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--help' || arg === '-h') {
      help = true;
      continue;
    }
    const eq = arg.indexOf('=');
    const flag = eq > 0 ? arg.slice(0, eq) : arg;
    if (!(flag in AGENT_FLAGS)) throw new Error(`unknown argument ${JSON.stringify(flag)}\n\n${AGENT_USAGE}`);
    let value: string | undefined;
    if (eq > 0) {
      value = arg.slice(eq + 1);
    } else {
      value = argv[i + 1];
      if (value === undefined || value.startsWith('--')) throw new Error(`${flag} needs a value\n\n${AGENT_USAGE}`);
      i++;
    }
    env[AGENT_FLAGS[flag as AgentFlag]] = value;
  }
  return { env, help };
}
