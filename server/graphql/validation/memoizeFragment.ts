import type { FragmentDefinitionNode } from 'graphql';

/**
 * `measure` of a fragment, memoized by name (a document that spreads fragments exponentially stays
 * linear to check) with cycles cut short: a fragment reached again while it is being measured counts
 * 0 (`NoFragmentCyclesRule` reports the cycle). One per validation of a document.
 */
export function memoizeFragment(measure: (fragment: FragmentDefinitionNode) => number): (fragment: FragmentDefinitionNode) => number {
  const known = new Map<string, number>();
  const inProgress = new Set<string>();
  return (fragment) => {
    const name = fragment.name.value;
    const value = known.get(name);
    if (value !== undefined) return value;
    if (inProgress.has(name)) return 0;
    inProgress.add(name);
    const measured = measure(fragment);
    inProgress.delete(name);
    known.set(name, measured);
    return measured;
  };
}
