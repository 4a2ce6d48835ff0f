import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError, Kind, visit, type DocumentNode } from 'graphql';
import { errorCodes, TopupError } from '../errors.ts';
import type { GraphQLContext } from './context.ts';

/**
 * Longest string any argument may carry. The longest legitimate values are reasons (500
 * characters), idempotency keys (255) and cursors (about 400); anything far longer is refused
 * before a resolver or the database sees it.
 */
export const argumentStringLengthMax = 1_000;

/**
 * Refuses, before execution, what no field of this API accepts: NUL characters (PostgreSQL cannot
 * store them and would answer with an internal error) and over-long strings, anywhere in the
 * variables or in the document's literal arguments, with BAD_USER_INPUT (HTTP 400) naming the
 * variable; and `subscription` operations, which this API does not offer over HTTP (BAD_REQUEST).
 */
export function inputGuardPlugin(): ApolloServerPlugin<GraphQLContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation, request, document }) {
          if (operation?.operation === 'subscription') {
            throw new GraphQLError('Subscriptions are not supported: use queries and mutations over HTTP', {
              extensions: { code: 'BAD_REQUEST', http: { status: 400 } },
            });
          }
          const problem = findProblem(request.variables ?? {}, '$') ?? findLiteralProblem(document);
          if (problem !== null) {
            const message = `${problem.where}: ${problem.what}`;
            throw new GraphQLError(message, {
              extensions: { code: errorCodes.badUserInput, http: { status: 400 } },
              originalError: new TopupError(errorCodes.badUserInput, message, { argument: problem.where }),
            });
          }
        },
      };
    },
  };
}

interface Problem {
  where: string;
  what: string;
}

function stringProblem(value: string, where: string): Problem | null {
  if (value.includes('\u0000')) return { where, what: 'contains a NUL character' };
  if (value.length > argumentStringLengthMax) return { where, what: `is ${value.length} characters long; the limit is ${argumentStringLengthMax}` };
  return null;
}

/** Walks JSON variables (bounded by the body size limit) for the first bad string. */
function findProblem(value: unknown, where: string): Problem | null {
  if (typeof value === 'string') return stringProblem(value, where);
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) {
      const problem = findProblem(item, `${where}[${index}]`);
      if (problem !== null) return problem;
    }
    return null;
  }
  if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      const problem = stringProblem(key, where) ?? findProblem(item, `${where}.${key}`);
      if (problem !== null) return problem;
    }
  }
  return null;
}

/** String literals written into the document itself (`user(id: "...")`). */
function findLiteralProblem(document: DocumentNode): Problem | null {
  let problem: Problem | null = null;
  visit(document, {
    [Kind.STRING](node) {
      problem ??= stringProblem(node.value, 'a string argument');
    },
  });
  return problem;
}
