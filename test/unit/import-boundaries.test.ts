// The import boundaries of the house rules, checked on every source file:
//   - domain/ imports only domain/ and zod (it is bundled into the Apps Script add-on and every
//     Lambda), and uses no Node or Apps Script globals;
//   - inside domain/ the rooms are ordered rows < time < issues < reports: a room imports only itself
//     and the rooms before it;
//   - sheets-addon/ imports only domain/ and its own files;
//   - functions/ never imports local/;
//   - the rooms of functions/: use cases import only domain/, functions/ports.ts and use cases (no
//     adapters, http, handlers or AWS packages); only handlers/ choose adapters; adapters implement
//     ports and import no use case, http or handler; nothing imports a handler; ports.ts imports only
//     domain/.
// Imports are read with TypeScript's own scanner (ts.preProcessFile: static, `export … from`,
// `import type`, dynamic import(), require(); not comments or strings) and resolved to repository
// paths. A rule is one row of RULES: add a row to add a boundary.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, posix, relative, sep } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../..');
const SOURCE = /\.(ts|tsx|mts|cts|js|mjs|cjs)$/;

/** What an import points at: a file of the repository (path from its root) or a package. */
type Target = { file: string } | { pkg: string };

interface Rule {
  name: string;
  /** The files the rule applies to (repository path prefix). */
  from: string;
  /** Why, in one line: printed with each violation. */
  why: string;
  /** True when `importer` may import `target`. */
  allows: (target: Target, importer: string) => boolean;
}

const under = (t: Target, ...dirs: string[]) => 'file' in t && dirs.some((d) => t.file.startsWith(d));
const DOMAIN_PACKAGES = ['zod', 'zod/mini'];
/** AWS clients and Powertools: adapters' business, never a use case's. */
const AWS_PACKAGES = /^(@aws-sdk|@aws-lambda-powertools|@smithy)\//;
/** The rooms of domain/, in order: a room imports only itself and the rooms before it. */
const DOMAIN_ROOMS = ['rows', 'time', 'issues', 'reports'];
/** A domain file's room rank; a file outside the rooms ranks after them all. */
const roomRank = (file: string) => {
  const room = file.split('/')[1];
  const i = DOMAIN_ROOMS.indexOf(room);
  return file.split('/').length > 2 && i >= 0 ? i : DOMAIN_ROOMS.length;
};

const RULES: Rule[] = [
  {
    name: 'domain/ imports only domain/ and zod',
    from: 'domain/',
    why: 'domain/ is bundled into the add-on and every Lambda: only domain/ and zod',
    allows: (t) => under(t, 'domain/') || ('pkg' in t && DOMAIN_PACKAGES.includes(t.pkg)),
  },
  {
    name: `domain rooms in order: ${DOMAIN_ROOMS.join(' < ')}`,
    from: 'domain/',
    why: `a domain room imports only itself and the rooms before it (${DOMAIN_ROOMS.join(' < ')})`,
    allows: (t, importer) => !('file' in t) || !t.file.startsWith('domain/') || roomRank(t.file) <= roomRank(importer),
  },
  {
    name: 'sheets-addon/ imports only domain/',
    from: 'sheets-addon/',
    why: 'the add-on bundle holds only domain/ and its own files',
    allows: (t) => under(t, 'domain/', 'sheets-addon/'),
  },
  {
    name: 'functions/ never imports local/',
    from: 'functions/',
    why: 'local/ is the embedded default; the Lambdas must not bundle it',
    allows: (t) => !under(t, 'local/'),
  },
  {
    name: 'functions/usecases/ import only domain/, ports.ts and use cases',
    from: 'functions/usecases/',
    why: 'use cases are written against functions/ports.ts and domain/: no adapters, http, handlers or AWS packages',
    allows: (t) => ('file' in t ? under(t, 'domain/', 'functions/usecases/', 'functions/ports.') : !AWS_PACKAGES.test(t.pkg)),
  },
  {
    name: 'only functions/handlers/ choose adapters',
    from: 'functions/',
    why: 'use cases and http depend on ports; handlers/ (and local/) pick the adapters that implement them',
    allows: (t, importer) => !under(t, 'functions/adapters/') || importer.startsWith('functions/handlers/') || importer.startsWith('functions/adapters/'),
  },
  {
    name: 'functions/adapters/ import no use case, http or handler',
    from: 'functions/adapters/',
    why: 'an adapter implements ports: it knows the ports and the outside world, not who uses it',
    allows: (t) => !under(t, 'functions/usecases/', 'functions/http/', 'functions/handlers/'),
  },
  {
    name: 'nothing in functions/ imports a handler',
    from: 'functions/',
    why: 'a handler is an entry point (one Lambda): only local/ and tests build on it',
    allows: (t, importer) => !under(t, 'functions/handlers/') || importer.startsWith('functions/handlers/'),
  },
  {
    name: 'functions/ports.ts imports only domain/',
    from: 'functions/',
    why: 'the ports are plain interfaces over domain types',
    allows: (t, importer) => importer !== 'functions/ports.ts' || under(t, 'domain/'),
  },
];

/** Every import of a source text, as written. */
function importsOf(source: string): string[] {
  return ts.preProcessFile(source, true, true).importedFiles.map((f) => f.fileName);
}

/** Where an import written in `importer` points. */
function resolveTarget(importer: string, spec: string): Target {
  if (spec.startsWith('.') || spec.startsWith('/')) return { file: posix.normalize(posix.join(posix.dirname(importer), spec)) };
  return { pkg: spec };
}

interface Violation {
  rule: string;
  file: string;
  spec: string;
  why: string;
}

/** The imports of `files` (repository path → source) that break a rule. */
function check(files: Record<string, string>, rules: readonly Rule[] = RULES): Violation[] {
  const out: Violation[] = [];
  for (const [file, source] of Object.entries(files)) {
    const applicable = rules.filter((r) => file.startsWith(r.from));
    if (applicable.length === 0) continue;
    for (const spec of importsOf(source)) {
      const target = resolveTarget(file, spec);
      for (const r of applicable) if (!r.allows(target, file)) out.push({ rule: r.name, file, spec, why: r.why });
    }
  }
  return out;
}

const describeViolation = (v: Violation) => `${v.file} imports '${v.spec}': ${v.why}`;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return sourceFiles(p);
    return SOURCE.test(name) ? [relative(ROOT, p).split(sep).join('/')] : [];
  });
}

const APPS_SCRIPT_GLOBALS =
  /\b(SpreadsheetApp|UrlFetchApp|PropertiesService|LockService|ScriptApp|HtmlService|Utilities|Session|CacheService|MailApp|GmailApp|DriveApp)\s*\./;
const NODE_GLOBALS = /\b(process\.|require\(|Buffer\.|__dirname|__filename)/;

describe('import boundaries', () => {
  const files = Object.fromEntries(
    ['domain', 'sheets-addon', 'functions'].flatMap((d) => sourceFiles(join(ROOT, d))).map((f) => [f, readFileSync(join(ROOT, f), 'utf8')]),
  );
  const domainFiles = Object.keys(files).filter((f) => f.startsWith('domain/'));

  it('finds the sources of every checked folder', () => {
    for (const r of RULES) expect(Object.keys(files).filter((f) => f.startsWith(r.from)).length, r.from).toBeGreaterThan(2);
    for (const room of DOMAIN_ROOMS) expect(domainFiles.some((f) => f.startsWith(`domain/${room}/`)), room).toBe(true);
  });

  it.each(RULES.map((r) => [r.name, r] as const))('%s', (_name, rule) => {
    expect(check(files, [rule]).map(describeViolation)).toEqual([]);
  });

  it.each(domainFiles.map((f) => [f]))('%s uses no Node or Apps Script globals and no named import of z from zod', (file) => {
    const src = files[file];
    // A named import of `z` from zod defeats tree shaking (~400 KB in the add-on): `import * as z`.
    expect(src).not.toMatch(/import\s*\{\s*z\s*\}\s*from\s*['"]zod['"]/);
    const code = src.replace(/\/\/.*$/gm, '').replace(/\/\*[\s\S]*?\*\//g, '');
    expect(code).not.toMatch(APPS_SCRIPT_GLOBALS);
    expect(code).not.toMatch(NODE_GLOBALS);
  });
});

describe('the checker catches planted violations', () => {
  const rulesBroken = (files: Record<string, string>) => [...new Set(check(files).map((v) => v.rule))];

  it('reads every form of import, not comments or strings', () => {
    const src = [
      "import { readFileSync } from 'node:fs';",
      "export * from '@aws-sdk/client-ses';",
      "import type { X } from './x.js';",
      "export { y } from '../y.js';",
      "const m = await import('crypto');",
      "// import { no } from 'commented-out';",
      "const s = \"import { no } from 'in-a-string'\";",
    ].join('\n');
    expect(importsOf(src)).toEqual(['node:fs', '@aws-sdk/client-ses', './x.js', '../y.js', 'crypto']);
    expect(resolveTarget('domain/rows/kinds.ts', '../../functions/x.js')).toEqual({ file: 'functions/x.js' });
    expect(resolveTarget('domain/rows/kinds.ts', './uscc.js')).toEqual({ file: 'domain/rows/uscc.js' });
  });

  it('domain/ importing functions/, Node or an AWS package', () => {
    expect(rulesBroken({ 'domain/rows/kinds.ts': "import { x } from '../../functions/x.js';" })).toEqual(['domain/ imports only domain/ and zod']);
    expect(rulesBroken({ 'domain/time/time.ts': "import { readFileSync } from 'node:fs';" })).toEqual(['domain/ imports only domain/ and zod']);
    expect(rulesBroken({ 'domain/reports/digest.ts': "export * from '@aws-sdk/client-ses';" })).toEqual(['domain/ imports only domain/ and zod']);
    expect(rulesBroken({ 'domain/issues/a.ts': "const m = await import('../../local/cli.js');" })).toEqual(['domain/ imports only domain/ and zod']);
    expect(check({ 'domain/rows/kinds.ts': "import * as z from 'zod';\nimport { makeUscc } from './uscc.js';" })).toEqual([]);
  });

  it('a domain room importing a later room; earlier rooms and itself are fine', () => {
    const rooms = `domain rooms in order: ${DOMAIN_ROOMS.join(' < ')}`;
    expect(rulesBroken({ 'domain/rows/validate.ts': "import type { IssueRecord } from '../issues/types.js';" })).toEqual([rooms]);
    expect(rulesBroken({ 'domain/time/calendar.ts': "import { x } from '../reports/digest.js';" })).toEqual([rooms]);
    expect(rulesBroken({ 'domain/issues/sweep.ts': "import { x } from '../reports/html.js';" })).toEqual([rooms]);
    expect(
      check({
        'domain/reports/digest.ts': "import { a } from '../rows/kinds.js';\nimport { b } from '../time/time.js';\nimport { c } from '../issues/lifecycle.js';\nimport { d } from './html.js';",
        'domain/time/time.ts': "import { a } from '../rows/kinds.js';",
      }),
    ).toEqual([]);
  });

  it('sheets-addon/ importing anything but domain/ and itself', () => {
    expect(rulesBroken({ 'sheets-addon/sync.ts': "import * as z from 'zod';" })).toEqual(['sheets-addon/ imports only domain/']);
    expect(rulesBroken({ 'sheets-addon/sync.ts': "import { x } from '../functions/ports.js';" })).toEqual(['sheets-addon/ imports only domain/']);
    expect(check({ 'sheets-addon/sync.ts': "import { a } from '../domain/rows/kinds.js';\nimport { b } from './http.js';" })).toEqual([]);
  });

  it('functions/ importing local/', () => {
    expect(rulesBroken({ 'functions/handlers/api.ts': "import { startStack } from '../../local/stack.js';" })).toEqual(['functions/ never imports local/']);
    expect(check({ 'functions/handlers/api.ts': "import { a } from '../ports.js';\nimport { b } from '../../domain/rows/kinds.js';" })).toEqual([]);
  });

  it('the rooms of functions/: use cases on ports, adapters chosen by handlers only', () => {
    const usecases = 'functions/usecases/ import only domain/, ports.ts and use cases';
    const choose = 'only functions/handlers/ choose adapters';
    expect(rulesBroken({ 'functions/usecases/sync.ts': "import { logger } from '../adapters/logger.js';" })).toEqual([usecases, choose]);
    expect(rulesBroken({ 'functions/usecases/actions.ts': "import { confirmPage } from '../http/action-pages.js';" })).toEqual([usecases]);
    expect(rulesBroken({ 'functions/usecases/sweep.ts': "import { QueryCommand } from '@aws-sdk/lib-dynamodb';" })).toEqual([usecases]);
    expect(rulesBroken({ 'functions/http/routes.ts': "import { createStore } from '../adapters/dynamodb-store.js';" })).toEqual([choose]);
    expect(rulesBroken({ 'functions/adapters/metrics.ts': "import { runDispatch } from '../usecases/dispatch.js';" })).toEqual(['functions/adapters/ import no use case, http or handler']);
    expect(rulesBroken({ 'functions/http/router.ts': "import { handler } from '../handlers/api.js';" })).toEqual(['nothing in functions/ imports a handler']);
    expect(rulesBroken({ 'functions/ports.ts': "import type { Logger } from '@aws-lambda-powertools/logger';" })).toEqual(['functions/ports.ts imports only domain/']);
    expect(
      check({
        'functions/handlers/api.ts': "import { createStore } from '../adapters/dynamodb-store.js';\nimport { apiRoutes } from '../http/routes.js';\nimport { createAccess } from '../usecases/access.js';",
        'functions/usecases/sync.ts': "import { randomUUID } from 'node:crypto';\nimport type { Store } from '../ports.js';\nimport { x } from '../../domain/rows/kinds.js';\nimport { c } from './conditional-update.js';",
        'functions/http/routes.ts': "import * as z from 'zod/mini';\nimport { syncAsMember } from '../usecases/sync.js';\nimport type { Log } from '../ports.js';",
        'functions/adapters/digest-store.ts': "import { QueryCommand } from '@aws-sdk/lib-dynamodb';\nimport type { DigestStore } from '../ports.js';",
        'functions/ports.ts': "import type { IssueRecord } from '../domain/issues/types.js';",
      }),
    ).toEqual([]);
  });

  it('prints the file, the import and the reason', () => {
    const [v] = check({ 'domain/rows/kinds.ts': "import { x } from '../../functions/x.js';" });
    expect(describeViolation(v)).toBe("domain/rows/kinds.ts imports '../../functions/x.js': domain/ is bundled into the add-on and every Lambda: only domain/ and zod");
  });
});
