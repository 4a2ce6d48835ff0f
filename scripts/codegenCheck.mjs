// `npm run codegen:check`: regenerates the GraphQL types and typed documents and fails when the result differs
// from what is committed, so a schema change cannot land without its generated code.
import { execFileSync } from 'node:child_process';

const generatedPaths = ['server/graphql/generated', 'console/src/generated'];
execFileSync('npx', ['graphql-codegen', '--config', 'codegen.ts', '--silent'], { stdio: 'inherit' });
const drift = execFileSync('git', ['status', '--porcelain', '--', ...generatedPaths], { encoding: 'utf8' }).trim();
if (drift !== '') {
  console.error('Generated GraphQL code differs from the committed files (run `npm run codegen` and commit):');
  console.error(drift);
  process.exit(1);
}
console.log('codegen: generated files are up to date');
