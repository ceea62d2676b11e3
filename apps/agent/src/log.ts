import type { AgentLogger } from '@parallax/runner';

const LEVELS = ['debug', 'info', 'warn', 'error'] as const;
export type LogLevel = (typeof LEVELS)[number];

/** One JSON object per line: time, level, msg, then the fields. Callers never pass secrets or the token. */
export function createJsonLogger(minLevel: LogLevel, write: (line: string) => void): AgentLogger {
  const min = LEVELS.indexOf(minLevel);
  const at =
    (level: LogLevel) =>
    (msg: string, fields: Record<string, unknown> = {}): void => {
      if (LEVELS.indexOf(level) < min) return;
      write(`${JSON.stringify({ time: new Date().toISOString(), level, msg, ...fields })}\n`);
    };
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}
