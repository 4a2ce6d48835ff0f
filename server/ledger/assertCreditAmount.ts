import { errorCodes, TopupError } from '../errors.ts';

/** Credits are whole numbers within JavaScript's safe range. Errors: BAD_USER_INPUT naming the field. */
export function assertCreditAmount(value: number, name: string, options: { allowNegative: boolean }): void {
  if (!Number.isSafeInteger(value) || value === 0 || (!options.allowNegative && value < 0)) {
    throw new TopupError(
      errorCodes.badUserInput,
      `${name} must be a ${options.allowNegative ? 'non-zero' : 'positive'} whole number of credits`,
      { [name]: value },
    );
  }
}
