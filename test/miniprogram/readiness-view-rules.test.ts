/** 考核自查's pure parts (lib/readiness-view): status words and colours, the query, the rows and the report. */
import {
  formatScore,
  monitoringDateText,
  readinessQuery,
  readinessStatusTags,
  readinessStatusWords,
  toAccountReportView,
  toEvidenceRow,
  toReadinessOverviewView,
} from '../../miniprogram/app/lib/readiness-view';
import { readinessFixtures } from './support/readiness-fixtures';

describe('考核自查 view rules', () => {
  test('when a status is shown, then it has its word and its colour; 未接入 is grey, never green', () => {
    expect(readinessStatusWords).toEqual({ pass: '合格', risk: '风险', fail: '不合格', 'not-connected': '未接入' });
    expect(readinessStatusTags).toEqual({ pass: 'approved', risk: 'warn', fail: 'critical', 'not-connected': 'info' });
  });

  test('when the 监测日期 is today, then no date is sent (the server reports as of now); a past one is sent', () => {
    expect(readinessQuery('2026-11-27', '2026-11-27')).toEqual({});
    expect(readinessQuery('', '2026-11-27')).toEqual({});
    expect(readinessQuery('2026-11-05', '2026-11-27')).toEqual({ date: '2026-11-05' });
    expect(monitoringDateText('2026-11-27', '2026-11-27')).toBe('2026-11-27（今天）');
    expect(monitoringDateText('2026-11-05', '2026-11-27')).toBe('2026-11-05');
  });

  test('when a score has a fraction, then one decimal shows; a whole one shows none', () => {
    expect([52.5, 78, 66.666].map(formatScore)).toEqual(['52.5', '78', '66.7']);
  });

  test('when the overview is shown, then units keep the server’s order with counts that alert only when non-zero', () => {
    const view = toReadinessOverviewView(readinessFixtures.overview);
    expect(view.tableText).toBe('全国政务新媒体检查指标（默认），60 分及格');
    expect(view.units.map((unit) => [unit.name, unit.statusText, unit.statusTag, unit.lowestScoreText])).toEqual([
      ['县应急管理局', '不合格', 'critical', '最低 52.5 分'],
      ['县教育局', '合格', 'approved', '最低 96 分'],
    ]);
    expect(view.units[0].counts).toEqual([
      { key: 'fail', label: '不合格', value: 1, alert: true },
      { key: 'risk', label: '风险', value: 1, alert: true },
      { key: 'pass', label: '合格', value: 0, alert: false },
    ]);
    expect(view.units[0].accounts[0]).toMatchObject({
      name: '应急微博',
      platformText: '微博',
      scoreText: '52.5 分',
      firstToFixText: '首先整改：内容更新——已满14天未更新，单项否决：今天就发布一条，并安排固定的更新人',
      notConnectedText: '1 项未接入',
    });
    expect(view.units[1].accounts[0]).toMatchObject({ firstToFixText: '各项指标均合格', notConnectedText: '' });
  });

  test('when a record is a draft or an inquiry, then it opens its page; others open nothing and a missing date is blank', () => {
    const at = '2026-11-12T17:30:00.000Z';
    expect(toEvidenceRow({ kind: 'draft', id: 'd1', label: '《通知》', at, url: '' }, 0)).toMatchObject({
      opens: 'draft',
      dateText: '2026-11-13',
    });
    expect(toEvidenceRow({ kind: 'inquiry', id: 'q1', label: '留言 Q7K2', at, url: '' }, 1).opens).toBe('inquiry');
    for (const kind of ['post', 'article', 'account', 'annual-review'] as const) {
      expect(toEvidenceRow({ kind, id: 'x', label: '', at: '', url: '' }, 2)).toMatchObject({
        opens: '',
        dateText: '',
      });
    }
  });

  test('when the report is shown, then each line has its group in words and the records not listed are counted', () => {
    const view = toAccountReportView(readinessFixtures.weiboReport);
    expect(view).toMatchObject({ statusText: '不合格', unitName: '县应急管理局', date: '2026-11-27' });
    expect(view.notConnectedNote).toBe('1 项未接入平台或没有记录，不计为合格，请接入后再看。');
    expect(view.lines.map((line) => `${line.name} ${line.groupText} ${line.statusText}`)).toEqual([
      '内容更新 单项否决 不合格',
      '留言回应 单项否决 风险',
      '备案 扣分项 风险',
      '答复率 扣分项 未接入',
      '年审 扣分项 合格',
    ]);
    expect(view.lines[1].moreEvidenceText).toBe('另有 2 条记录未列出');
    expect(view.lines[0].moreEvidenceText).toBe('');
  });
});
