// @ts-check
/**
 * A graphql-codegen plugin that emits one named Apollo Client 4 hook per operation, wrapping the
 * typed documents the client preset generates (`console/src/generated/graphql.ts`).
 *
 * Why a local plugin: `@graphql-codegen/typescript-react-apollo` emits hooks for Apollo Client 3,
 * whose option and result types no longer exist in Apollo Client 4, so its output only compiles with
 * type checks turned off. The hooks here add nothing at run time: each one passes its document to
 * `useQuery` / `useLazyQuery` / `useMutation` from `@apollo/client/react`, whose own overloads infer
 * the result and variables types from the `TypedDocumentNode`. The wrapper only names the operation
 * and fixes the option types, so a required variable is a compile error when it is missing.
 *
 * For `query Me` it emits `useMeQuery(options?)` and `useMeLazyQuery(options?)`; for
 * `mutation AdjustCredits` it emits `useAdjustCreditsMutation(options?)`. `options` is required when
 * the operation has a required variable. Subscriptions are refused (the API has none).
 *
 * Config: `documentsModule` (default `./graphql.js`): where the typed documents are imported from.
 */

/** Operation names become type names verbatim, so they must already be PascalCase and unique. */
const operationNamePattern = /^[A-Z][A-Za-z0-9]*$/;

/**
 * @param {import('graphql').GraphQLSchema} _schema
 * @param {Array<{ document?: import('graphql').DocumentNode, location?: string }>} documents
 * @param {{ documentsModule?: string }} config
 * @returns {string}
 */
export function plugin(_schema, documents, config) {
  const operations = collectOperations(documents);
  const documentsModule = config.documentsModule ?? './graphql.js';
  const needs = { query: false, mutation: false };
  const hooks = [];
  const typeNames = [];

  for (const operation of operations) {
    const suffix = operation.kind === 'query' ? 'Query' : 'Mutation';
    const resultType = `${operation.name}${suffix}`;
    const variablesType = `${operation.name}${suffix}Variables`;
    const documentName = `${operation.name}Document`;
    typeNames.push(resultType, variablesType);
    needs[operation.kind] = true;
    hooks.push(
      operation.kind === 'query'
        ? queryHooks({ name: operation.name, resultType, variablesType, documentName, variablesRequired: operation.variablesRequired })
        : mutationHook({ name: operation.name, resultType, variablesType, documentName }),
    );
  }

  const reactImports = [
    ...(needs.query ? ['useQuery', 'useLazyQuery'] : []),
    ...(needs.mutation ? ['useMutation'] : []),
  ];
  const documentNames = operations.map((operation) => `${operation.name}Document`);
  const lines = [];
  if (reactImports.length > 0) lines.push(`import { ${reactImports.join(', ')} } from '@apollo/client/react';`);
  if (needs.query) lines.push(`import type { SkipToken } from '@apollo/client/react';`);
  if (documentNames.length > 0) {
    lines.push(`import { ${documentNames.join(', ')} } from '${documentsModule}';`);
    lines.push(`import type { ${typeNames.join(', ')} } from '${documentsModule}';`);
  }
  return [...lines, '', ...hooks].join('\n') + '\n';
}

/**
 * @param {Array<{ document?: import('graphql').DocumentNode, location?: string }>} documents
 * @returns {Array<{ kind: 'query' | 'mutation', name: string, variablesRequired: boolean }>}
 */
function collectOperations(documents) {
  /** @type {Map<string, string>} */
  const seen = new Map();
  const operations = [];
  for (const file of documents) {
    for (const definition of file.document?.definitions ?? []) {
      if (definition.kind !== 'OperationDefinition') continue;
      const name = definition.name?.value;
      const location = file.location ?? 'unknown file';
      if (!name) throw new Error(`apolloHooksPlugin: every operation needs a name (anonymous one in ${location})`);
      if (!operationNamePattern.test(name)) {
        throw new Error(`apolloHooksPlugin: operation "${name}" in ${location} must be PascalCase (letters and digits)`);
      }
      if (/(Query|Mutation)$/.test(name)) {
        throw new Error(`apolloHooksPlugin: operation "${name}" in ${location} must not end with Query or Mutation (the suffix is added)`);
      }
      if (seen.has(name)) throw new Error(`apolloHooksPlugin: operation "${name}" is defined twice (${seen.get(name)}, ${location})`);
      seen.set(name, location);
      if (definition.operation === 'subscription') {
        throw new Error(`apolloHooksPlugin: subscription "${name}" is not supported`);
      }
      const variablesRequired = (definition.variableDefinitions ?? []).some(
        (variable) => variable.type.kind === 'NonNullType' && variable.defaultValue === undefined,
      );
      operations.push({ kind: definition.operation, name, variablesRequired });
    }
  }
  return operations.sort((left, right) => left.name.localeCompare(right.name));
}

/** @param {{ name: string, resultType: string, variablesType: string, documentName: string, variablesRequired: boolean }} operation */
function queryHooks({ name, resultType, variablesType, documentName, variablesRequired }) {
  const optional = variablesRequired ? '' : '?';
  return [
    `/** Runs the \`${name}\` query (\`useQuery\` with its typed document).${variablesRequired ? ' Its variables are required.' : ''} */`,
    `export function use${name}Query(options${optional}: useQuery.Options<${resultType}, ${variablesType}> | SkipToken) {`,
    `  return useQuery(${documentName}, options);`,
    `}`,
    '',
    `/** The \`${name}\` query, run when the returned function is called (\`useLazyQuery\`). */`,
    `export function use${name}LazyQuery(options?: useLazyQuery.Options<${resultType}, ${variablesType}>) {`,
    `  return useLazyQuery(${documentName}, options);`,
    `}`,
    '',
  ].join('\n');
}

/** @param {{ name: string, resultType: string, variablesType: string, documentName: string }} operation */
function mutationHook({ name, resultType, variablesType, documentName }) {
  return [
    `/** The \`${name}\` mutation (\`useMutation\` with its typed document). */`,
    `export function use${name}Mutation(options?: useMutation.Options<${resultType}, ${variablesType}>) {`,
    `  return useMutation(${documentName}, options);`,
    `}`,
    '',
  ].join('\n');
}
