import type { LabDetail, UnitNode } from '../contract/index.js';
import type { LabDetailRecord } from '../repositories/lab-directory.repository.js';
import type { UnitWithPorts } from '../services/organisation.service.js';
import { presentPort } from './index.js';

export function presentUnitNode({ unit, ports, administered }: UnitWithPorts): UnitNode {
  return {
    id: unit.id,
    parentId: unit.parent_id,
    level: unit.level,
    code: unit.code,
    nameZh: unit.name_zh,
    nameEn: unit.name_en,
    ports: ports.map(presentPort),
    administered,
  };
}

export function presentLabDetail({ unit, ...lab }: LabDetailRecord): LabDetail {
  return { ...lab, unitId: unit.id };
}
