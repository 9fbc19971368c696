/**
 * Runs one benchmark by name: `npm run bench -- <name>`. Each benchmark prints its figures and ends
 * with one JSON line.
 */
import { runAnnualReviewBench } from './annual-review-bench';
import { runApiBench } from './api-bench';
import { runApprovalFlowBench } from './approval-flow-bench';
import { runAuditBench } from './audit-bench';
import { runChatLatencyBench } from './chat-latency-bench';
import { runCadenceBench } from './cadence-bench';
import { runContentCheckBench } from './content-check-bench';
import { runDbScaleBench } from './db-scale-bench';
import { runInquiriesBench } from './inquiries-bench';
import { runPublicationSweepBench } from './publication-sweep-bench';
import { runReadinessBench } from './readiness-bench';

const benchmarks: Record<string, () => Promise<void>> = {
  'annual-review': runAnnualReviewBench,
  api: runApiBench,
  'approval-flow': runApprovalFlowBench,
  audit: runAuditBench,
  'chat-latency': runChatLatencyBench,
  cadence: runCadenceBench,
  'content-check': runContentCheckBench,
  'db-scale': runDbScaleBench,
  inquiries: runInquiriesBench,
  'publication-sweep': runPublicationSweepBench,
  readiness: runReadinessBench,
};

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

main().catch((error: unknown) => {
  process.stderr.write(`benchmark failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
