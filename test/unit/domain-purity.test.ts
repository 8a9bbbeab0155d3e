// domain/ is bundled into the Apps Script add-on and every Lambda: it must not import Node, Apps
// Script or AWS modules. This test reads every import of every file under domain/ and fails on any
// module outside the allowed list (relative files, zod, and pure data packages).
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '../../domain');
const ALLOWED_PACKAGES = ['zod', 'zod/mini'];
const APPS_SCRIPT_GLOBALS =
  /\b(SpreadsheetApp|UrlFetchApp|PropertiesService|LockService|ScriptApp|HtmlService|Utilities|Session|CacheService|MailApp|GmailApp|DriveApp)\s*\./;
const NODE_GLOBALS = /\b(process\.|require\(|Buffer\.|__dirname|__filename)/;

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
}

function importsOf(source: string): string[] {
  const specs: string[] = [];
  const re = /(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\s*\(\s*['"]([^'"]+)['"]\s*\)|import\s+['"]([^'"]+)['"]/g;
  for (const m of source.matchAll(re)) specs.push(m[1] ?? m[2] ?? m[3]);
  return specs;
}

describe('domain purity', () => {
  const all = files(root);

  it('finds the domain sources', () => {
    expect(all.length).toBeGreaterThan(2);
  });

  it.each(all.map((f) => [relative(root, f), f]))('%s imports only pure modules', (_name, file) => {
    const src = readFileSync(file, 'utf8');
    const bad = importsOf(src).filter((s) => !s.startsWith('.') && !ALLOWED_PACKAGES.includes(s));
    expect(bad).toEqual([]);
    expect(src).not.toMatch(/import\s*\{\s*z\s*\}\s*from\s*['"]zod['"]/);
    const code = src.replace(/\/\/.*$/gm, '').replace(/\/\*[\s\S]*?\*\//g, '');
    expect(code).not.toMatch(APPS_SCRIPT_GLOBALS);
    expect(code).not.toMatch(NODE_GLOBALS);
  });

  it('the checker itself catches a forbidden import', () => {
    expect(importsOf("import { readFileSync } from 'node:fs';")).toEqual(['node:fs']);
    expect(importsOf("export * from '@aws-sdk/client-ses'")).toEqual(['@aws-sdk/client-ses']);
    expect(importsOf("const m = await import('crypto')")).toEqual(['crypto']);
  });
});
