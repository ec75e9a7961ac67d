import type { DatasetSnapshot, DatasetSnapshotDetail } from '../contract/index.js';
import type { DatasetSnapshotRecord } from '../repositories/dataset-snapshot.repository.js';

export function presentSnapshot(record: DatasetSnapshotRecord): DatasetSnapshot {
  const images = (split: 'train' | 'val' | 'test') => record.statistics.reduce((sum, label) => sum + label[split], 0);
  return {
    id: record.id,
    name: record.name,
    filters: record.filters,
    createdBy: record.createdBy,
    createdAt: record.createdAt.toISOString(),
    manifestSha256: record.manifestSha256,
    images: record.images,
    specimens: record.specimens,
    splits: { train: images('train'), val: images('val'), test: images('test') },
  };
}

export function presentSnapshotDetail(record: DatasetSnapshotRecord): DatasetSnapshotDetail {
  return { ...presentSnapshot(record), statistics: record.statistics, provenance: record.provenance };
}
