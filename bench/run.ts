/**
 * Runs one benchmark by name: `npm run bench -- <name>`. Each benchmark prints its figures and ends
 * with one JSON line.
 */
const benchmarks: Record<string, () => Promise<void>> = {};

async function main(): Promise<void> {
  const name = process.argv[2];
  const run = name ? benchmarks[name] : undefined;
  if (!run) {
    const known = Object.keys(benchmarks);
    process.stderr.write(`usage: npm run bench -- <${known.join('|') || 'none yet'}>\n`);
    process.exit(2);
  }
  await run();
}

void main();
