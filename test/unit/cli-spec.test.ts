// One table of the CLI's commands and options (local/commands/spec.ts): every option a command
// parses is in its --help, in the top-level help and in README's CLI table, and nothing else is.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HELP } from '../../local/cli.js';
import { argSpecOf, COMMAND_SPECS, commandHelp, HELP_WIDTH, topHelp, usageWords } from '../../local/commands/spec.js';
import { displayWidth } from '../../local/format.js';

const README = readFileSync(join(import.meta.dirname, '..', '..', 'README.md'), 'utf8');
const flagsIn = (text: string) => [...text.matchAll(/--[a-z][a-z-]*/g)].map((m) => m[0]).sort();
const optionsOf = (name: string) =>
  COMMAND_SPECS.find((c) => c.name === name)!
    .options.map((o) => `--${o.flag}`)
    .sort();

/** README's CLI table: command name -> the usage cell's text. */
function readmeTable(): Map<string, string> {
  const section = README.slice(README.indexOf('## The `sibao` CLI'), README.indexOf('## How it fits together'));
  const rows = new Map<string, string>();
  for (const line of section.split('\n')) {
    const m = /^\| `sibao ([a-z-]+)([^`]*)` \|/.exec(line);
    if (m) rows.set(m[1], m[2]);
  }
  return rows;
}

describe('the command table', () => {
  it('lists the commands in the order README lists them', () => {
    expect([...readmeTable().keys()]).toEqual(COMMAND_SPECS.map((c) => c.name));
  });

  it.each(COMMAND_SPECS.map((c) => [c.name]))('%s: README, --help, the top-level help and the parser name the same options', (name) => {
    const want = optionsOf(name);
    expect(flagsIn(readmeTable().get(name)!), 'README').toEqual(want);
    expect(Object.keys(argSpecOf(name).flags).map((f) => `--${f}`).sort(), 'parser').toEqual(want);
    // Each option has its own line in the command's help (plus the usage line).
    const help = commandHelp(name);
    for (const flag of want) expect(help, flag).toMatch(new RegExp(`^  ${flag}\\s+\\S`, 'm'));
    const usage = help.slice(0, help.indexOf('\n\n'));
    expect([...new Set(flagsIn(usage))].sort(), 'usage line').toEqual(want);
    // The top-level help carries the full usage of every command.
    const block = topHelp().split('\n').findIndex((l) => l.startsWith(`  ${name} `) || l === `  ${name}`);
    expect(block, 'top-level help').toBeGreaterThan(0);
    const lines: string[] = [];
    for (const l of topHelp().split('\n').slice(block)) {
      if (lines.length && !l.startsWith('      [') && !l.startsWith('      (') && !l.startsWith('      --')) break;
      lines.push(l);
    }
    expect([...new Set(flagsIn(lines.join(' ')))].sort(), 'top-level help').toEqual(want);
  });

  it('README and the helps show required options and alternatives the same way', () => {
    const table = readmeTable();
    for (const c of COMMAND_SPECS) {
      const words = usageWords(c).join(' ');
      for (const o of c.options) {
        const bracketed = new RegExp(`\\[--${o.flag}[ \\]]`);
        expect(bracketed.test(words), `${c.name} --${o.flag} in the help`).toBe(!o.required && !o.oneOf);
        expect(bracketed.test(table.get(c.name)!), `${c.name} --${o.flag} in README`).toBe(!o.required && !o.oneOf);
      }
    }
  });

  it('every help fits in 100 columns', () => {
    for (const text of [HELP, ...COMMAND_SPECS.map((c) => commandHelp(c.name))]) {
      for (const line of text.split('\n')) expect(displayWidth(line), line).toBeLessThanOrEqual(HELP_WIDTH);
    }
  });
});
