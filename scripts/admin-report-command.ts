/**
 * `npm run admin -- report <账号名|单位全称> [YYYY-MM-DD]`: the 考核自查 report (R10) of a unit, or of one
 * account, as a Chinese text table in the terminal. The operator holds the server's configuration, so
 * any unit or account may be named: a unit's full name first, otherwise an account's name or id.
 */
import type { Services } from '../src/services';
import { renderAccountReportText, renderUnitText } from '../src/readiness/readiness-text';
import { NotFoundError } from '../src/shared/errors';

export const reportUsage = ' | report <账号名|单位全称> [监测日期]';

export async function readinessReportText(
  { readiness, accounts }: Pick<Services, 'readiness' | 'accounts'>,
  reference: string,
  date?: string,
): Promise<string> {
  const moment = readiness.momentOf(date);
  const heading = { date: moment.date, tableName: readiness.table.name };
  const unit = await readiness.findUnitByName(reference);
  if (unit) {
    const [report] = await readiness.reportsForUnits([unit.id], moment);
    if (!report) return `${unit.name}在 ${moment.date} 没有运行中的政务新媒体账号。`;
    return renderUnitText(report, heading);
  }
  const account = await accounts.findForOperator(reference);
  const unitId = String(account.unitId);
  const [report] = await readiness.reportsForUnits([unitId], moment);
  const accountReport = report?.accounts.find((entry) => entry.account.id === String(account._id));
  if (!accountReport) {
    throw new NotFoundError(
      'READINESS_ACCOUNT_NOT_RUNNING',
      `账号“${account.name}”在 ${moment.date} 不在运行（未开通或已注销）`,
    );
  }
  return renderAccountReportText(accountReport, heading);
}
