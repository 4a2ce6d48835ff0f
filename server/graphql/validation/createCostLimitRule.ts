import {
  getNamedType,
  GraphQLError,
  isInterfaceType,
  isObjectType,
  Kind,
  type ASTVisitor,
  type FieldNode,
  type GraphQLField,
  type GraphQLNamedType,
  type SelectionSetNode,
  type ValidationContext,
} from 'graphql';
import { memoizeFragment } from './memoizeFragment.ts';

/**
 * A validation rule refusing operations whose estimated cost exceeds `costMax`. Each field costs 1;
 * a field with a `first` argument (a connection) multiplies the cost of what is selected inside it
 * by the page size it may return: the literal `first`, `pageSizeMax` when `first` is a variable
 * (validation runs once per document, before variables are known, and its result is cached), or
 * `pageSizeDefault` when `first` is absent. So `users(first: 100) { ... ledger(first: 100) }` costs
 * 10,000 times its inner selection: nested pages are what can amplify one request into millions
 * of rows.
 * Fragment costs are memoized (a document that spreads fragments exponentially stays linear to
 * check) and cycles count 0 (`NoFragmentCyclesRule` reports them).
 */
export function createCostLimitRule(options: {
  costMax: number;
  pageSizeDefault: number;
  pageSizeMax: number;
}): (context: ValidationContext) => ASTVisitor {
  return (context) => {
    const schema = context.getSchema();

    const pageSize = (field: GraphQLField<unknown, unknown>, node: FieldNode): number => {
      if (!field.args.some((argument) => argument.name === 'first')) return 1;
      const first = node.arguments?.find((argument) => argument.name.value === 'first')?.value;
      if (first === undefined || first.kind === Kind.NULL) return options.pageSizeDefault;
      if (first.kind === Kind.INT) return Math.min(Math.max(Number(first.value), 0), options.pageSizeMax);
      return options.pageSizeMax;
    };

    const fragmentCost = memoizeFragment((fragment) =>
      selectionSetCost(fragment.selectionSet, schema.getType(fragment.typeCondition.name.value)),
    );

    const selectionSetCost = (selectionSet: SelectionSetNode, parentType: GraphQLNamedType | null | undefined): number => {
      let cost = 0;
      for (const selection of selectionSet.selections) {
        if (selection.kind === Kind.FIELD) {
          const field =
            isObjectType(parentType) || isInterfaceType(parentType) ? parentType.getFields()[selection.name.value] : undefined;
          // Unknown fields are reported by FieldsOnCorrectTypeRule; introspection's meta fields cost 1.
          if (field === undefined || selection.selectionSet === undefined) {
            cost += 1;
            continue;
          }
          cost += 1 + pageSize(field, selection) * selectionSetCost(selection.selectionSet, getNamedType(field.type));
        } else if (selection.kind === Kind.INLINE_FRAGMENT) {
          const type = selection.typeCondition === undefined ? parentType : schema.getType(selection.typeCondition.name.value);
          cost += selectionSetCost(selection.selectionSet, type);
        } else {
          const fragment = context.getFragment(selection.name.value);
          cost += fragment === null || fragment === undefined ? 0 : fragmentCost(fragment);
        }
      }
      return cost;
    };

    return {
      OperationDefinition(operation) {
        const cost = selectionSetCost(operation.selectionSet, schema.getRootType(operation.operation));
        if (cost > options.costMax) {
          context.reportError(
            new GraphQLError(
              `The operation may cost ${cost}, above the limit of ${options.costMax}: ask for smaller pages (first) or fewer nested lists.`,
              { nodes: operation, extensions: { cost, costMax: options.costMax } },
            ),
          );
        }
      },
    };
  };
}
