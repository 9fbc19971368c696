import {
  ContentRuleError,
  checkContent,
  compileContentRules,
  contentRuleIds,
  maskPersonalData,
} from '../../../src/content-check/content-check-rules';
import type { ContentFinding, ContentRuleData, DraftContent } from '../../../src/content-check/content-check-rules';
import { loadContentRules } from '../../../src/content-check/content-rules-loader';

const rules = loadContentRules();

function check(body: string, draft: Partial<DraftContent> = {}): ContentFinding[] {
  return checkContent({ title: '', body, ...draft }, rules);
}

/** The findings of one rule as [excerpt, severity]. */
function findingsOf(rule: string, body: string): Array<[string, string]> {
  return check(body)
    .filter((finding) => finding.rule === rule)
    .map((finding) => [finding.excerpt, finding.severity]);
}

function emptyData(): ContentRuleData {
  return {
    classifiedMarkers: { category: '涉密标识', markers: [], exceptions: [] },
    sensitiveWords: { categories: [], exceptions: [] },
    advertising: {
      category: '商业广告',
      severity: 'warn',
      phrases: [],
      purchaseCalls: [],
      priceCallWindow: 30,
      exceptions: [],
    },
    wrongExpressions: { category: '严重表述错误', severity: 'block', entries: [], exceptions: [] },
    misusedWords: { category: '错别字', severity: 'warn', entries: [], exceptions: [] },
    reprint: { category: '转载规范', vagueSources: [] },
  };
}

describe('classified markers', () => {
  test.each([
    ['a classification mark', '本文件绝密★1年，请勿外传', '绝密'],
    ['a classification split by a space', '机 密文件', '机 密'],
    ['a secret mark with a star', '秘密★长期', '秘密'],
    ['a "internal material" note', '（内部资料 注意保存）', '内部资料'],
    ['a "do not pass on" note', '此件不得外传', '不得外传'],
  ])('when the body has %s, then it blocks', (_case, body, excerpt) => {
    expect(findingsOf('classified-marker', body)).toContainEqual([excerpt, 'block']);
    const finding = check(body).find((found) => found.rule === 'classified-marker');
    expect(finding?.suggestion).toMatch(/涉密信息不得发布/);
  });

  test.each([
    ['揭秘密码 (揭秘 + 密码)', '带你揭秘密码学的历史'],
    ['a phone password (手机 + 密码)', '请妥善保管手机密码'],
    ['a secret ballot', '选民进入秘密写票处填写选票'],
    ['trade secrets', '依法保护商业秘密'],
    ['the duty to keep state secrets', '保守国家秘密是公民的基本义务'],
    ['classified units named in a regulation', '除涉密单位外，县级以上政府应当开办政务新媒体'],
  ])('when the body has %s, then it is not a marker', (_case, body) => {
    expect(findingsOf('classified-marker', body)).toEqual([]);
  });
});

describe('sensitive words', () => {
  test.each([
    ['a word of a blocking category', '这操作太牛逼了', '牛逼', 'block'],
    ['a word of a warning category', '可代开发票', '代开发票', 'warn'],
    ['a word split by spaces', '可 代 开 发 票', '代 开 发 票', 'warn'],
    ['a word split by punctuation and zero-width spaces', '代。开\u200b发·票', '代。开\u200b发·票', 'warn'],
    ['full-width letters', '贩卖Ｋ粉', 'Ｋ粉', 'warn'],
    ['a half-width letter in upper case', '贩卖K粉', 'K粉', 'warn'],
    ['a word with its own severity', '出售枪支', '出售枪支', 'block'],
  ])('when the body has %s, then it is flagged', (_case, body, excerpt, severity) => {
    expect(findingsOf('sensitive-word', body)).toEqual([[excerpt, severity]]);
  });

  test.each([
    ['a banned word inside a longer allowed word', '发展工业大麻种植'],
    ['a banned word inside the name of a fish', '抚远的大麻哈鱼'],
    ['开光 inside 展开光伏', '全面展开光伏扶贫'],
    ['an ordinary sentence', '市政府召开常务会议，研究部署安全生产工作'],
  ])('when the body has %s, then nothing is flagged', (_case, body) => {
    expect(findingsOf('sensitive-word', body)).toEqual([]);
  });

  test('when the allowed word is next to a real occurrence, then the real one is still flagged', () => {
    expect(findingsOf('sensitive-word', '工业大麻不是大麻毒品')).toEqual([['大麻', 'warn']]);
  });

  test('when a word carries the category name, then the suggestion says which category', () => {
    const [finding] = check('代开发票');
    expect(finding).toMatchObject({ category: '违法交易', suggestion: expect.stringContaining('违法交易类敏感词') });
  });
});

describe('personal data', () => {
  const idNumber = '11010519491231002X';

  test.each([
    ['an ID number', `身份证号：${idNumber}`, 'personal-id-number', '1101**********002X', '1****************X'],
    ['a mobile number', '联系电话13812345678', 'personal-mobile-number', '1381***5678', '138****5678'],
    ['a bank card', '卡号4111111111111111', 'personal-bank-card', '411111******1111', '4111********1111'],
  ])(
    'when the body has %s, then it warns with an excerpt masked enough to find it and suggests the de-identified form',
    (_case, body, rule, shown, suggested) => {
      expect(findingsOf(rule, body)).toEqual([[shown, 'warn']]);
      expect(check(body)[0].suggestion).toContain(`改为“${suggested}”`);
      expect(check(body)[0].suggestion).not.toContain(shown);
    },
  );

  test.each([
    ['an 18-digit order number with a bad checksum', '订单号110105194912310021'],
    ['a phone number inside a URL', '原文链接：https://www.gov.cn/a.html?tel=13812345678'],
  ])('when the body has %s, then no personal data is reported', (_case, body) => {
    expect(check(body).filter((finding) => finding.category === '个人信息')).toEqual([]);
  });

  test('when a masked text is checked, then it has no personal-data findings', () => {
    const body = `申请人${idNumber}，电话13812345678，卡号4111 1111 1111 1111。`;
    expect(check(body).filter((finding) => finding.category === '个人信息')).toHaveLength(3);
    expect(check(maskPersonalData(body)).filter((finding) => finding.category === '个人信息')).toEqual([]);
  });
});

describe('reprints', () => {
  const reprinted = (source: string, originalTitle: string, title = '关于做好冬季安全生产工作的通知') =>
    checkContent({ title, body: '正文', reprint: { source, originalTitle } }, rules);

  test('when a draft is not a reprint, then no reprint rule applies', () => {
    expect(checkContent({ title: '标题', body: '正文', reprint: null }, rules)).toEqual([]);
    expect(checkContent({ title: '标题', body: '正文' }, rules)).toEqual([]);
  });

  test.each([
    ['empty', ''],
    ['only spaces and punctuation', ' ：'],
  ])('when the source is %s, then it blocks', (_case, source) => {
    expect(reprinted(source, '关于做好冬季安全生产工作的通知')).toEqual([
      expect.objectContaining({
        rule: 'reprint-source-missing',
        severity: 'block',
        field: 'reprint',
        start: 0,
        end: 0,
      }),
    ]);
  });

  test.each([['网络'], ['来源：网络'], ['转自 朋友圈']])(
    'when the source is untraceable (%s), then it blocks',
    (source) => {
      expect(reprinted(source, '关于做好冬季安全生产工作的通知')).toEqual([
        expect.objectContaining({ rule: 'reprint-source-vague', severity: 'block', excerpt: source }),
      ]);
    },
  );

  test.each([
    ['the same title', '关于做好冬季安全生产工作的通知'],
    ['the same title with other punctuation and spaces', '关于做好 冬季安全生产工作的通知！'],
  ])('when a named source and %s are given, then nothing is flagged', (_case, originalTitle) => {
    expect(reprinted('新华社', originalTitle)).toEqual([]);
  });

  test('when the title differs from the original, then it warns on the whole title', () => {
    const title = '重磅！冬季安全生产这样做';
    expect(reprinted('应急管理部网站', '关于做好冬季安全生产工作的通知', title)).toEqual([
      expect.objectContaining({
        rule: 'reprint-title-changed',
        severity: 'warn',
        field: 'title',
        start: 0,
        end: title.length,
        excerpt: title,
        suggestion: expect.stringContaining('关于做好冬季安全生产工作的通知'),
      }),
    ]);
  });

  test('when the original title is missing, then it warns', () => {
    expect(reprinted('新华社', '')).toEqual([
      expect.objectContaining({ rule: 'reprint-original-title-missing', severity: 'warn', field: 'reprint' }),
    ]);
  });
});

describe('advertising', () => {
  test.each([
    ['a price with a purchase call', '这款茶叶仅需99元，点击购买！', '99元，点击购买'],
    ['a call before a price with a currency sign', '立即抢购，到手价￥199.9', '立即抢购，到手价￥199.9'],
    ['a price in full-width digits', '扫码下单只要８８元', '扫码下单只要８８元'],
  ])('when the body has %s, then it warns', (_case, body, excerpt) => {
    expect(findingsOf('advertising-price', body)).toEqual([[excerpt, 'warn']]);
  });

  test('when two prices go with one call, then one finding spans them all', () => {
    expect(findingsOf('advertising-price', '原价199元，现价99元，点击购买')).toEqual([
      ['199元，现价99元，点击购买', 'warn'],
    ]);
  });

  test.each([
    ['an advertising phrase', '全网最低价，厂家直销', ['全网最低价', '厂家直销']],
    ['an illegal medical claim', '祖传秘方，药到病除', ['祖传秘方', '药到病除']],
  ])('when the body has %s, then each phrase warns', (_case, body, phrases) => {
    expect(findingsOf('advertising-phrase', body)).toEqual(phrases.map((phrase) => [phrase, 'warn']));
  });

  test.each([
    ['a ticket price without a purchase call', '景区门票价格60元，请提前预约'],
    ['a purchase call without a price', '点击购买链接了解详情'],
    ['a price far from the call', `套餐99元。${'这里是一段与价格无关的很长的说明文字，'.repeat(3)}点击购买`],
    ['an investment in ten thousands of yuan', '项目总投资5000万元，已下单位通知'],
  ])('when the body has %s, then no price finding is made', (_case, body) => {
    expect(findingsOf('advertising-price', body)).toEqual([]);
  });
});

describe('wrong expressions', () => {
  test.each([
    ['a wrong country name', '中国人民共和国成立75周年', '中国人民共和国', '中华人民共和国', 'block'],
    ['a wrong title', '全国人大主席出席会议', '全国人大主席', '全国人大常委会委员长', 'block'],
    [
      'a wrong political term written with other punctuation',
      '不忘初衷，牢记使命',
      '不忘初衷，牢记使命',
      '不忘初心、牢记使命',
      'block',
    ],
    ['a wrong regional title', '台湾总统选举', '台湾总统', '台湾地区领导人', 'block'],
    ['a discouraged title', '村长带领群众', '村长', '村民委员会主任', 'warn'],
  ])('when the body has %s, then the correct form is suggested', (_case, body, excerpt, correct, severity) => {
    const findings = check(body).filter((finding) => finding.rule === 'wrong-expression');
    expect(findings).toEqual([
      expect.objectContaining({ excerpt, severity, suggestion: expect.stringContaining(correct) }),
    ]);
  });

  test('when a long wrong form contains a short one, then only the long one is reported', () => {
    expect(findingsOf('wrong-expression', '全国人大委员长')).toEqual([['全国人大委员长', 'block']]);
  });

  test.each([
    ['the correct form', '全国人大常委会委员长、全国政协主席'],
    ['朝鲜族 after a place name', '东北朝鲜族民俗村'],
    ['村 followed by 长期', '该村长期坚持垃圾分类'],
    ['a CPPCC delegation', '全国政协代表团出访'],
    ['a title that starts like a wrong one', '区政协主任科员'],
  ])('when the body has %s, then it is not flagged', (_case, body) => {
    expect(findingsOf('wrong-expression', body)).toEqual([]);
  });
});

describe('misused words', () => {
  test.each([
    ['a wrong idiom', '大家再接再励', '再接再励', '再接再厉', 'warn'],
    ['a wrong word', '按装空调', '按装', '安装', 'warn'],
    ['a wording preference', '登陆系统', '登陆', '登录', 'info'],
  ])('when the body has %s, then the correct form is suggested', (_case, body, excerpt, correct, severity) => {
    expect(check(body)).toEqual([
      expect.objectContaining({
        rule: 'misused-word',
        excerpt,
        severity,
        suggestion: expect.stringContaining(correct),
      }),
    ]);
  });

  test.each([
    ['按 followed by 装修', '按装修标准验收'],
    ['a landing typhoon', '台风登陆'],
    ['既 followed by 使用', '既使用传统媒体，又使用新媒体'],
  ])('when the body has %s, then it is not flagged', (_case, body) => {
    expect(findingsOf('misused-word', body)).toEqual([]);
  });
});

describe('positions and order', () => {
  test('when title and body both have findings, then each is positioned in its own field and title comes first', () => {
    const title = '关于再接再励的通知';
    const body = '正文：中国人民共和国，电话13812345678';
    const findings = checkContent({ title, body }, rules);
    expect(findings.map((finding) => [finding.field, finding.rule])).toEqual([
      ['title', 'misused-word'],
      ['body', 'wrong-expression'],
      ['body', 'personal-mobile-number'],
    ]);
    for (const finding of findings) {
      const text = finding.field === 'title' ? title : body;
      if (finding.category !== '个人信息') expect(text.slice(finding.start, finding.end)).toBe(finding.excerpt);
    }
    expect(findings[2].start).toBe(body.indexOf('138'));
  });

  test('when findings are returned, then they are sorted by start within a field', () => {
    const findings = check('村长说，大家要再接再励，不要按装，绝密');
    const starts = findings.map((finding) => finding.start);
    expect(starts).toEqual([...starts].sort((left, right) => left - right));
    expect(findings.every((finding) => contentRuleIds.includes(finding.rule as (typeof contentRuleIds)[number]))).toBe(
      true,
    );
  });

  test('when a word is listed in two categories with different severities, then the span is reported once, at the stronger one', () => {
    const data = emptyData();
    data.sensitiveWords.categories = [
      { id: 'mild', name: '轻微', severity: 'info', suggestion: '留意。', words: ['测试词'] },
      { id: 'strong', name: '严重', severity: 'block', suggestion: '删除。', words: ['测试词'] },
    ];
    const findings = checkContent({ title: '', body: '一个测试词' }, compileContentRules(data));
    expect(findings).toEqual([expect.objectContaining({ severity: 'block', category: '严重', start: 2, end: 5 })]);
  });
});

describe('compiling rule data', () => {
  test('when a term has nothing left after normalisation, then the error names the entry', () => {
    const data = emptyData();
    data.sensitiveWords.categories = [
      { id: 'x', name: '测试', severity: 'warn', suggestion: '删除。', words: ['好词', '★ ★'] },
    ];
    expect(() => compileContentRules(data)).toThrow(ContentRuleError);
    expect(() => compileContentRules(data)).toThrow(
      /^sensitiveWords\.categories\[0\]\.words\[1\]: "★ ★" has no letters/,
    );
  });

  test('when a wrong form equals its correct form, then compiling refuses it', () => {
    const data = emptyData();
    data.misusedWords.entries = [{ wrong: '帐号', correct: '帐 号' }];
    expect(() => compileContentRules(data)).toThrow(
      /^misusedWords\.entries\[0\]: wrong and correct forms are the same/,
    );
  });

  test('when a correct form contains its wrong form, then the correct form is not flagged', () => {
    const data = emptyData();
    data.wrongExpressions.entries = [{ wrong: '特区', correct: '香港特区' }];
    const compiled = compileContentRules(data);
    expect(checkContent({ title: '', body: '香港特区' }, compiled)).toEqual([]);
    expect(checkContent({ title: '', body: '经济特区' }, compiled)).toHaveLength(1);
  });
});
