import type { FastifyInstance } from 'fastify';

export interface UploadFile {
  name: string;
  data: Buffer;
  type?: string;
  field?: string;
}

export const validMetadata = (overrides: Record<string, unknown> = {}) => ({
  portCode: 'CNNGB-BL',
  siteType: 'ship',
  locationDetail: 'MV Ever Given, hold 3',
  trapMethod: 'light_trap',
  collectedAt: '2026-11-20T06:30:00Z',
  collector: 'Li Wei',
  count: 3,
  lifeStage: 'adult',
  sex: 'female',
  notes: 'Found near the ballast tanks',
  ...overrides,
});

/** A specimen upload exactly as a browser sends it: multipart with `metadata` JSON and `images` files. */
export function specimenForm(metadata: unknown, files: UploadFile[]): FormData {
  const form = new FormData();
  if (metadata !== undefined) form.append('metadata', typeof metadata === 'string' ? metadata : JSON.stringify(metadata));
  for (const file of files) {
    form.append(file.field ?? 'images', new Blob([file.data], { type: file.type ?? 'image/jpeg' }), file.name);
  }
  return form;
}

export function uploadSpecimen(app: FastifyInstance, token: string, metadata: unknown, files: UploadFile[]) {
  return app.inject({
    method: 'POST',
    url: '/api/v1/specimens',
    headers: { authorization: `Bearer ${token}` },
    payload: specimenForm(metadata, files),
  });
}
