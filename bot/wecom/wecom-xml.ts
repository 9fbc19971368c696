/**
 * WeCom's callback XML: the shared reader of src/shared/callback-xml.ts, which keeps a member's text
 * inside its CDATA whatever tags it spells out. shenfa only needs the flat fields of the root `<xml>`.
 */
export { buildCallbackXml, parseCallbackXml } from '../../src/shared/callback-xml';
