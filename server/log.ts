/** Structured logs: one JSON object per line on stderr, so they are greppable and machine-readable. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface Logger {
  log(level: LogLevel, message: string, fields?: Record<string, unknown>): void;
  child(fields: Record<string, unknown>): Logger;
}

const levelRank: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export function createLogger(options: { level?: LogLevel; fields?: Record<string, unknown>; write?: (line: string) => void } = {}): Logger {
  // The level comes from LOG_LEVEL through `server/config.ts` (the one reader of the environment).
  const minimumRank = levelRank[options.level ?? 'info'];
  const write = options.write ?? ((line: string) => process.stderr.write(line + '\n'));
  const baseFields = options.fields ?? {};
  return {
    log(level, message, fields) {
      if (levelRank[level] < minimumRank) return;
      write(JSON.stringify({ time: new Date().toISOString(), level, message, ...baseFields, ...fields }, errorReplacer));
    },
    child(fields) {
      return createLogger({ ...options, fields: { ...baseFields, ...fields } });
    },
  };
}

/** A logger that drops everything, for tests that assert on other output. */
export const silentLogger: Logger = { log() {}, child: () => silentLogger };

function errorReplacer(_key: string, value: unknown): unknown {
  if (value instanceof Error) return { name: value.name, message: value.message, stack: value.stack };
  return value;
}
