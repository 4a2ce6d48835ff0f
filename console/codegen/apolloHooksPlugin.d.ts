import type { DocumentNode, GraphQLSchema } from 'graphql';

/** See apolloHooksPlugin.js: one named Apollo Client 4 hook per operation. */
export declare function plugin(
  schema: GraphQLSchema,
  documents: Array<{ document?: DocumentNode; location?: string }>,
  config: { documentsModule?: string },
): string;
