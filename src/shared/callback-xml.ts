/**
 * The XML of Tencent's pushes (WeCom callbacks, Official Account pushes), pure: elements, text and CDATA,
 * no attributes that matter, no DTD. Read by a scanner, not by matching tags with patterns, so a user's
 * text that spells out tags (`</Content><FromUserName>…`) stays inside its CDATA and names no field.
 */

export interface XmlElement {
  tag: string;
  /** The element's own text and CDATA, decoded, in order. */
  text: string;
  children: XmlElement[];
}

const entities: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
const entityPattern = /&(?:(lt|gt|amp|quot|apos)|#(\d{1,7})|#x([0-9a-fA-F]{1,6}));/g;
/** Pushes are a few levels deep (xml → PublishEventInfo → article_detail → item); deeper is not theirs. */
const maxDepth = 8;
const openTag = /\s*<([A-Za-z_][\w.:-]*)(?:\s+[^<>]*?)?(\/?)>/y;
const closeTag = /<\/([A-Za-z_][\w.:-]*)\s*>/y;

/** Plain text with its entities decoded; null when it holds a bare `&` or an unknown entity. */
function decodeEntities(raw: string): string | null {
  if (/&/.test(raw.replace(entityPattern, ''))) return null;
  return raw.replace(entityPattern, (_, name?: string, decimal?: string, hex?: string) =>
    name
      ? entities[name]
      : String.fromCodePoint(Math.min(Number.parseInt(decimal ?? hex ?? '0', decimal ? 10 : 16), 0x10ffff)),
  );
}

/** Reads by position (sticky patterns, no slicing), so a large body costs one pass. */
class XmlScanner {
  position = 0;

  constructor(private readonly source: string) {}

  /** The element starting here (after optional whitespace), or null when the text is not one. */
  element(depth: number): XmlElement | null {
    openTag.lastIndex = this.position;
    const open = openTag.exec(this.source);
    if (!open || depth > maxDepth) return null;
    this.position = openTag.lastIndex;
    const node: XmlElement = { tag: open[1], text: '', children: [] };
    if (open[2] === '/') return node;
    // Whitespace beside CDATA is layout (`<MsgType> <![CDATA[text]]></MsgType>`), not part of the value.
    const parts: { text: string; cdata: boolean }[] = [];
    for (;;) {
      const at = this.position;
      if (this.source.startsWith('<![CDATA[', at)) {
        const end = this.source.indexOf(']]>', at + 9);
        if (end < 0) return null;
        parts.push({ text: this.source.slice(at + 9, end), cdata: true });
        this.position = end + 3;
      } else if (this.source.startsWith('<!--', at)) {
        const end = this.source.indexOf('-->', at + 4);
        if (end < 0) return null;
        this.position = end + 3;
      } else if (this.source.startsWith('</', at)) {
        closeTag.lastIndex = at;
        const close = closeTag.exec(this.source);
        if (!close || close[1] !== node.tag) return null;
        this.position = closeTag.lastIndex;
        const hasCdata = parts.some((part) => part.cdata);
        node.text = parts
          .filter((part) => !hasCdata || part.cdata || part.text.trim() !== '')
          .map((part) => part.text)
          .join('');
        return node;
      } else if (this.source.startsWith('<', at)) {
        const child = this.element(depth + 1);
        if (!child) return null;
        node.children.push(child);
      } else {
        const end = this.source.indexOf('<', at);
        if (end < 0) return null;
        const text = decodeEntities(this.source.slice(at, end));
        if (text === null) return null;
        parts.push({ text, cdata: false });
        this.position = end;
      }
    }
  }

  atEnd(): boolean {
    return this.source.slice(this.position).trim() === '';
  }
}

/** The root `<xml>` element of a push; null when the text is not such a document. */
export function parseXmlDocument(xml: string): XmlElement | null {
  const prolog = /^\s*(?:<\?xml[^>]*\?>)?/.exec(xml)?.[0] ?? '';
  const scanner = new XmlScanner(xml.slice(prolog.length));
  const root = scanner.element(0);
  return root && root.tag === 'xml' && scanner.atEnd() ? root : null;
}

/** The first child named `tag`. */
export function childOf(element: XmlElement | undefined, tag: string): XmlElement | undefined {
  return element?.children.find((child) => child.tag === tag);
}

/** The text of the first child named `tag`; '' when absent. */
export function textOf(element: XmlElement | undefined, tag: string): string {
  return childOf(element, tag)?.text ?? '';
}

/**
 * The children of the root `<xml>` element by tag name (a nested element gives its own text only); null
 * when the text is not such a document.
 */
export function parseCallbackXml(xml: string): Record<string, string> | null {
  const root = parseXmlDocument(xml);
  if (!root) return null;
  const fields: Record<string, string> = {};
  for (const child of root.children) fields[child.tag] = child.text;
  return fields;
}

/** Text as CDATA; a value holding "]]>" is split over two sections, as the platforms do. */
export function cdata(value: string): string {
  return `<![CDATA[${value.replace(/]]>/g, ']]]]><![CDATA[>')}]]>`;
}

/** What buildCallbackXml writes: text (as CDATA), numbers (plain), nested elements, and repeated ones. */
export type XmlValue = string | number | XmlFields | (string | number | XmlFields)[];
export interface XmlFields {
  [tag: string]: XmlValue;
}

function buildElement(tag: string, value: XmlValue): string {
  if (Array.isArray(value)) return value.map((item) => buildElement(tag, item)).join('');
  if (typeof value === 'number') return `<${tag}>${value}</${tag}>`;
  if (typeof value === 'string') return `<${tag}>${cdata(value)}</${tag}>`;
  const children = Object.entries(value).map(([childTag, child]) => buildElement(childTag, child));
  return `<${tag}>${children.join('')}</${tag}>`;
}

/** An `<xml>` document with every text in CDATA (numbers as plain text, as the platforms write them). */
export function buildCallbackXml(fields: XmlFields): string {
  return buildElement('xml', fields);
}
