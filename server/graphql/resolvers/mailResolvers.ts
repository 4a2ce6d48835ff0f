import type { Resolvers } from '../generated/resolversTypes.ts';
import { requireRole } from '../requireRole.ts';

/** The mail preview: what was kept in DATA_DIR while no SMTP_URL was configured (admins only). */
export const mailResolvers: Resolvers = {
  Query: {
    mailPreview: (_parent, args, context) => {
      requireRole(context, ['admin']);
      return context.services.mail.preview(args.first ?? null);
    },
  },
};
