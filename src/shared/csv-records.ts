/**
 * A CSV file as people export it from Excel or a platform, read into rows with the line each came from
 * (for error messages): a BOM dropped, cells trimmed, empty lines skipped, short rows allowed. Throws
 * csv-parse's error (with `lines`) for a file that is not CSV.
 */
import { parse as parseCsv } from 'csv-parse/sync';

export interface CsvRecord {
  record: string[];
  info: { lines: number };
}

export function readCsvRecords(content: string): CsvRecord[] {
  // With `info`, each record comes with where it was read (the typings do not say so).
  return parseCsv(content, {
    bom: true,
    info: true,
    trim: true,
    skip_empty_lines: true,
    relax_column_count: true,
  }) as unknown as CsvRecord[];
}
