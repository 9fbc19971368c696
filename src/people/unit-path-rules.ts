/** Unit paths as the organization file writes them ("某县人民政府/县教育局"): normalised and taken apart. Pure. */
import { normalizeText } from '../shared/text-normalization';

/** "某县人民政府 ／ 县教育局" → "某县人民政府/县教育局"; null when a segment is empty. */
export function normalizeUnitPath(value: string): string | null {
  const segments = normalizeText(value)
    .split('/')
    .map((segment) => segment.trim());
  return segments.some((segment) => segment === '') ? null : segments.join('/');
}

export function parentPathOf(path: string): string | null {
  const cut = path.lastIndexOf('/');
  return cut === -1 ? null : path.slice(0, cut);
}

export function unitNameOf(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** How deep a unit sits: 1 for a top unit. */
export function unitPathDepth(path: string): number {
  return path.split('/').length;
}
