/**
 * What `帮助` answers, pure: the commands this person can use — as officer (信息员), leader (审核领导),
 * admin (管理员) — each with one example; someone not bound yet learns how to bind.
 */

/** [what to write, what it does]; examples use the sample code K7Q2. */
type HelpLine = [example: string, effect: string];

const officerLines: HelpLine[] = [
  ['投稿 关于开展防汛演练的通知（换行）正文', '提交稿件送审；正文也可以是文章链接'],
  ['投稿 转载 冬季防火提示（换行）来源：应急管理部网站（换行）原标题：…（换行）正文', '转载稿件，须注明来源'],
  ['（直接发送文件或图片）', '以文件名为标题投稿'],
  ['修改 K7Q2（换行）新标题（换行）新正文', '提交新版本，重新审核'],
  ['脱敏 K7Q2', '把身份证号、手机号、银行卡号打码后生成新版本'],
  ['撤回 K7Q2', '审核完成前撤回'],
  ['发布 K7Q2', '审核通过后由审发发布到已接入的公众号，并核验发布内容'],
  ['已发布 K7Q2 https://mp.weixin.qq.com/s/…', '审核通过后登记发布（在平台后台发布的）'],
  ['我的稿件', '最近10篇稿件及进度'],
  ['投稿 @应急先锋 标题（换行）正文', '本单位有多个账号时写明发往哪个账号'],
  ['年审 应急先锋（换行）报告正文', '提交年审报告；也可先发“年审 账号名”再发送报告文件'],
  ['申请关停 应急先锋 理由', '申请关停账号；随后“停更公告 账号名 链接”“已注销 账号名”'],
  ['撤回关停 应急先锋', '批准关停前撤回关停申请'],
];

/** Public inquiries (留言): the officers of the unit that answers them. */
const inquiryLines: HelpLine[] = [
  ['留言', '待本单位答复的留言及期限'],
  ['答复 Q7K2 答复内容', '答复留言；公众号留言经客服消息直接送达'],
  ['已答复 Q7K2 [说明]', '已在平台后台答复的，登记答复'],
  ['延期 Q7K2 12月20日 理由', '延长答复期限（最长15个工作日），记录新的承诺日期'],
  ['转办 Q7K2 县住建局', '转交其他单位办理，期限不变'],
  ['类型 Q7K2 投诉 · 无效 Q7K2 重复', '设置留言类型（决定期限）、标记重复或垃圾留言'],
  ['登记留言 应急先锋（换行）留言内容', '登记微博私信、电话等其他渠道的留言'],
];

const leaderLines: HelpLine[] = [
  ['同意 K7Q2 内容属实', '同意本步审核；只有一篇待审时回复“同意”即可，也可引用审核请求回复'],
  ['驳回 K7Q2 数据需核实', '驳回，须写理由，投稿人会收到'],
  ['转交 K7Q2 王建华', '交同事代为审核'],
  ['撤销 K7Q2 数据需再核实', '发布前撤销自己的同意'],
  ['同意答复 Q7K2 · 驳回答复 Q7K2 理由', '单位要求答复须经审核时，审核留言的答复'],
  ['取消代审 王建华', '提前结束请假代审（请假人或代审人均可发送）'],
  ['待办', '等您审核的稿件'],
];

const adminLines: HelpLine[] = [
  ['审计摘要', '生成并签名审计记录摘要'],
  ['年审通过 应急先锋 / 年审不通过 应急先锋 理由', '审核年审报告'],
  ['批准关停 应急先锋 · 关停备案 应急先锋', '批准关停、登记关停备案'],
  ['解绑 孙丽', '为离职等人员解绑，其待审稿件转给备审人或代理人'],
  ['（小程序或服务器上的管理命令）', '为同事发放绑定码、导入组织和审核路线、设置请假代审'],
];

const everyoneLines: HelpLine[] = [
  ['查看 K7Q2', '全文、审核路线与每一步的决定'],
  ['小程序绑定', '获取登录审发小程序用的6位绑定码（请私聊机器人）'],
  ['解绑', '解除本微信与您身份的绑定'],
  ['帮助', '本说明'],
];

const sections: { role: string; heading: string; lines: HelpLine[] }[] = [
  { role: 'officer', heading: '投稿（信息员）', lines: officerLines },
  { role: 'officer', heading: '留言答复（信息员）', lines: inquiryLines },
  { role: 'leader', heading: '审核（审核领导）', lines: leaderLines },
  { role: 'admin', heading: '管理（管理员）', lines: adminLines },
];

const format = ([example, effect]: HelpLine) => `· ${example} —— ${effect}`;

/** The help for a person with these roles; null: not bound yet. */
export function helpFor(roles: readonly string[] | null): string {
  if (!roles) {
    return [
      '审发机器人可以：投稿送审、按回复审核、登记发布，全程留痕。',
      '请先绑定身份：向管理员索取6位绑定码，然后发送',
      '· 绑定 123456',
    ].join('\n');
  }
  const own = sections.filter((section) => roles.includes(section.role));
  // Anyone may submit; a person without the officer role sees it in one line.
  const submitOnly: HelpLine[] = roles.includes('officer') ? [] : [officerLines[0]];
  return [
    '审发机器人可以：',
    ...own.flatMap((section) => [`【${section.heading}】`, ...section.lines.map(format)]),
    ...(submitOnly.length ? ['【投稿】', ...submitOnly.map(format)] : []),
    '【所有人】',
    ...everyoneLines.map(format),
  ].join('\n');
}
