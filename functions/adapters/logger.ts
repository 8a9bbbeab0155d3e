// One structured JSON logger for every function, created at module scope: the Log port of the Lambda
// wiring. One JSON line per entry — level, message, service, timestamp, then the entry's attributes
// (the line Powertools' Logger wrote for what we log; this small writer replaced it to keep the api
// bundle under 400 KB: the Powertools logger and its internals were ~20 KB of it). The level comes
// from POWERTOOLS_LOG_LEVEL, AWS_LAMBDA_LOG_LEVEL or LOG_LEVEL (default INFO); tests silence it.
// Never log a bearer token, an action token, a secret or a mail body; log ids, codes and counts.
import type { Log, OpsMetrics } from '../ports.js';

const LEVELS = { DEBUG: 8, INFO: 12, WARN: 16, ERROR: 20, SILENT: 28 } as const;
export type LogLevel = keyof typeof LEVELS;

const levelOf = (text: string | undefined): LogLevel | undefined => {
  const t = text?.trim().toUpperCase();
  return t && t in LEVELS ? (t as LogLevel) : undefined;
};

export class JsonLogger implements Log {
  private threshold: number;

  constructor(
    private readonly service: string,
    level: LogLevel = levelOf(process.env.POWERTOOLS_LOG_LEVEL) ?? levelOf(process.env.AWS_LAMBDA_LOG_LEVEL) ?? levelOf(process.env.LOG_LEVEL) ?? 'INFO',
  ) {
    this.threshold = LEVELS[level];
  }

  setLogLevel(level: LogLevel): void {
    this.threshold = LEVELS[level];
  }

  debug(message: string, ...attributes: Record<string, unknown>[]): void {
    this.write('DEBUG', message, attributes);
  }

  info(message: string, ...attributes: Record<string, unknown>[]): void {
    this.write('INFO', message, attributes);
  }

  warn(message: string, ...attributes: Record<string, unknown>[]): void {
    this.write('WARN', message, attributes);
  }

  error(message: string, ...attributes: Record<string, unknown>[]): void {
    this.write('ERROR', message, attributes);
  }

  private write(level: Exclude<LogLevel, 'SILENT'>, message: string, attributes: readonly Record<string, unknown>[]): void {
    if (LEVELS[level] < this.threshold) return;
    const trace = process.env._X_AMZN_TRACE_ID;
    const entry: Record<string, unknown> = { level, message, timestamp: new Date().toISOString(), service: this.service, ...(trace ? { xray_trace_id: trace } : {}) };
    for (const a of attributes) Object.assign(entry, a);
    const line = `${JSON.stringify(entry)}\n`;
    if (level === 'ERROR' || level === 'WARN') process.stderr.write(line);
    else process.stdout.write(line);
  }
}

export const logger = new JsonLogger('sibao');

/** Use-case dependencies with the log optional: the handlers' factories default it to `logger`. */
export type LogOptional<T extends { log: Log }> = Omit<T, 'log'> & { log?: Log };

export function withLogger<T extends { log?: Log }>(deps: T): T & { log: Log } {
  return { ...deps, log: deps.log ?? logger };
}

/** The field of a metric log line; infra/ turns these lines into metrics with a log metric filter. */
export const METRIC_LOG_FIELD = 'metric';

/**
 * The OpsMetrics port as structured log lines `{"metric": <name>, "value": n, "county": …}` that a
 * CloudWatch Logs metric filter (infra/sibao-stack.ts LOG_METRICS) turns into the metric: the API's
 * way, which keeps Powertools Metrics (~19 KB) out of its bundle. Written at WARN (shown at the
 * default level).
 */
export function createLogMetrics(county: string, log: Pick<Log, 'warn'> = logger): OpsMetrics {
  return {
    put(name, value) {
      log.warn('metric', { [METRIC_LOG_FIELD]: name, value, county });
    },
  };
}
