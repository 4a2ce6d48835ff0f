import type { Resolvers } from '../generated/resolversTypes.ts';
import { requireRole } from '../requireRole.ts';
import { filterArguments, listConnection, pageArguments } from './toConnection.ts';

/** The admin audit log (admins only). Records are written by the audited mutations themselves. */
export const auditResolvers: Resolvers = {
  Query: {
    auditLog: (_parent, args, context) => {
      requireRole(context, ['admin']);
      const filter = filterArguments(args.filter, ['actor', 'action', 'userId', 'from', 'to', 'refused']);
      return listConnection(context.services.audit.list({ ...filter, ...pageArguments(args) }));
    },
  },
  AuditRecord: {
    input: (record) => JSON.stringify(record.input),
    result: (record) => JSON.stringify(record.result),
  },
};
