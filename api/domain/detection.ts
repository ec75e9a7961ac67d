import type { DetectionLevel, IdentificationSource, LifeStage, PortType, Sex, SiteType } from './vocabulary.js';

/** A confirmed record: what was found, where and when. */
export interface DetectionRecord {
  id: string;
  specimenId: string;
  taxon: string;
  port: { id: string; code: string; nameZh: string; nameEn: string; type: PortType };
  unitId: string;
  siteType: SiteType;
  collectedAt: Date;
  count: number;
  lifeStage: LifeStage | null;
  sex: Sex | null;
  identifiedBy: IdentificationSource;
  firstLevels: DetectionLevel[];
  watchList: boolean;
  createdAt: Date;
}

export type NewDetection = Omit<DetectionRecord, 'id' | 'port' | 'taxon' | 'createdAt'> & { taxonId: string; portId: string };
