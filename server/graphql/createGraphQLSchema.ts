import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeExecutableSchema } from '@graphql-tools/schema';
import type { GraphQLSchema } from 'graphql';
import type { Resolvers } from './generated/resolversTypes.ts';
import { resolverMaps } from './resolvers/resolverMaps.ts';
import { recordRefusedMutations } from './recordRefusedMutations.ts';

const schemaDirectory = fileURLToPath(new URL('../../schema/', import.meta.url));

/**
 * The executable schema: the SDL modules of `schema/` (the single source of truth, also read by
 * codegen) with every resolver map, plus `extraResolvers` (tests, or a concern wired at boot).
 * Resolvers for fields the SDL does not declare fail here, at boot, not at request time. An admin's
 * refused mutation leaves an audit record marked refused (`recordRefusedMutations`).
 */
export function createGraphQLSchema(options: { extraResolvers?: readonly Resolvers[] } = {}): GraphQLSchema {
  const typeDefs = readdirSync(schemaDirectory)
    .filter((fileName) => fileName.endsWith('.graphql'))
    .sort()
    .map((fileName) => readFileSync(path.join(schemaDirectory, fileName), 'utf8'));
  const schema = makeExecutableSchema({
    typeDefs,
    resolvers: [...resolverMaps, ...(options.extraResolvers ?? [])],
    resolverValidationOptions: { requireResolversToMatchSchema: 'error' },
  });
  return recordRefusedMutations(schema);
}
