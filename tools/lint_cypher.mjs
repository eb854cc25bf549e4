// Lint every orgnet/queries/cypher/*.cypher with Neo4j's own linter (lintCypherQuery from
// @neo4j-cypher/language-support, pinned in package.json). Prints JSON:
//   {"files": N, "problems": [{"file", "severity": "error"|"warning", "deprecation", "message", "line", "column"}]}
// Exit 1 when there is an error or a deprecation warning. Usage: node tools/lint_cypher.mjs [FILE...]
import { readFileSync, readdirSync } from 'node:fs';
import { join, dirname, basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { lintCypherQuery } from '@neo4j-cypher/language-support';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dir = join(root, 'orgnet', 'queries', 'cypher');
const files = process.argv.length > 2
  ? process.argv.slice(2)
  : readdirSync(dir).filter((f) => f.endsWith('.cypher')).sort().map((f) => join(dir, f));

const problems = [];
for (const file of files) {
  // the `// key: value` header is ordinary Cypher comments: linted as is
  const text = readFileSync(file, 'utf8');
  // parameters are the header's `// param: name type =default` lines: using an undeclared
  // $parameter is reported (catalog.run only passes declared ones)
  const sample = { str: '', int: 0, float: 0.0, date: '2025-01-01', bool: false };
  const parameters = {};
  for (const m of text.matchAll(/^\/\/\s*param:\s*(\w+)(?:\s+(\w+))?/gm)) {
    parameters[m[1]] = sample[m[2]] ?? '';
  }
  const { diagnostics } = lintCypherQuery(text, { parameters });
  for (const d of diagnostics) {
    const severity = d.severity === 1 ? 'error' : 'warning';
    problems.push({
      file: basename(file),
      severity,
      deprecation: /deprecat|no longer supported/i.test(d.message),
      message: d.message,
      line: d.range.start.line + 1,
      column: d.range.start.character + 1,
    });
  }
}
console.log(JSON.stringify({ files: files.length, problems }, null, 2));
process.exit(problems.some((p) => p.severity === 'error' || p.deprecation) ? 1 : 0);
