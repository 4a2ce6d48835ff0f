import { buildSchema, parse, specifiedRules, validate } from 'graphql';
import { describe, expect, it } from 'vitest';
import { createCostLimitRule } from '../../server/graphql/validation/createCostLimitRule.ts';
import { createDepthLimitRule } from '../../server/graphql/validation/createDepthLimitRule.ts';

/** A schema with a cycle (Node.children -> Node), which Topup's schema does not have yet. */
const schema = buildSchema(`
  type Query { root: Node, page(first: Int): Page }
  type Node { id: ID, children(first: Int): Page, parent: Node }
  type Page { nodes: [Node] }
`);

const depthRule = createDepthLimitRule({ depthMax: 5 });
const costRule = createCostLimitRule({ costMax: 1000, pageSizeDefault: 20, pageSizeMax: 100 });

function errorsOf(source: string, rules = [depthRule, costRule]): string[] {
  return validate(schema, parse(source), rules).map((error) => error.message);
}

describe('depth limit rule', () => {
  it('counts fields through fragments and inline fragments, and allows the limit itself', () => {
    // Proves the depth arithmetic: 5 levels pass, 6 levels fail whether written inline or spread through fragments.
    expect(errorsOf('{ root { parent { parent { parent { id } } } } }', [depthRule])).toEqual([]);
    expect(errorsOf('{ root { parent { parent { parent { parent { id } } } } } }', [depthRule])).toEqual([
      'The operation is nested 6 levels deep; the limit is 5.',
    ]);
    expect(
      errorsOf('{ root { ...A } } fragment A on Node { parent { ... on Node { parent { ...B } } } } fragment B on Node { parent { parent { id } } }', [
        depthRule,
      ]),
    ).toEqual(['The operation is nested 6 levels deep; the limit is 5.']);
  });

  it('leaves introspection to graphql-js and terminates on fragment cycles', () => {
    // Proves the two escape hatches: __schema subtrees are not counted here, and a cyclic fragment (reported by NoFragmentCyclesRule) does not hang the rule.
    expect(errorsOf('{ __schema { types { fields { type { ofType { ofType { ofType { name } } } } } } } }', [depthRule])).toEqual([]);
    const cyclic = validate(schema, parse('{ root { ...A } } fragment A on Node { parent { ...A } }'), [...specifiedRules, depthRule]);
    expect(cyclic.map((error) => error.message)).toContain('Cannot spread fragment "A" within itself.');
  });
});

describe('cost limit rule', () => {
  it('multiplies by literal page sizes, the default without first, and the maximum for variables', () => {
    // Proves the estimate: page(first: 10) { nodes { id } } costs 1 + 10 x 2; absent first means 20, a variable means 100.
    const costOf = (source: string): number => {
      const [error] = validate(schema, parse(source), [createCostLimitRule({ costMax: 0, pageSizeDefault: 20, pageSizeMax: 100 })]);
      return error?.extensions.cost as number;
    };
    expect(costOf('{ page(first: 10) { nodes { id } } }')).toBe(21);
    expect(costOf('{ page { nodes { id } } }')).toBe(41);
    expect(costOf('query ($n: Int) { page(first: $n) { nodes { id } } }')).toBe(201);
    expect(costOf('{ page(first: 5000) { nodes { id } } }')).toBe(201);
    expect(costOf('{ page(first: 10) { nodes { children(first: 10) { nodes { id } } } } }')).toBe(1 + 10 * (1 + 1 + 10 * 2));
    expect(errorsOf('{ page(first: 10) { nodes { children(first: 10) { nodes { id } } } } }', [costRule])).toEqual([]);
    expect(errorsOf('{ page(first: 100) { nodes { children(first: 10) { nodes { id } } } } }', [costRule])).toHaveLength(1);
  });

  it('stays fast on a fragment bomb whose expansion is exponential', () => {
    // Proves memoization: 40 fragments each spreading the next twice expand to 2^40 fields, yet the rule answers at once, and refuses.
    const fragments = Array.from({ length: 40 }, (_, index) =>
      index === 39 ? `fragment F${index} on Node { id }` : `fragment F${index} on Node { a: parent { ...F${index + 1} } b: parent { ...F${index + 1} } }`,
    );
    const startedAt = performance.now();
    const errors = validate(schema, parse(`{ root { ...F0 } } ${fragments.join(' ')}`), [costRule]);
    expect(performance.now() - startedAt).toBeLessThan(500);
    expect(errors).toHaveLength(1);
  });
});
