// Shared by the Chromium tests: a Chromium launched the way this machine needs (no sandbox as root, no
// background networking: the network is closed), a page that records what it requests and any dialog
// (a script that ran), and the horizontal-overflow measure used at phone widths.
//
// Which Chromium: the system one (/usr/bin/chromium, Debian's package) when it is there, else the one
// @sparticuz/chromium ships inside its npm package (a devDependency: `npm ci` is enough, no download,
// no install script). Its brotli archives (the browser, the NSS/expat libraries it links, SwiftShader)
// are unpacked once per version into a cache directory under the OS temp dir; two test files starting
// at once each unpack into their own directory and rename it into place, so neither runs a half-written
// binary (the package's own executablePath() checks only that /tmp/chromium exists).
//
// Fonts: both browsers get a fontconfig file that adds the Noto Sans Hans fonts of @embedpdf/fonts-sc
// (also a devDependency) to whatever the system has, so Chinese text is drawn with real glyphs and the
// overflow measures and screenshots see its real widths, on a machine with no fonts installed too.
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { brotliDecompressSync } from 'node:zlib';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';

export const SYSTEM_CHROMIUM = '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

const require = createRequire(import.meta.url);

/** A package's own directory (both packages' main files sit one level down: build/, dist/). */
const packageDir = (name: string) => dirname(dirname(require.resolve(name)));

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Make `dir` hold what `fill(partial)` writes, at most once across processes: fill a private
 * directory, then rename it into place (atomic); whoever loses the race drops its copy.
 */
function materialise(dir: string, fill: (partial: string) => void): string {
  if (existsSync(join(dir, '.complete'))) return dir;
  const partial = `${dir}.partial-${process.pid}-${Math.random().toString(36).slice(2)}`;
  mkdirSync(partial, { recursive: true });
  try {
    fill(partial);
    writeFileSync(join(partial, '.complete'), '');
    try {
      renameSync(partial, dir);
    } catch (err) {
      if (!existsSync(join(dir, '.complete'))) throw err;
    }
  } finally {
    rmSync(partial, { recursive: true, force: true });
  }
  return dir;
}

/** Unpack a `.tar.br` of the package into `dir` (tar is on every Debian/Ubuntu image). */
function untarBrotli(archive: string, dir: string): void {
  const r = spawnSync('tar', ['-x', '-C', dir], { input: brotliDecompressSync(readFileSync(archive)) });
  if (r.status !== 0) throw new Error(`tar -x ${archive} failed: ${r.error ?? r.stderr.toString()}`);
}

/** The Chromium that @sparticuz/chromium ships, unpacked (once per version): binary and library path. */
function packagedChromium(): { executablePath: string; libraryPath: string } {
  const pkgDir = packageDir('@sparticuz/chromium');
  const { version } = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')) as { version: string };
  const bin = join(pkgDir, 'bin');
  const dir = materialise(join(tmpdir(), `sibao-chromium-${version}`), (partial) => {
    writeFileSync(join(partial, 'chromium'), brotliDecompressSync(readFileSync(join(bin, 'chromium.br'))), { mode: 0o755 });
    untarBrotli(join(bin, 'swiftshader.tar.br'), partial); // libEGL/libGLESv2 beside the binary
    untarBrotli(join(bin, 'al2023.tar.br'), partial); // lib/: libnss3, libnspr4, libexpat…
  });
  return { executablePath: join(dir, 'chromium'), libraryPath: join(dir, 'lib') };
}

/** A fontconfig file: the system's configuration (if any) plus the CJK fonts of @embedpdf/fonts-sc. */
function fontConfigFile(): string {
  const fontsDir = join(packageDir('@embedpdf/fonts-sc'), 'fonts');
  const dir = materialise(join(tmpdir(), `sibao-fonts-${Buffer.from(fontsDir).toString('base64url')}`), (partial) => {
    const conf = [
      '<?xml version="1.0"?>',
      '<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">',
      '<fontconfig>',
      '  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>',
      `  <dir>${fontsDir}</dir>`,
      `  <cachedir>${join(dirname(partial), 'sibao-fontconfig-cache')}</cachedir>`,
      '</fontconfig>',
      '',
    ];
    writeFileSync(join(partial, 'fonts.conf'), conf.join('\n'));
  });
  return join(dir, 'fonts.conf');
}

/** Which browser `launchChromium` starts here: the system Chromium if present, else the packaged one. */
export function chromiumSource(): 'system' | 'packaged' {
  return isExecutable(SYSTEM_CHROMIUM) ? 'system' : 'packaged';
}

export function launchChromium(extraArgs: string[] = []): Promise<Browser> {
  const env: Record<string, string> = { ...(process.env as Record<string, string>), FONTCONFIG_FILE: fontConfigFile() };
  const args = [...CHROMIUM_ARGS, ...extraArgs];
  if (chromiumSource() === 'system') return chromium.launch({ executablePath: SYSTEM_CHROMIUM, args, env });
  const { executablePath, libraryPath } = packagedChromium();
  env.LD_LIBRARY_PATH = [libraryPath, env.LD_LIBRARY_PATH].filter(Boolean).join(':');
  // A container's /dev/shm may be tiny (64 MB under Docker): keep shared memory in /tmp.
  return chromium.launch({ executablePath, args: [...args, '--disable-dev-shm-usage'], env });
}

export interface WatchedPage {
  context: BrowserContext;
  page: Page;
  /** URLs of every request the page made. */
  requests: string[];
  /** Messages of dialogs opened (alert/confirm): any means a script ran. */
  dialogs: string[];
}

/** A fresh context and page at the viewport, recording requests and dismissing dialogs. */
export async function openWatchedPage(browser: Browser, viewport: { width: number; height: number }): Promise<WatchedPage> {
  const context = await browser.newContext({ viewport, deviceScaleFactor: 1 });
  const page = await context.newPage();
  const requests: string[] = [];
  page.on('request', (r) => requests.push(r.url()));
  const dialogs: string[] = [];
  page.on('dialog', async (d) => {
    dialogs.push(d.message());
    await d.dismiss();
  });
  return { context, page, requests, dialogs };
}

/** The document's scroll width: more than the viewport width means the page scrolls sideways. */
export function scrollWidth(page: Page): Promise<number> {
  return page.evaluate(
    () => (globalThis as unknown as { document: { documentElement: { scrollWidth: number } } }).document.documentElement.scrollWidth,
  );
}
