// Regenerates vendor/eventsource-parser.js from the npm package named in package.json's
// devDependencies: `npm install && npm run vendor`. The vendored copy is what the WAR serves and the
// tests import, so neither the application nor `mvn verify` needs the npm registry.
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const pkgFile = require.resolve('eventsource-parser/package.json');
const pkg = JSON.parse(readFileSync(pkgFile, 'utf8'));
const source = readFileSync(join(dirname(pkgFile), 'dist', 'index.js'), 'utf8').replace(/\n\/\/# sourceMappingURL=.*\n?$/, '\n');
const header = `// eventsource-parser ${pkg.version} (${pkg.license}, https://github.com/rexxars/eventsource-parser),\n`
  + '// dist/index.js copied unchanged by scripts/vendor.mjs; do not edit, run `npm run vendor`.\n';
writeFileSync(join(here, '..', 'vendor', 'eventsource-parser.js'), header + source);
copyFileSync(join(dirname(pkgFile), 'LICENSE'), join(here, '..', 'vendor', 'eventsource-parser.LICENSE')); // MIT asks for its text
console.log(`vendored eventsource-parser ${pkg.version}`);
