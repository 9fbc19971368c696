/**
 * Reads the inspection indicator table (config/inspection-indicators/national.json unless the config's
 * readiness.indicatorFile names another, e.g. a province's variant) and validates it at startup, so a
 * bad table stops the process with the field at fault rather than a wrong report later.
 */
import fs from 'node:fs';
import path from 'node:path';
import { findProjectRoot } from '../shared/project-root';
import { IndicatorTableError, parseIndicatorTable } from './indicator-table-rules';
import type { IndicatorTable } from './indicator-table-rules';

export const defaultIndicatorFile = 'config/inspection-indicators/national.json';

/** The table from `file` (relative to the project root, or absolute). */
export function loadIndicatorTable(file: string = defaultIndicatorFile): IndicatorTable {
  const filePath = path.resolve(findProjectRoot(), file);
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(filePath, 'utf8'));
  } catch (error) {
    throw new IndicatorTableError(`读不到考核指标表 ${filePath}：${(error as Error).message}`);
  }
  return parseIndicatorTable(raw, filePath);
}
