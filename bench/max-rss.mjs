// Preloaded into a benchmarked child (`node --import ./bench/max-rss.mjs …`): on exit, writes the
// process's peak resident set size in KB to the file named by SIBAO_MAX_RSS_FILE.
import { writeFileSync } from 'node:fs';

const out = process.env.SIBAO_MAX_RSS_FILE;
if (out) process.on('exit', () => writeFileSync(out, String(process.resourceUsage().maxRSS)));
