import { GraphQLError, Kind, type ASTVisitor, type SelectionSetNode, type ValidationContext } from 'graphql';
import { memoizeFragment } from './memoizeFragment.ts';

/**
 * A validation rule refusing operations nested deeper than `depthMax` fields (`{ me { id } }` has
 * depth 2), counted through fragments. Introspection (`__schema`, `__type`) is left to graphql-js's
 * own `MaxIntrospectionDepthRule`, since the standard introspection query is legitimately deep.
 * Fragment depths are memoized and cycles cut short, so a hostile document cannot make the rule
 * itself slow (`NoFragmentCyclesRule` reports the cycle).
 */
export function createDepthLimitRule(options: { depthMax: number }): (context: ValidationContext) => ASTVisitor {
  return (context) => {
    const fragmentDepth = memoizeFragment((fragment) => selectionSetDepth(fragment.selectionSet));

    const selectionSetDepth = (selectionSet: SelectionSetNode): number => {
      let depthMax = 0;
      for (const selection of selectionSet.selections) {
        let depth = 0;
        if (selection.kind === Kind.FIELD) {
          if (selection.name.value === '__schema' || selection.name.value === '__type') continue;
          depth = 1 + (selection.selectionSet === undefined ? 0 : selectionSetDepth(selection.selectionSet));
        } else if (selection.kind === Kind.INLINE_FRAGMENT) {
          depth = selectionSetDepth(selection.selectionSet);
        } else {
          const fragment = context.getFragment(selection.name.value);
          depth = fragment === null || fragment === undefined ? 0 : fragmentDepth(fragment);
        }
        depthMax = Math.max(depthMax, depth);
      }
      return depthMax;
    };

    return {
      OperationDefinition(operation) {
        const depth = selectionSetDepth(operation.selectionSet);
        if (depth > options.depthMax) {
          context.reportError(
            new GraphQLError(`The operation is nested ${depth} levels deep; the limit is ${options.depthMax}.`, {
              nodes: operation,
              extensions: { depth, depthMax: options.depthMax },
            }),
          );
        }
      },
    };
  };
}
