/**
 * One statement and its statement timeout as a single simple-protocol query string,
 * `set local statement_timeout = N; <statement with its parameters as literals>`, or null when the
 * statement cannot be written so safely (then the caller uses `begin; set local ...`, the
 * statement, `commit`: three round trips instead of one).
 *
 * Why it is the same statement: PostgreSQL runs the statements of one simple Query message as one
 * implicit transaction (so `set local` ends with it and nothing stays on a pooled connection, and
 * an error rolls the whole message back), and since PostgreSQL 13 arms the statement timeout for
 * each of them, so the second runs under the timeout the first set. A parameter becomes a quoted
 * literal, which PostgreSQL types from its context exactly as it types an untyped parameter (`pg`
 * sends none); its text is what `pg` would send for it (the driver's own conversion of numbers,
 * booleans and strings).
 *
 * Safe only when every `$n` in the text is a parameter reference: statements with a quote, a
 * dollar-quoted body or a comment, and values other than strings, numbers and booleans (arrays,
 * dates, buffers), are refused. `functionCallSql`'s statements always qualify.
 */
export function timedStatementText(options: { sql: string; params: unknown[]; statementTimeoutMilliseconds: number }): string | null {
  const { sql, params } = options;
  if (/['"]|\$\$|--|\/\*|\$[A-Za-z_]/.test(sql)) return null;
  const literals: string[] = [];
  for (const value of params) {
    const literal = literalOf(value);
    if (literal === undefined) return null;
    literals.push(literal);
  }
  let unknownParameter = false;
  // `$n` not inside an identifier (`a$1` is a name): the preceding character is not a name's.
  const text = sql.replace(/(?<![A-Za-z0-9_$])\$(\d+)/g, (_match, digits: string) => {
    const literal = literals[Number(digits) - 1];
    if (literal === undefined) unknownParameter = true;
    return literal ?? 'null';
  });
  if (unknownParameter) return null;
  return `set local statement_timeout = ${options.statementTimeoutMilliseconds}; ${text}`;
}

function literalOf(value: unknown): string | undefined {
  if (value === null || value === undefined) return 'null';
  // A NUL would end the query string early: left to the parameter path, which refuses it.
  if (typeof value === 'string') return value.includes('\u0000') ? undefined : quoted(value);
  if (typeof value === 'number') return Number.isFinite(value) ? quoted(String(value)) : undefined;
  if (typeof value === 'bigint' || typeof value === 'boolean') return quoted(String(value));
  return undefined;
}

/**
 * A string literal whatever `standard_conforming_strings` says: quotes doubled, and with a
 * backslash, the E'' form with backslashes doubled (what `pg.escapeLiteral` writes, without its
 * character loop, which costs a webhook's 4 KB event tens of microseconds).
 */
function quoted(text: string): string {
  const inner = text.replace(/'/g, "''");
  return text.includes('\\') ? ` E'${inner.replace(/\\/g, '\\\\')}'` : `'${inner}'`;
}
