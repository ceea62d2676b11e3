import { LoggerService } from '@nestjs/common';
import { scrubIpAddresses } from '@parallax/privacy';

const LEVELS = { debug: 10, info: 20, warn: 30, error: 40 } as const;
// Nest's start-up chatter (one line per module and per route, ~90 lines) is debug, so the start banner stays readable.
const NEST_STARTUP_CONTEXTS = new Set(['RoutesResolver', 'RouterExplorer', 'InstanceLoader', 'NestFactory', 'NestApplication', 'WebSocketsController']);
export type LogLevel = keyof typeof LEVELS;

// Never let an IP address or a bearer token into a log line, whatever a caller passes in.
const BEARER = /(bearer\s+)[A-Za-z0-9._~+/=-]+/gi;

/** Removes IP addresses (IPv4 and every IPv6 form) and tokens from a log message. */
export function scrubLogText(text: string): string {
  return scrubIpAddresses(text.replace(BEARER, '$1[redacted]'));
}

/** Structured JSON log lines on stdout, one object per line. */
export class JsonLogger implements LoggerService {
  constructor(
    private readonly minLevel: LogLevel = 'info',
    private readonly write: (line: string) => void = (line) => process.stdout.write(line + '\n'),
  ) {}

  log(message: unknown, ...rest: unknown[]): void {
    const context = rest[rest.length - 1];
    this.emit(typeof context === 'string' && NEST_STARTUP_CONTEXTS.has(context) ? 'debug' : 'info', message, rest);
  }
  error(message: unknown, ...rest: unknown[]): void {
    this.emit('error', message, rest);
  }
  warn(message: unknown, ...rest: unknown[]): void {
    this.emit('warn', message, rest);
  }
  debug(message: unknown, ...rest: unknown[]): void {
    this.emit('debug', message, rest);
  }
  verbose(message: unknown, ...rest: unknown[]): void {
    this.emit('debug', message, rest);
  }

  private emit(level: LogLevel, message: unknown, rest: unknown[]): void {
    if (LEVELS[level] < LEVELS[this.minLevel]) return;
    // Nest passes the context as the last string argument.
    const context = typeof rest[rest.length - 1] === 'string' ? (rest.pop() as string) : undefined;
    const entry: Record<string, unknown> = { time: new Date().toISOString(), level };
    if (context) entry.context = context;
    if (message instanceof Error) {
      entry.msg = scrubLogText(message.message);
      entry.stack = scrubLogText(message.stack ?? '');
    } else if (typeof message === 'object' && message !== null) {
      Object.assign(entry, JSON.parse(scrubLogText(JSON.stringify(message))));
    } else {
      entry.msg = scrubLogText(String(message));
    }
    const extra = rest.filter((r) => r !== undefined);
    if (extra.length) entry.extra = JSON.parse(scrubLogText(JSON.stringify(extra)));
    this.write(JSON.stringify(entry));
  }
}
