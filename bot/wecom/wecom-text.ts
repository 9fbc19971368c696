/**
 * WeCom cuts a text message at 2,048 UTF-8 bytes (doc 90236). A longer text goes out in pieces of at
 * most that many bytes, cut after a line break where one is near, never inside a character.
 */

/** `text` in pieces of at most `maxBytes` UTF-8 bytes each; one piece when it fits. */
export function splitUtf8Text(text: string, maxBytes: number): string[] {
  const pieces: string[] = [];
  let rest = text;
  while (Buffer.byteLength(rest, 'utf8') > maxBytes) {
    let end = 0;
    let bytes = 0;
    for (const character of rest) {
      const size = Buffer.byteLength(character, 'utf8');
      if (bytes + size > maxBytes) break;
      bytes += size;
      end += character.length;
    }
    const lineBreak = rest.lastIndexOf('\n', end);
    // A line break in the last quarter of the piece is a better place to cut than mid-sentence.
    const cut = lineBreak > end * 0.75 ? lineBreak + 1 : end;
    pieces.push(rest.slice(0, cut));
    rest = rest.slice(cut);
  }
  if (rest || pieces.length === 0) pieces.push(rest);
  return pieces;
}
