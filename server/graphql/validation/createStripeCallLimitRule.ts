import {
  GraphQLError,
  Kind,
  type ASTVisitor,
  type SelectionSetNode,
  type ValidationContext,
} from 'graphql';
import { errorCodes, TopupError } from '../../errors.ts';

/** The root fields whose resolvers call Stripe: each alias of one is another Stripe call. */
export const stripeCallingFields: ReadonlySet<string> = new Set(['createCreditTopUpSession', 'topUp', 'refundTopUp']);

/**
 * A validation rule refusing an operation that selects more than `fieldsMax` root fields that call
 * Stripe. Aliases defeat per-field rate limits (`a1: createCreditTopUpSession(...) a2: ...` would
 * make 300 Checkout Sessions in one request), so the request is refused whole, before any resolver
 * runs: Stripe is called for none of them. Counted by response key (fields GraphQL merges count
 * once), through fragments and inline fragments; fragment cycles are cut (`NoFragmentCyclesRule`
 * reports them).
 */
export function createStripeCallLimitRule(options: { fieldsMax: number }): (context: ValidationContext) => ASTVisitor {
  return (context) => {
    const collect = (selectionSet: SelectionSetNode, keys: Set<string>, fragmentsSeen: Set<string>): void => {
      for (const selection of selectionSet.selections) {
        if (selection.kind === Kind.FIELD) {
          if (stripeCallingFields.has(selection.name.value)) keys.add(selection.alias?.value ?? selection.name.value);
        } else if (selection.kind === Kind.INLINE_FRAGMENT) {
          collect(selection.selectionSet, keys, fragmentsSeen);
        } else if (!fragmentsSeen.has(selection.name.value)) {
          fragmentsSeen.add(selection.name.value);
          const fragment = context.getFragment(selection.name.value);
          if (fragment) collect(fragment.selectionSet, keys, fragmentsSeen);
        }
      }
    };
    return {
      OperationDefinition(operation) {
        const keys = new Set<string>();
        collect(operation.selectionSet, keys, new Set());
        if (keys.size <= options.fieldsMax) return;
        const message = `One request may call Stripe at most ${options.fieldsMax} times (createCreditTopUpSession, topUp, refundTopUp); this one asks ${keys.size}. Nothing was called: send them in separate requests.`;
        context.reportError(
          new GraphQLError(message, {
            nodes: operation,
            originalError: new TopupError(errorCodes.rateLimited, message, { retryAfterSeconds: 0, stripeCallsMax: options.fieldsMax }),
          }),
        );
      },
    };
  };
}
