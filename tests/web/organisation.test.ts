// The admin console's organisation tree and port form, their pure parts: how the listed units nest, and which
// positions the form sends.
import { describe, expect, it } from 'vitest';
import type { UnitNode } from '@contract';
import { codeOf, EMPTY_PORT_DRAFT, portDraftOf, positionOf, takesChildUnits, unitTreeOf } from '../../web/src/organisation';

const unit = (code: string, id: string, parentId: string | null, level: UnitNode['level']): UnitNode => ({
  id,
  parentId,
  level,
  code,
  nameZh: code,
  nameEn: code,
  ports: [],
  administered: true,
});

/** The tree as nested codes: `[code, [children…]]`. */
type Shape = [string, Shape[]];
const shapeOf = (branches: ReturnType<typeof unitTreeOf>): Shape[] =>
  branches.map((branch) => [branch.unit.code, shapeOf(branch.children)]);

describe('the unit tree', () => {
  it('nests units under their parents, siblings by code, whatever order they come in', () => {
    const units = [
      unit('YANGSHAN', 'y', 's', 'port'),
      unit('SHANGHAI', 's', 'hq', 'district'),
      unit('NINGBO-AIRPORT', 'a', 'n', 'port'),
      unit('HQ', 'hq', null, 'headquarters'),
      unit('BEILUN', 'b', 'n', 'port'),
      unit('NINGBO', 'n', 'hq', 'district'),
    ];
    expect(shapeOf(unitTreeOf(units))).toEqual([
      [
        'HQ',
        [
          [
            'NINGBO',
            [
              ['BEILUN', []],
              ['NINGBO-AIRPORT', []],
            ],
          ],
          ['SHANGHAI', [['YANGSHAN', []]]],
        ],
      ],
    ]);
  });

  it('roots a person’s tree at the units whose parent they cannot see (their own, a granted one)', () => {
    const units = [unit('BEILUN', 'b', 'n', 'port'), unit('NINGBO', 'n', 'hq', 'district'), unit('YANGSHAN', 'y', 's', 'port')];
    expect(shapeOf(unitTreeOf(units))).toEqual([
      ['NINGBO', [['BEILUN', []]]],
      ['YANGSHAN', []],
    ]);
    expect(unitTreeOf([])).toEqual([]);
  });

  it('offers units under headquarters and districts, none under a port-level unit', () => {
    expect(takesChildUnits({ level: 'headquarters' })).toBe(true);
    expect(takesChildUnits({ level: 'district' })).toBe(true);
    expect(takesChildUnits({ level: 'port' })).toBe(false);
  });
});

describe('the port form', () => {
  it('sends a position only when both numbers are on the globe', () => {
    expect(positionOf({ longitude: '118.128', latitude: '24.544' })).toEqual({ kind: 'ok', longitude: 118.128, latitude: 24.544 });
    expect(positionOf({ longitude: '-180', latitude: '90' })).toEqual({ kind: 'ok', longitude: -180, latitude: 90 });
    for (const [longitude, latitude] of [
      ['', '24.5'],
      ['118', ' '],
      ['180.5', '0'],
      ['0', '-90.01'],
      ['east', '1'],
      ['Infinity', '0'],
    ] as const) {
      expect(positionOf({ longitude, latitude }), `${longitude}, ${latitude}`).toEqual({ kind: 'off-globe' });
    }
    expect(positionOf(EMPTY_PORT_DRAFT)).toEqual({ kind: 'off-globe' });
  });

  it('starts an edit from the port as it is, its position as typed text', () => {
    const port = {
      id: 'p',
      unitId: 'u',
      code: 'CNXMN-GQ',
      nameZh: '高崎',
      nameEn: 'Gaoqi',
      type: 'air' as const,
      longitude: 118.128,
      latitude: 24.544,
    };
    expect(portDraftOf(port)).toEqual({
      code: 'CNXMN-GQ',
      nameZh: '高崎',
      nameEn: 'Gaoqi',
      type: 'air',
      longitude: '118.128',
      latitude: '24.544',
    });
  });

  it('takes codes in capitals, without the blanks around them', () => {
    expect(codeOf('  cnxmn-gq ')).toBe('CNXMN-GQ');
  });
});
