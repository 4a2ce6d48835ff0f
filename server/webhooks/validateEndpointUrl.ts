import { errorCodes, TopupError } from '../errors.ts';

/**
 * An endpoint URL as Topup accepts it: absolute, http or https, no user name or password (they
 * would be sent, and shown to every admin, with each delivery), at most 2,000 characters.
 * Errors: BAD_USER_INPUT naming what is wrong.
 */
export function validateEndpointUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new TopupError(errorCodes.badUserInput, 'url must be an absolute http or https URL', { field: 'url' });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new TopupError(errorCodes.badUserInput, 'url must use http or https', { field: 'url' });
  }
  if (url.username !== '' || url.password !== '') {
    throw new TopupError(errorCodes.badUserInput, 'url must not contain credentials', { field: 'url' });
  }
  if (value.length > 2000) throw new TopupError(errorCodes.badUserInput, 'url must be at most 2,000 characters', { field: 'url' });
  return url.toString();
}
