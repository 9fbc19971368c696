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
  annualReviews: Pick<AnnualReviewService, 'submitReport' | 'reportWithoutText' | 'takeAwaitedReport' | 'decide'>;
}

export class RegistryChatCommands {
  constructor(private readonly dependencies: RegistryChatDependencies) {}

  async run(command: RegistryCommand, actor: RegistryActor): Promise<string> {
    const { accounts, annualReviews } = this.dependencies;
    switch (command.kind) {
      case 'annual-report': {
        if (!command.text) {
          const outcome = await annualReviews.reportWithoutText(actor, command.accountName);
          switch (outcome.kind) {
            case 'awaiting-file':
              return `请在30分钟内发送账号${describeAccount(outcome.account)}的年审报告文件。`;
            case 'awaiting-account':
              return `本单位有 ${outcome.accounts.length} 个账号（${accountNames(outcome.accounts)}），请写明是哪个账号的年审报告：年审 账号名（换行写报告正文，或随后发送报告文件）。`;
            case 'submitted':
              return reportReceipt(outcome.account, outcome.review);
          }
        }
        const { account, review } = await annualReviews.submitReport(actor, command.accountName, {
          text: command.text,
          file: null,
        });
        return reportReceipt(account, review);
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

  /**
   * A file sent after "年审": the receipt of the report it completes, or the question which account it
   * is for; null when the file is a draft.
   */
  async takeReportFile(actor: RegistryActor, file: NonNullable<ReportFile>): Promise<string | null> {
    const outcome = await this.dependencies.annualReviews.takeAwaitedReport(actor, file);
    if (!outcome) return null;
    if (outcome.kind === 'submitted') return reportReceipt(outcome.account, outcome.review);
    return `已收到文件“${outcome.file.name}”。本单位有 ${outcome.accounts.length} 个账号（${accountNames(outcome.accounts)}），请回复“年审 账号名”说明这是哪个账号的年审报告（30分钟内有效）。`;
  }
}

function accountNames(accounts: { name: string }[]): string {
  return accounts.map((account) => account.name).join('、');
}

function reportReceipt(
  account: Parameters<typeof describeAccount>[0],
  review: { year: number; reports: { late: boolean }[] },
): string {
  const late = review.reports.at(-1)?.late ?? false;
  return `已收到账号${describeAccount(account)}${review.year}年度年审报告${late ? '（逾期提交，已记录为逾期）' : ''}，已转管理员审核。`;
}
