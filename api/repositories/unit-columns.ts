import type { UnitRef } from '../domain/review.js';
import type { UnitLevel } from '../domain/vocabulary.js';

/** The columns of a joined `units` row that make a unit record, for a query's `select`. */
export const UNIT_COLUMNS = [
  'units.id as unit_id',
  'units.code as unit_code',
  'units.level as unit_level',
  'units.name_zh as unit_name_zh',
  'units.name_en as unit_name_en',
  'units.path as unit_path',
] as const;

interface UnitColumns {
  unit_id: string;
  unit_code: string;
  unit_level: UnitLevel;
  unit_name_zh: string;
  unit_name_en: string;
  unit_path: string;
}

/** The unit a row selected with {@link UNIT_COLUMNS} names, with its path (for scoping; presenters drop it). */
export function unitOf(row: UnitColumns): UnitRef & { path: string } {
  return {
    id: row.unit_id,
    code: row.unit_code,
    level: row.unit_level,
    nameZh: row.unit_name_zh,
    nameEn: row.unit_name_en,
    path: row.unit_path,
  };
}
