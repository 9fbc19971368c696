/**
 * `npm run bench -- content-check`: dictionary matching throughput of the content check (R7) with a
 * 20,000-term dictionary over 1 MiB of Chinese text, against a naive indexOf loop and the fastscan
 * package (Aho-Corasick), measured in the same run because the machine is noisy. Ends with one JSON
 * line. BENCH_CONTENT_TEXT names another text file; BENCH_CONTENT_ROUNDS the timed rounds (default 7).
 */
import fs from 'node:fs';
import { checkContent, compileContentRules } from '../src/content-check/content-check-rules';
import { readContentRuleData } from '../src/content-check/content-rules-loader';
import { scanTerms } from '../src/content-check/term-automaton';
import { seededRandom } from './seeded-random';

interface FastScanner {
  search(content: string): Array<[number, string]>;
}
// fastscan ships no types; its constructor takes the word list.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const FastScannerClass = require('fastscan') as new (words: string[]) => FastScanner;

const regulationsPath = process.env.BENCH_CONTENT_TEXT ?? '/work/shared/000_9bb70eb59249fb4f.txt';
const termCount = 20_000;
const textBytes = 1 << 20;
const rounds = Number(process.env.BENCH_CONTENT_ROUNDS ?? 7);
/** The naive loop scans this share of the text; its time is scaled up to the whole text. */
const naiveShare = 1 / 16;

function report(line: string): void {
  process.stdout.write(`${line}\n`);
}

const commonCharacters =
  '的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处队南给色光门即保治北造百规热领七海口东导器压志世金增争济阶油思术极交受联什认六共权收证改清己美再采转更单风切打白教速花带安场身车例真务具万每目至达走积示议声报斗完类八离华名确才科张信马节话米整空元况今集温传土许步群广石记需段研界拉林律叫且究观越织装影算低持音众书布复容儿须际商非验连断深难近矿千周委素技备半办青省列习响约支般史感劳便团往酸历市克何除消构府称太准精值号率族维划选标写存候毛亲快效斯院查江型眼王按格养易置派层片始却专状育厂京识适属圆包火住调满县局照参红细引听该铁价严龙飞';

function loadText(): { text: string; source: string } {
  if (fs.existsSync(regulationsPath)) {
    const unit = fs.readFileSync(regulationsPath, 'utf8');
    let text = '';
    while (Buffer.byteLength(text, 'utf8') < textBytes) text += unit;
    return { text, source: `${regulationsPath} repeated` };
  }
  const random = seededRandom(7);
  const punctuation = '，。、；：';
  let text = '';
  while (Buffer.byteLength(text, 'utf8') < textBytes) {
    text += commonCharacters[Math.floor(random() * commonCharacters.length)];
    if (random() < 0.08) text += punctuation[Math.floor(random() * punctuation.length)];
  }
  return { text, source: `generated text (${regulationsPath} is missing)` };
}

/**
 * 20,000 distinct random terms of 2 to 4 Han characters, drawn from the characters of the text
 * itself so that terms do occur in it (uniform draws from all of Unicode's Han block almost never
 * match and would flatter every engine).
 */
function buildDictionary(text: string): string[] {
  const pool = [...new Set(text.match(/\p{Script=Han}/gu) ?? [])].join('') || commonCharacters;
  const random = seededRandom(20_000);
  const terms = new Set<string>();
  while (terms.size < termCount) {
    const length = 2 + Math.floor(random() * 3);
    let term = '';
    for (let index = 0; index < length; index++) term += pool[Math.floor(random() * pool.length)];
    terms.add(term);
  }
  return [...terms];
}

/** Median of `rounds` timed runs after three warm-up runs (so the JIT has settled), in milliseconds. */
function measure<Result>(run: () => Result): { milliseconds: number; result: Result } {
  let result = run();
  for (let warmUp = 1; warmUp < 3; warmUp++) result = run();
  const times: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const started = process.hrtime.bigint();
    result = run();
    times.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  times.sort((left, right) => left - right);
  return { milliseconds: times[Math.floor(times.length / 2)], result };
}

function naiveCount(terms: readonly string[], text: string): number {
  let found = 0;
  for (const term of terms) {
    for (let at = text.indexOf(term); at !== -1; at = text.indexOf(term, at + 1)) found++;
  }
  return found;
}

export async function runContentCheckBench(): Promise<void> {
  const { text, source } = loadText();
  const bytes = Buffer.byteLength(text, 'utf8');
  const mebibytes = bytes / (1 << 20);
  const terms = buildDictionary(text);
  report(`text: ${source}, ${text.length} characters, ${bytes} UTF-8 bytes; MB below means 2^20 bytes of UTF-8`);
  report(`dictionary: ${terms.length} distinct random terms of 2-4 characters (seeded)`);

  const data = readContentRuleData();
  data.sensitiveWords.categories.push({
    id: 'bench',
    name: '基准测试',
    severity: 'warn',
    suggestion: '基准测试词。',
    words: terms,
  });
  let started = process.hrtime.bigint();
  const rules = compileContentRules(data);
  const compileMs = Number(process.hrtime.bigint() - started) / 1e6;
  started = process.hrtime.bigint();
  const scanner = new FastScannerClass(terms);
  const libraryBuildMs = Number(process.hrtime.bigint() - started) / 1e6;
  report(
    `build: engine ${compileMs.toFixed(0)} ms (starter data + ${terms.length} terms), fastscan ${libraryBuildMs.toFixed(0)} ms`,
  );

  const engine = measure(() => checkContent({ title: '', body: text }, rules));
  const scan = measure(() => scanTerms(rules.automaton, text).count);
  const library = measure(() => scanner.search(text).length);
  // Cross-check: the engine's occurrences of the benchmark terms written without separators inside
  // must be exactly fastscan's matches (the engine also finds terms split by punctuation).
  const matches = scanTerms(rules.automaton, text);
  let plainOccurrences = 0;
  for (let index = 0; index < matches.count; index++) {
    const pattern = matches.patterns[index];
    const entry = rules.entries[pattern];
    const unsplit = matches.ends[index] - matches.starts[index] === rules.automaton.patternLength[pattern];
    if (entry.kind === 'term' && entry.category === '基准测试' && unsplit) plainOccurrences++;
  }
  const agree = plainOccurrences === library.result ? 'agree' : 'DISAGREE';
  report(`cross-check: engine ${plainOccurrences} unsplit occurrences, fastscan ${library.result} matches: ${agree}`);
  const naiveText = text.slice(0, Math.floor(text.length * naiveShare));
  const naiveBytes = Buffer.byteLength(naiveText, 'utf8');
  const naive = measure(() => naiveCount(terms, naiveText));

  const rate = (milliseconds: number, over = bytes) => over / (1 << 20) / (milliseconds / 1000);
  const engineRate = rate(engine.milliseconds);
  const scanRate = rate(scan.milliseconds);
  const libraryRate = rate(library.milliseconds);
  const naiveRate = rate(naive.milliseconds, naiveBytes);
  const median = `median of ${rounds} rounds`;
  report(
    `engine, checkContent (every R7 rule, findings built): ${engine.milliseconds.toFixed(1)} ms = ${engineRate.toFixed(1)} MB/s, ${engine.result.length} findings (${median})`,
  );
  report(
    `engine, dictionary scan only: ${scan.milliseconds.toFixed(1)} ms = ${scanRate.toFixed(1)} MB/s, ${scan.result} raw matches (separators skipped, exceptions included)`,
  );
  report(
    `fastscan search: ${library.milliseconds.toFixed(1)} ms = ${libraryRate.toFixed(1)} MB/s, ${library.result} matches (${median})`,
  );
  report(
    `naive indexOf per term over the first 1/${1 / naiveShare} of the text (${naiveBytes} bytes), scaled: ${((naive.milliseconds / naiveBytes) * bytes).toFixed(0)} ms for the whole text = ${naiveRate.toFixed(2)} MB/s, ${naive.result} matches in that share`,
  );
  report(`text size ${mebibytes.toFixed(2)} MB; the JSON figure mb_per_s is checkContent as a whole`);
  report(
    JSON.stringify({
      bench: 'content-check',
      mb_per_s: Number(engineRate.toFixed(1)),
      naive_mb_per_s: Number(naiveRate.toFixed(2)),
      library_mb_per_s: Number(libraryRate.toFixed(1)),
      terms: terms.length,
    }),
  );
}
