// Plain-text rendering for the human-readable output: aligned tables, no colours, no dependencies.

export type Cell = string | number | boolean | null | undefined;

export interface Column<Row> {
  readonly header: string;
  readonly value: (row: Row) => Cell;
  /** Right-aligned (numbers). */
  readonly right?: boolean;
  /** Longer text is cut with an ellipsis (failure reasons, messages). */
  readonly max?: number;
}

function text(cell: Cell): string {
  if (cell === null || cell === undefined || cell === '') return '-';
  // One line per row: newlines inside a value (stack traces, fabric messages) would break the table.
  return String(cell).replace(/\s*\n\s*/g, ' ');
}

export function truncate(value: string, max: number): string {
  return value.length <= max ? value : `${value.slice(0, Math.max(0, max - 1))}…`;
}

export function table<Row>(rows: readonly Row[], columns: readonly Column<Row>[]): string {
  const cells = rows.map((row) => columns.map((column) => {
    const value = text(column.value(row));
    return column.max === undefined ? value : truncate(value, column.max);
  }));
  const widths = columns.map((column, index) => Math.max(column.header.length, ...cells.map((line) => line[index]?.length ?? 0)));
  const render = (line: readonly string[]): string =>
    line
      .map((cell, index) => {
        const width = widths[index] ?? 0;
        return columns[index]?.right ? cell.padStart(width) : cell.padEnd(width);
      })
      .join('  ')
      .trimEnd();
  return [render(columns.map((column) => column.header)), ...cells.map(render)].join('\n');
}

/** An ISO timestamp from epoch milliseconds; null when BullMQ has none. */
export function isoTime(epochMs: number | null | undefined): string | null {
  return typeof epochMs === 'number' && Number.isFinite(epochMs) && epochMs > 0 ? new Date(epochMs).toISOString() : null;
}

export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}
