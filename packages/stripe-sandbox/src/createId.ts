import { randomInt } from 'node:crypto';

const base62Alphabet = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/**
 * Builds a Stripe-looking id: a prefix such as `cus_`, `pi_3` or `cs_test_a1` followed by random
 * base62 characters. The default length matches most Stripe ids (24 characters after `pi_3`);
 * checkout sessions use a longer tail, like Stripe's.
 */
export function createId(prefix: string, randomLength = 24): string {
  let tail = '';
  for (let index = 0; index < randomLength; index += 1) {
    tail += base62Alphabet[randomInt(base62Alphabet.length)];
  }
  return prefix + tail;
}
