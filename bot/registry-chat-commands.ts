/**
 * The registry and annual-review commands in chat (R4, R5): 年审 reports (text, or a file sent after
 * "年审 账号名"), the admins' 年审通过 / 年审不通过, and the closure steps and 撤回关停. Replies say what happened and
 * what comes next; refusals are the services' Chinese errors.
 */
import type { AccountService } from '../src/accounts/account-service';
import type { RegistryActor } from '../src/accounts/account-queries';
import { closureNextHints } from '../src/accounts/account-messages';
import { closureStepWords, describeAccount } from '../src/accounts/account-rules';
import type { AnnualReviewService, ReportFile } from '../src/annual-review/annual-review-service';
import type { RegistryCommand } from './registry-command-parser';

export interface RegistryChatDependencies {
  accounts: Pick<AccountService, 'findByName' | 'advanceClosure' | 'withdrawClosure'>;
  annualReviews: Pick<AnnualReviewService, 'submitReport' | 'awaitReportFile' | 'takeAwaitedReport' | 'decide'>;
}

export class RegistryChatCommands {
  constructor(private readonly dependencies: RegistryChatDependencies) {}

  async run(command: RegistryCommand, actor: RegistryActor): Promise<string> {
    const { accounts, annualReviews } = this.dependencies;
    switch (command.kind) {
      case 'annual-report': {
        if (!command.text) {
          const account = await annualReviews.awaitReportFile(actor, command.accountName);
          return `请在30分钟内发送账号${describeAccount(account)}的年审报告文件。`;
        }
        const { account, review } = await annualReviews.submitReport(actor, command.accountName, {
          text: command.text,
          file: null,
        });
        return reportReceipt(account, review.year, review.reports[review.reports.length - 1]?.late ?? false);
      }
      case 'annual-decision': {
        const { account, review } = await annualReviews.decide(actor, command.accountName, {
          passed: command.passed,
          reason: command.reason,
        });
        return `已记录：账号${describeAccount(account)}${review.year}年度年审${command.passed ? '通过' : '不通过'}。`;
      }
      case 'closure': {
        const found = await accounts.findByName(actor, command.accountName);
        const account = await accounts.advanceClosure(actor, String(found._id), {
          step: command.step,
          note: command.note,
          url: command.url,
        });
        return `已记录：账号${describeAccount(account)}${closureStepWords[command.step]}。${closureNextHints[command.step]}`;
      }
      case 'closure-withdrawal': {
        const found = await accounts.findByName(actor, command.accountName);
        const account = await accounts.withdrawClosure(actor, String(found._id), command.note);
        return `已撤回账号${describeAccount(account)}的关停申请，账号继续运行，可正常投稿。`;
      }
    }
  }

  /** A file that completes a "年审 账号名" sent shortly before: the receipt; null when the file is a draft. */
  async takeReportFile(actor: RegistryActor, file: NonNullable<ReportFile>): Promise<string | null> {
    const submitted = await this.dependencies.annualReviews.takeAwaitedReport(actor, file);
    if (!submitted) return null;
    const { account, review } = submitted;
    return reportReceipt(account, review.year, review.reports[review.reports.length - 1]?.late ?? false);
  }
}

function reportReceipt(account: Parameters<typeof describeAccount>[0], year: number, late: boolean): string {
  return `已收到账号${describeAccount(account)}${year}年度年审报告${late ? '（逾期提交，已记录为逾期）' : ''}，已转管理员审核。`;
}
