import { graphQLEnumName } from '../../../server/vocabulary.ts';
import type { GraphQLEnumName } from '../../../server/vocabulary.ts';

/*
 * The console's words for the enums of `server/vocabulary.ts`, the one list of them (a file with no
 * imports, so bundling it pulls no server code in). The API speaks the GraphQL names
 * (`DISPUTE_WON`), so labels are keyed by those; every word of the vocabulary has one, in its order.
 */

/** A word as a label: `dispute_won` reads "Dispute won". */
export function wordLabel(word: string): string {
  const spaced = word.toLowerCase().replaceAll('_', ' ');
  return spaced.charAt(0).toUpperCase() + spaced.slice(1);
}

/**
 * The label of every word of an enum, by GraphQL name, in the vocabulary's order: the word itself
 * in sentence case, unless `overrides` says it better ("Usage" for `spend`).
 */
export function enumLabels<Word extends string>(
  words: readonly Word[],
  overrides: Partial<Record<Word, string>> = {},
): Record<GraphQLEnumName<Word>, string> {
  return Object.fromEntries(words.map((word) => [graphQLEnumName(word), overrides[word] ?? wordLabel(word)])) as Record<GraphQLEnumName<Word>, string>;
}

/** The GraphQL names of an enum's words, in the vocabulary's order (for the options of a select). */
export function enumNames<Word extends string>(words: readonly Word[]): GraphQLEnumName<Word>[] {
  return words.map(graphQLEnumName);
}
