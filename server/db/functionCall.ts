/**
 * Builds `select name(argument => $1, ...) as result` for a jsonb-returning SQL function. Names are
 * checked against a strict pattern because they are spliced into SQL; values are always parameters.
 */
export function functionCallSql(functionName: string, args: Record<string, unknown>): { sql: string; params: unknown[] } {
  assertIdentifier(functionName);
  const names = Object.keys(args);
  names.forEach(assertIdentifier);
  const placeholders = names.map((name, index) => `${name} => $${index + 1}`);
  return {
    sql: `select ${functionName}(${placeholders.join(', ')}) as result`,
    params: names.map((name) => encodeParameter(args[name])),
  };
}

function assertIdentifier(name: string): void {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) throw new Error(`Not a safe SQL identifier: ${name}`);
}

/** Objects go as JSON text (for jsonb parameters); arrays and scalars as the drivers encode them. */
function encodeParameter(value: unknown): unknown {
  if (value === undefined) return null;
  if (value !== null && typeof value === 'object' && !Array.isArray(value) && !(value instanceof Date)) {
    return JSON.stringify(value);
  }
  return value;
}
