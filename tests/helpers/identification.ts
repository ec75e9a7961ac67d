/** A specimen's `identification` as the API presents it (api/http/schemas.ts `SpecimenIdentificationSchema`). */
export interface IdentificationJson {
  status: 'pending' | 'done' | 'failed';
  error: string | null;
  group: string | null;
  taxon: string | null;
  confidence: number | null;
  rejected: boolean | null;
  topK: { taxon: string; p: number }[];
  model: string | null;
  models: string[];
  timings: { queueMs: number; preprocessMs: number; inferenceMs: number; batchImages: number } | null;
  images: ({ imageId: string; taxon: string } | { imageId: string; error: string })[];
}
