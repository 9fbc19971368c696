/** Turning records into export rows: CSV quoting, and cells that spreadsheets must not run as formulas. Pure. */

export type Cell = string | number | null;

/**
 * Text that starts like a formula (= + - @, tab, carriage return) is prefixed with an apostrophe so
 * Excel shows it instead of evaluating it (CSV injection); numbers are left alone.
 */
export function safeCell(value: Cell): Cell {
  if (typeof value !== 'string') return value;
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

export function csvLine(cells: readonly Cell[]): string {
  return `${cells
    .map((cell) => {
      const text = cell === null ? '' : String(safeCell(cell));
      return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
    })
    .join(',')}\r\n`;
}
