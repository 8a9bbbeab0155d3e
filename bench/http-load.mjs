// A small HTTP load generator for the benchmarks (no dependencies): CONCURRENCY workers send GET
// requests to URL with a bearer token over keep-alive connections for DURATION_MS, then print one
// JSON line: {"requests","errors","ms","rps","p50","p95","bytes"}. A response other than 200 counts
// as an error (its status is printed on stderr once). Run as its own process so the server under test
// keeps its CPU.
// Usage: node bench/http-load.mjs URL TOKEN DURATION_MS CONCURRENCY
const [url, token, durationText, concurrencyText] = process.argv.slice(2);
const duration = Number(durationText ?? 2000);
const concurrency = Number(concurrencyText ?? 8);
const headers = { authorization: `Bearer ${token}` };
const latencies = [];
let errors = 0;
let bytes = 0;
let reported = false;
const t0 = performance.now();
const end = t0 + duration;
async function worker() {
  while (performance.now() < end) {
    const s = performance.now();
    try {
      const res = await fetch(url, { headers });
      const body = await res.arrayBuffer();
      bytes += body.byteLength;
      if (res.status !== 200) {
        errors++;
        if (!reported) {
          reported = true;
          process.stderr.write(`HTTP ${res.status}: ${Buffer.from(body).toString('utf8').slice(0, 300)}\n`);
        }
      }
    } catch (err) {
      errors++;
      if (!reported) {
        reported = true;
        process.stderr.write(`${err?.message ?? err}\n`);
      }
    }
    latencies.push(performance.now() - s);
  }
}
await Promise.all(Array.from({ length: concurrency }, worker));
const ms = performance.now() - t0;
latencies.sort((a, b) => a - b);
const q = (p) => (latencies.length ? latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] : 0);
process.stdout.write(`${JSON.stringify({ requests: latencies.length, errors, ms, rps: (latencies.length / ms) * 1000, p50: q(0.5), p95: q(0.95), bytes })}\n`);
