/**
 * Texts too long for a chat message go as a file (a draft's full text with a review request or for
 * "查看"). The file is named by the SHA-256 of its content, so writing it again after a crash or for
 * another reader reuses it; the name people see travels with the outbox message.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';

export interface StoredTextFile {
  path: string;
  name: string;
}

export type TextFileStore = (name: string, text: string) => Promise<StoredTextFile>;

/** Writes texts under `directory` as UTF-8 with a byte-order mark (older Windows editors need it). */
export function textFileStore(directory: string): TextFileStore {
  return async (name, text) => {
    const content = `\ufeff${text.replace(/\r?\n/g, '\r\n')}`;
    const sha256 = createHash('sha256').update(content).digest('hex');
    const filePath = path.join(directory, `${sha256}.txt`);
    await fs.mkdir(directory, { recursive: true });
    await fs.writeFile(filePath, content);
    return { path: filePath, name: safeFileName(name) };
  };
}

/** A file name every chat client and operating system accepts: no path or reserved characters, not too long. */
export function safeFileName(name: string): string {
  const extension = path.extname(name);
  const stem = name
    .slice(0, name.length - extension.length)
    .replace(/[\\/:*?"<>|\p{Cc}\p{Cf}]/gu, '_')
    .trim();
  return `${Array.from(stem).slice(0, 60).join('') || 'text'}${extension}`;
}
