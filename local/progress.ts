// Progress on stderr, in Chinese. On a terminal one line is redrawn in place; when stderr is a pipe
// or a file (CI, tests), a line is printed at most every 10 % so logs stay short and readable.
import type { Writable } from 'node:stream';

export interface Progress {
  /** Set the count done (monotonic; values above total are clamped). */
  update(done: number, note?: string): void;
  /** Print the final line. Idempotent. */
  finish(note?: string): void;
}

export interface ProgressOptions {
  stream?: Writable & { isTTY?: boolean; columns?: number };
  /** Unit word after the counts, e.g. 行. */
  unit?: string;
  /** Silence everything (e.g. `--json` runs that want a clean stderr). */
  quiet?: boolean;
}

function bar(fraction: number, width = 20): string {
  const full = Math.round(fraction * width);
  return `[${'#'.repeat(full)}${'.'.repeat(width - full)}]`;
}

export function createProgress(label: string, total: number, opts: ProgressOptions = {}): Progress {
  const stream = opts.stream ?? process.stderr;
  const unit = opts.unit ?? '行';
  const tty = Boolean(stream.isTTY);
  let done = 0;
  let lastDecile = -1;
  let finished = false;
  const line = (note?: string) => {
    const fraction = total > 0 ? done / total : 1;
    const pct = `${Math.floor(fraction * 100)}%`.padStart(4);
    return `${label} ${bar(fraction)} ${pct} ${done}/${total} ${unit}${note ? `  ${note}` : ''}`;
  };
  return {
    update(n, note) {
      if (opts.quiet || finished) return;
      done = Math.min(Math.max(done, n), total);
      if (tty) {
        stream.write(`\r${line(note)}\x1b[K`);
        return;
      }
      const decile = total > 0 ? Math.floor((done / total) * 10) : 10;
      if (decile > lastDecile && done < total) {
        lastDecile = decile;
        stream.write(`${line(note)}\n`);
      }
    },
    finish(note) {
      if (opts.quiet || finished) return;
      finished = true;
      done = total;
      stream.write(`${tty ? '\r' : ''}${line(note)}${tty ? '\x1b[K' : ''}\n`);
    },
  };
}
