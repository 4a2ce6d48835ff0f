import { defaultFieldResolver, type GraphQLFieldResolver, type GraphQLSchema } from 'graphql';
import { isTopupError } from '../errors.ts';
import { auditStamp } from './auditStamp.ts';
import type { GraphQLContext } from './context.ts';

/**
 * Wraps every Mutation field's resolver so that an admin's call refused with an operating error
 * (bad input, insufficient credits, not found, Stripe unavailable, ...) leaves an audit record
 * marked refused (docs/audit.md). The mutation's own transaction has rolled back by then, so the
 * record is written by a call of its own and says only what was tried. Programmer errors are not
 * recorded (they are logged as internal errors). If the record cannot be written, the refusal is
 * still answered as it was, and the failure is logged.
 */
export function recordRefusedMutations(schema: GraphQLSchema): GraphQLSchema {
  const fields = schema.getMutationType()?.getFields() ?? {};
  for (const field of Object.values(fields)) {
    const resolve: GraphQLFieldResolver<unknown, GraphQLContext> = field.resolve ?? defaultFieldResolver;
    field.resolve = async (parent, args: Record<string, unknown>, context: GraphQLContext, info) => {
      try {
        return await resolve(parent, args, context, info);
      } catch (error) {
        const viewer = context.viewer;
        if (isTopupError(error) && viewer?.role === 'admin') {
          const input = args.input as { userId?: unknown } | undefined;
          const userId = typeof input?.userId === 'string' ? input.userId : null;
          const audit = auditStamp(context, info, viewer, { args, userId })!;
          await context.services.audit.recordRefused(audit, { code: error.code, message: error.message }).catch((recordError: unknown) =>
            context.services.log.log('error', 'could not record a refused mutation in the audit log', {
              requestId: context.requestId,
              action: info.fieldName,
              error: recordError,
            }),
          );
        }
        throw error;
      }
    };
  }
  return schema;
}
