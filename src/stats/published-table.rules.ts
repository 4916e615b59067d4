import { hideWhatPartsHide, protectGroupSums } from './consistent-suppression.rules.js';
import type { LocalSpan } from './period-grid.rules.js';
import type { StatsTable } from './suppression.rules.js';

/** Where the tables come from: the rules over the loaded history. */
export interface TableSource {
  /** The table over one span, for one site or the network, at one threshold, suppressed on its own. */
  tableOf(span: LocalSpan, siteId: string | undefined, threshold: number, by: string | undefined): StatsTable;
  /** The machines of a kind or of a site. */
  machinesOf(group: 'kind' | 'site', label: string): string[];
}

export interface Publication {
  table: string;
  by?: string;
  /** Absent: the network. */
  siteId?: string;
  siteIds: readonly string[];
  threshold: number;
  /** The fablab's own threshold (`stats.suppressBelow`). */
  floor: number;
  grid: { period: LocalSpan; cells: LocalSpan[] };
}

/**
 * The table as published: hiding whatever the tables it could be set against hide, that is the
 * same figures per grid period and per site at the fablab's threshold, the whole at that
 * threshold (so that raising it hides more, never less) and, by machine, the tables by kind and
 * by site (`consistent-suppression.rules.ts`). Each table is worked out once per request.
 */
export function publishedTable(publication: Publication, source: TableSource): StatsTable {
  const { floor, table } = publication;
  const answers = new Map<string, StatsTable>();
  const inScope = (siteId: string | undefined) => (siteId === undefined ? publication.siteIds : [siteId]);

  const answerFor = (
    span: LocalSpan,
    cells: LocalSpan[],
    siteId: string | undefined,
    threshold: number,
    by: string | undefined,
  ): StatsTable => {
    const key = [span.from, span.to, siteId, threshold, by].join('|');
    const known = answers.get(key);
    if (known) return known;
    const parts: StatsTable[] = [];
    if (threshold > floor) parts.push(answerFor(span, cells, siteId, floor, by));
    if (cells.length > 1 || siteId === undefined) {
      for (const site of inScope(siteId))
        for (const cell of cells) parts.push(answerFor(cell, [cell], site, floor, by));
    }
    let answer = hideWhatPartsHide(source.tableOf(span, siteId, threshold, by), parts);
    if (table === 'utilisation' && by === 'machine') {
      const groups = siteId === undefined ? (['kind', 'site'] as const) : (['kind'] as const);
      answer = protectGroupSums(
        answer,
        groups.map((group) => ({
          table: answerFor(span, cells, siteId, threshold, group),
          membersOf: (label: string) => source.machinesOf(group, label),
        })),
      );
    }
    answers.set(key, answer);
    return answer;
  };

  const { period, cells } = publication.grid;
  return answerFor(period, cells, publication.siteId, publication.threshold, publication.by);
}
