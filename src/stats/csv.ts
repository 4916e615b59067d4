import type { StatCell, StatsColumn, StatsTable } from './suppression.rules.js';

/**
 * What a suppressed cell reads in an export. Not "<5": a cell hidden only to protect another one
 * (complementary suppression) may hold any number, and "<5" would tell a funder something false.
 * Not an empty value either: empty means "nothing to show" (a ratio over zero open hours), and a
 * spreadsheet sums empty cells as 0 without a word. A word in the cell itself needs no legend
 * line, so every line keeps the header's columns and the file loads into any tool as it is.
 */
export const SUPPRESSED_MARKER = 'suppressed';

const DECIMALS: Record<StatsColumn['unit'], number> = { hours: 2, count: 0, ratio: 4 };

/**
 * The table as RFC 4180 CSV: a header row (the row title, then the column keys), one line per
 * row, the total last, CRLF line ends.
 */
export function statsTableToCsv(table: StatsTable): string {
  const lines = [[table.rowTitle, ...table.columns.map((c) => c.key)]];
  for (const row of table.total ? [...table.rows, table.total] : table.rows) {
    lines.push([row.label, ...table.columns.map((c) => figure(row.cells[c.key], c))]);
  }
  return lines.map((fields) => fields.map(csvField).join(',')).join('\r\n') + '\r\n';
}

function figure(cell: StatCell, column: StatsColumn): string {
  if (cell.suppressed) return SUPPRESSED_MARKER;
  return cell.value === null ? '' : String(Number(cell.value.toFixed(DECIMALS[column.unit])));
}

/**
 * Labels are free text (a gender in the person's words, a tag, a failure reason), and a
 * spreadsheet runs a cell starting with = + - @ (or a tab or carriage return before one) as a
 * formula, so such a field is prefixed with an apostrophe, as OWASP advises. Our figures are
 * never negative, so no number is touched.
 */
export function csvField(text: string): string {
  const inert = /^[=+\-@\t\r]/u.test(text) ? `'${text}` : text;
  return /[",\r\n]/u.test(inert) ? `"${inert.replaceAll('"', '""')}"` : inert;
}
