/**
 * Proves docs/console.md lists the console's shortcuts as the code has them: every shortcut of
 * `console/src/keyboard/shortcuts.ts` has a row of the table with its keys (in backticks) and its
 * description, and the table has no row for a shortcut the code does not have.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { globalShortcuts, goToShortcuts, userPageShortcuts } from '../../console/src/keyboard/shortcuts.ts';

const allShortcuts = [...globalShortcuts, ...goToShortcuts, ...userPageShortcuts];

function documentedRows(): string[] {
  const doc = readFileSync(path.resolve('docs/console.md'), 'utf8');
  const section = doc.split('## Keyboard shortcuts')[1]!.split('\n## ')[0]!;
  return section.split('\n').filter((line) => /^\| `/.test(line));
}

describe('docs/console.md', () => {
  it('has one row per shortcut, with its keys and words', () => {
    const rows = documentedRows();
    for (const shortcut of allShortcuts) {
      const keys = shortcut.keys.map((key) => `\`${key}\``).join(' ');
      const expected = `| ${keys} | ${shortcut.description}${shortcut.adminOnly ? ' (admins)' : ''} |`;
      expect(rows, `the row of ${shortcut.keys.join(' ')}`).toContain(expected);
    }
    expect(rows).toHaveLength(allShortcuts.length);
  });
});
