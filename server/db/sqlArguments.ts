/**
 * The named arguments of a SQL function call from a camelCase options object: `userId` becomes
 * `p_user_id`, and an undefined value becomes null. With `keys`, only those keys are sent (in that
 * order), so an options object carrying more than the function takes still calls it as written.
 */
export function sqlArguments<Values extends object>(
  values: Values,
  keys: readonly (keyof Values & string)[] = Object.keys(values) as (keyof Values & string)[],
): Record<string, unknown> {
  const args: Record<string, unknown> = {};
  for (const key of keys) args[sqlArgumentName(key)] = values[key] ?? null;
  return args;
}

/** `idempotencyKey` -> `p_idempotency_key`. */
export function sqlArgumentName(key: string): string {
  return `p_${key.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`)}`;
}
