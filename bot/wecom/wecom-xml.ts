/**
 * WeCom's callback XML, pure: one `<xml>` element whose children are text or CDATA. Nested elements
 * (the selected items of a vote card) are kept as their raw inner text and not read further; shenfa
 * only needs the flat fields.
 */

const entities: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function decodeText(raw: string): string {
  // A value holding "]]>" comes as several CDATA sections in a row.
  if (/^\s*<!\[CDATA\[/.test(raw)) return raw.trim().replace(/<!\[CDATA\[([\s\S]*?)\]\]>/g, '$1');
  return raw.replace(/&(lt|gt|amp|quot|apos);/g, (_, name: string) => entities[name]);
}

/** The children of the root `<xml>` element by tag name; null when the text is not such a document. */
export function parseCallbackXml(xml: string): Record<string, string> | null {
  const root = /^\s*(?:<\?xml[^>]*\?>\s*)?<xml>([\s\S]*)<\/xml>\s*$/.exec(xml);
  if (!root) return null;
  const fields: Record<string, string> = {};
  const child = /<([A-Za-z_][\w.-]*)>([\s\S]*?)<\/\1>/g;
  for (let match = child.exec(root[1]); match; match = child.exec(root[1])) {
    fields[match[1]] = decodeText(match[2]);
  }
  return fields;
}

/** A flat `<xml>` document with every value in CDATA (numbers as plain text, as WeCom writes them). */
export function buildCallbackXml(fields: Record<string, string | number>): string {
  const children = Object.entries(fields).map(([tag, value]) =>
    typeof value === 'number'
      ? `<${tag}>${value}</${tag}>`
      : `<${tag}><![CDATA[${value.replace(/]]>/g, ']]]]><![CDATA[>')}]]></${tag}>`,
  );
  return `<xml>${children.join('')}</xml>`;
}
