import {
  findPersonalData,
  isPlausibleBankCard,
  isValidIdNumber,
  maskPersonalData,
  passesLuhn,
} from '../../../src/content-check/personal-data-rules';

/** Completes 17 digits with their ISO 7064 MOD 11-2 check character. */
function withIdCheck(first17: string): string {
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...first17].reduce((total, digit, index) => total + Number(digit) * weights[index], 0);
  return first17 + '10X98765432'[sum % 11];
}

/** Completes a card number with its Luhn check digit. */
function withLuhnDigit(partial: string): string {
  for (let digit = 0; digit <= 9; digit++) if (passesLuhn(partial + digit)) return partial + digit;
  throw new Error('unreachable');
}

/** Changes the last character so that the check fails. */
function breakCheck(number: string): string {
  const last = number[number.length - 1];
  return number.slice(0, -1) + (last === '0' ? '1' : '0');
}

const idNumber = withIdCheck('11010519491231002');
const idNumberWithX = (() => {
  for (let serial = 100; serial < 1000; serial++) {
    const candidate = withIdCheck(`44030619900101${serial}`);
    if (candidate.endsWith('X')) return candidate;
  }
  throw new Error('no ID number ending in X');
})();
const bankCard = withLuhnDigit('622202123456789012');
const toFullWidth = (text: string) =>
  text.replace(/[0-9]/g, (digit) => String.fromCharCode(digit.charCodeAt(0) + 0xfee0));

describe('ID numbers', () => {
  test.each([
    ['a valid number', idNumber, true],
    ['a number ending in X', idNumberWithX, true],
    ['a number ending in lower-case x', idNumberWithX.toLowerCase(), true],
    ['full-width digits', toFullWidth(idNumber), true],
    ['a bad check digit', breakCheck(idNumber), false],
    ['an unknown province code', withIdCheck('99010519491231002'), false],
    ['an impossible date (30 February)', withIdCheck('11010519900230002'), false],
    ['a birth year before 1900', withIdCheck('11010518991231002'), false],
    ['17 digits', idNumber.slice(0, 17), false],
  ])('when checking %s, then validity is %s', (_case, number, valid) => {
    expect(isValidIdNumber(number)).toBe(valid);
  });
});

describe('bank cards', () => {
  test.each([
    ['a 19-digit UnionPay card', bankCard, true],
    ['a 16-digit Visa card', '4111111111111111', true],
    ['a bad Luhn digit', breakCheck(bankCard), false],
    ['an order number starting with the year, even when it passes Luhn', withLuhnDigit('202411230001234'), false],
    ['15 digits', '411111111111111', false],
  ])('when checking %s, then plausibility is %s', (_case, number, plausible) => {
    expect(isPlausibleBankCard(number)).toBe(plausible);
  });
});

describe('finding personal data', () => {
  test.each([
    ['an ID number', `身份证号${idNumber}。`, 'id-number', idNumber],
    ['an ID number ending in X', `证件：${idNumberWithX}`, 'id-number', idNumberWithX],
    ['an ID number in full-width digits', `身份证${toFullWidth(idNumber)}`, 'id-number', toFullWidth(idNumber)],
    ['a mobile number', '联系电话13812345678。', 'mobile-number', '13812345678'],
    ['a mobile number in groups', '电话：138 1234 5678', 'mobile-number', '138 1234 5678'],
    ['a mobile number with hyphens', '电话：139-1234-5678', 'mobile-number', '139-1234-5678'],
    ['a mobile number with the country code', '电话+86 13812345678', 'mobile-number', '+86 13812345678'],
    ['a mobile number in full-width digits', '电话１３８１２３４５６７８', 'mobile-number', '１３８１２３４５６７８'],
    ['a bank card', `卡号${bankCard}`, 'bank-card', bankCard],
    ['a bank card in groups of four', '卡号4111 1111 1111 1111，', 'bank-card', '4111 1111 1111 1111'],
  ])('when a text has %s, then it is found', (_case, text, kind, number) => {
    const found = findPersonalData(text);
    expect(found).toHaveLength(1);
    expect(found[0].kind).toBe(kind);
    expect(text.slice(found[0].start, found[0].end)).toBe(number);
  });

  test.each([
    ['an 18-digit order number with a bad checksum', `订单号${breakCheck(idNumber)}`],
    ['an 18-digit order number starting with the year', '订单号202411230001234567'],
    ['a mobile-like number inside a longer digit run', '编号213812345678'],
    ['a mobile-like number followed by more digits', '编号138123456789'],
    ['a phone number inside a URL', '详见 https://www.example.gov.cn/notice?tel=13812345678&id=1'],
    ['a phone number inside a URL without a scheme', '原文 mp.weixin.qq.com/s/13812345678'],
    ['an ID number inside a URL', `链接 https://example.com/${idNumber}`],
    ['a number starting with 12 (not a mobile prefix)', '电话12812345678'],
    ['a 16-digit number failing Luhn', `卡号${breakCheck('4111111111111111')}`],
    ['a date and an amount', '2024年11月26日拨付资金1200000元'],
    ['a landline', '电话023-53222222'],
  ])('when a text has %s, then nothing is found', (_case, text) => {
    expect(findPersonalData(text)).toEqual([]);
  });

  test('when a valid ID number also passes Luhn, then it is reported once, as an ID number', () => {
    for (let serial = 100; serial < 1000; serial++) {
      const candidate = withIdCheck(`51010719850615${serial}`);
      if (!candidate.endsWith('X') && passesLuhn(candidate)) {
        expect(findPersonalData(candidate).map((match) => match.kind)).toEqual(['id-number']);
        return;
      }
    }
    throw new Error('no ID number passing Luhn');
  });
});

describe('masking', () => {
  test.each([
    ['an ID number: first and last digit', `身份证${idNumber}`, `身份证1****************${idNumber[17]}`],
    ['a mobile number: 3 and 4 digits', '电话13812345678', '电话138****5678'],
    ['a grouped mobile number: separators stay', '电话138 1234 5678', '电话138 **** 5678'],
    ['a country code: it stays', '电话+8613812345678', '电话+86138****5678'],
    ['a bank card: 4 and 4 digits', `卡号${bankCard}`, `卡号6222***********${bankCard.slice(-4)}`],
  ])('when masking %s, then the rest is starred', (_case, text, masked) => {
    expect(maskPersonalData(text)).toBe(masked);
  });

  test('when a text is masked, then checking it again finds no personal data and other text is untouched', () => {
    const text = `张三，身份证${idNumberWithX}，电话１３８１２３４５６７８、139-1234-5678，卡号4111 1111 1111 1111，订单202411230001234567，网址 https://a.cn/?m=13812345678`;
    const masked = maskPersonalData(text);
    expect(findPersonalData(masked)).toEqual([]);
    expect(masked).toContain('订单202411230001234567');
    expect(masked).toContain('https://a.cn/?m=13812345678');
    expect(masked).toHaveLength(text.length);
  });

  test('when a text has no personal data, then masking returns it unchanged', () => {
    expect(maskPersonalData('今天天气很好。')).toBe('今天天气很好。');
  });
});
