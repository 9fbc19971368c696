/**
 * Personal data in a draft (R7): resident ID numbers, mainland mobile numbers and bank card numbers,
 * found with their checks (region, birth date and ISO 7064 check digit; Luhn) so that order numbers
 * and other long numbers are not taken for personal data, and masked for de-identification
 * (regulation: "涉及公民个人隐私的……应去标识化技术性处理"). Pure code, no I/O.
 */

export type PersonalDataKind = 'id-number' | 'mobile-number' | 'bank-card';

export interface PersonalDataMatch {
  kind: PersonalDataKind;
  /** UTF-16 offsets of the whole number in the text, country code and group separators included. */
  start: number;
  end: number;
  /** The number as it should be published: de-identified (see `keptDigits`). */
  masked: string;
  /**
   * The number as a finding shows it: a few more digits kept than `masked`, enough for the officer to
   * find it in the text, still not enough to read it, and never the same as the suggested form.
   */
  located: string;
}

/**
 * Digits kept visible when masking, first and last. Mobile numbers follow the usual 138****5678;
 * bank cards the usual first and last four; ID numbers keep one digit at each end, because the
 * first six digits name the holder's county and the next eight their birth date.
 */
const keptDigits: Record<PersonalDataKind, readonly [number, number]> = {
  'id-number': [1, 1],
  'mobile-number': [3, 4],
  'bank-card': [4, 4],
};

/** Digits kept, first and last, when a finding points at the number (`located`). */
const locatingDigits: Record<PersonalDataKind, readonly [number, number]> = {
  'id-number': [4, 4],
  'mobile-number': [4, 4],
  'bank-card': [6, 4],
};

const digit = '[0-9０-９]';
const separator = '[ \\-－]';

// "Not part of a longer digit run": no digit right before or after. Full-width digits count as digits.
const idNumberPattern = new RegExp(`(?<!${digit})${digit}{17}[0-9０-９XxＸｘ](?![0-9０-９A-Za-zＡ-Ｚａ-ｚ])`, 'g');
const mobileNumberPattern = new RegExp(
  `(?<!${digit})((?:[+＋]?(?:86|８６)${separator}?)?)[1１][3-9３-９]${digit}(?:${digit}{8}|(${separator})${digit}{4}\\2${digit}{4})(?!${digit})`,
  'g',
);
const bankCardPattern = new RegExp(
  `(?<!${digit})(?:${digit}{16,19}|${digit}{4}(${separator})${digit}{4}\\1${digit}{4}\\1${digit}{4}(?:\\1${digit}{1,3})?)(?!${digit})`,
  'g',
);
// URLs with a scheme or www., and bare domains followed by a path (mp.weixin.qq.com/s/…).
const urlPattern = /(?:[a-z][a-z0-9+.-]*:\/\/|www\.)[!-~]+|[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}\/[!-~]*/gi;

/** Province-level codes (GB/T 2260) an ID number may start with; 83 and 91 are residence permits and foreigners' IDs. */
const provinceCodes = new Set([
  11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52, 53, 54, 61, 62, 63,
  64, 65, 71, 81, 82, 83, 91,
]);
const idWeights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const idCheckCharacters = '10X98765432';

/** ASCII digits (and X) of a number as written, full-width forms folded and separators dropped. */
function toAsciiDigits(text: string): string {
  let digits = '';
  for (const character of text) {
    const code = character.charCodeAt(0);
    if (code >= 0xff10 && code <= 0xff19) digits += String.fromCharCode(code - 0xfee0);
    else if (character === 'x' || character === 'Ｘ' || character === 'ｘ') digits += 'X';
    else if ((code >= 0x30 && code <= 0x39) || character === 'X') digits += character;
  }
  return digits;
}

/**
 * Whether 18 characters form a valid resident ID number: a known province code, a real birth date
 * from 1900 to 2099 and the ISO 7064 MOD 11-2 check character (X for 10).
 */
export function isValidIdNumber(idNumber: string): boolean {
  const id = toAsciiDigits(idNumber);
  if (!/^\d{17}[\dX]$/.test(id)) return false;
  if (!provinceCodes.has(Number(id.slice(0, 2)))) return false;
  const year = Number(id.slice(6, 10));
  const month = Number(id.slice(10, 12));
  const day = Number(id.slice(12, 14));
  if (year < 1900 || year > 2099 || month < 1 || month > 12 || day < 1) return false;
  if (day > new Date(Date.UTC(year, month, 0)).getUTCDate()) return false;
  let sum = 0;
  for (let index = 0; index < 17; index++) sum += Number(id[index]) * idWeights[index];
  return idCheckCharacters[sum % 11] === id[17];
}

/** The Luhn check of a string of ASCII digits. */
export function passesLuhn(digits: string): boolean {
  let sum = 0;
  for (let index = 0; index < digits.length; index++) {
    let value = digits.charCodeAt(digits.length - 1 - index) - 48;
    if (index % 2 === 1) {
      value *= 2;
      if (value > 9) value -= 9;
    }
    sum += value;
  }
  return sum % 10 === 0;
}

/**
 * Whether 16 to 19 digits can be a bank card: the Luhn check, and a first digit a card scheme uses
 * (ISO/IEC 7812: 3 JCB, 4 Visa, 5 Mastercard, 6 UnionPay, 9 domestic debit cards, 2221–2720
 * Mastercard). Order numbers, which usually start with the year (20…), are not taken for cards
 * one time in ten merely because they pass Luhn.
 */
export function isPlausibleBankCard(digits: string): boolean {
  if (!/^\d{16,19}$/.test(digits)) return false;
  const first = digits[0];
  const schemePrefix =
    first === '3' ||
    first === '4' ||
    first === '5' ||
    first === '6' ||
    first === '9' ||
    (first === '2' && Number(digits.slice(0, 4)) >= 2221 && Number(digits.slice(0, 4)) <= 2720);
  return schemePrefix && passesLuhn(digits);
}

/** Masks the digits of `number` except the first `keepFirst` and last `keepLast`; separators stay. */
function maskDigits(number: string, keepFirst: number, keepLast: number): string {
  const total = toAsciiDigits(number).length;
  let seen = 0;
  let masked = '';
  for (const character of number) {
    if (toAsciiDigits(character).length === 1) {
      masked += seen < keepFirst || seen >= total - keepLast ? character : '*';
      seen++;
    } else {
      masked += character;
    }
  }
  return masked;
}

/**
 * Finds the personal data in a text, sorted by position. Numbers inside URLs are left alone (an
 * article id is not a phone number). A number is reported once: an 18-digit number that is a valid
 * ID number is not also checked as a bank card.
 */
export function findPersonalData(text: string): PersonalDataMatch[] {
  // One flag per code unit keeps the overlap test linear however many numbers a text holds.
  const taken = new Uint8Array(text.length);
  const take = (start: number, end: number) => taken.fill(1, start, end);
  for (const match of text.matchAll(urlPattern)) take(match.index, match.index + match[0].length);
  const overlapsTaken = (start: number, end: number) => taken.subarray(start, end).includes(1);
  const found: PersonalDataMatch[] = [];
  const accept = (kind: PersonalDataKind, start: number, end: number, maskFrom: number) => {
    const maskedWith = ([keepFirst, keepLast]: readonly [number, number]) =>
      text.slice(start, maskFrom) + maskDigits(text.slice(maskFrom, end), keepFirst, keepLast);
    found.push({ kind, start, end, masked: maskedWith(keptDigits[kind]), located: maskedWith(locatingDigits[kind]) });
    take(start, end);
  };
  for (const match of text.matchAll(idNumberPattern)) {
    const end = match.index + match[0].length;
    if (!overlapsTaken(match.index, end) && isValidIdNumber(match[0]))
      accept('id-number', match.index, end, match.index);
  }
  for (const match of text.matchAll(mobileNumberPattern)) {
    const end = match.index + match[0].length;
    if (!overlapsTaken(match.index, end)) accept('mobile-number', match.index, end, match.index + match[1].length);
  }
  for (const match of text.matchAll(bankCardPattern)) {
    const end = match.index + match[0].length;
    if (!overlapsTaken(match.index, end) && isPlausibleBankCard(toAsciiDigits(match[0]))) {
      accept('bank-card', match.index, end, match.index);
    }
  }
  return found.sort((left, right) => left.start - right.start);
}

/**
 * De-identifies a text: every ID number, mobile number and bank card number that the content check
 * would report is masked with `*`, keeping its first and last digits (ID number 1 and 1, mobile
 * number 3 and 4, bank card 4 and 4). The result has no personal-data findings of its own.
 */
export function maskPersonalData(text: string): string {
  let masked = '';
  let copiedUpTo = 0;
  for (const match of findPersonalData(text)) {
    masked += text.slice(copiedUpTo, match.start) + match.masked;
    copiedUpTo = match.end;
  }
  return masked + text.slice(copiedUpTo);
}
