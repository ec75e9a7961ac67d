import { rm } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as, type Client } from '../helpers/client.js';
import { testBackends } from '../helpers/database.js';
import { modelsDirWithSecondVersion, newestPackageDir } from '../helpers/models.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

const MODEL = 'vector-group';
/** A second version of the group model, newer than the committed one: active when the app starts. */
const NEWER = '2099.1.1';

for (const backend of await testBackends()) {
  describe.skipIf(!backend.availability.available)(
    `model version changes in the audit log on ${backend.name} ${backend.availability.reason}`,
    () => {
      let modelsDir: string;
      let t: TestApp;
      let admin: Client;
      let committed: string;

      beforeAll(async () => {
        modelsDir = await modelsDirWithSecondVersion(MODEL, NEWER);
        committed = path.basename(await newestPackageDir(MODEL));
        t = await createTestApp(backend.name, { MODELS_DIR: modelsDir });
        admin = await as(t, 'admin');
      });
      afterAll(async () => {
        await t?.close();
        if (modelsDir) await rm(modelsDir, { recursive: true, force: true });
      });

      const auditOfModel = () =>
        t.database.db
          .selectFrom('audit_log')
          .select(['action', 'user_id', 'before', 'after'])
          .where('entity_type', '=', 'model')
          .where('entity_id', '=', MODEL)
          .orderBy('at')
          .execute();
      const succeeded = (response: { statusCode: number; body: string }) => expect(response.statusCode, response.body).toBe(200);

      it('records who changed which version serves or runs in shadow, with the versions before and after', async () => {
        succeeded(await admin.startShadowModel({ params: { name: MODEL, version: committed } }));
        // Activating the shadow version ends its shadow run.
        succeeded(await admin.activateModel({ params: { name: MODEL, version: committed } }));
        succeeded(await admin.startShadowModel({ params: { name: MODEL, version: NEWER } }));
        succeeded(await admin.stopShadowModel({ params: { name: MODEL } }));

        const adminId = (await admin.getMe()).json().user.id;
        expect(await auditOfModel()).toEqual([
          {
            action: 'model.shadow_started',
            user_id: adminId,
            before: { active: NEWER, shadow: null },
            after: { active: NEWER, shadow: committed },
          },
          {
            action: 'model.activated',
            user_id: adminId,
            before: { active: NEWER, shadow: committed },
            after: { active: committed, shadow: null },
          },
          {
            action: 'model.shadow_started',
            user_id: adminId,
            before: { active: committed, shadow: null },
            after: { active: committed, shadow: NEWER },
          },
          {
            action: 'model.shadow_stopped',
            user_id: adminId,
            before: { active: committed, shadow: NEWER },
            after: { active: committed, shadow: null },
          },
        ]);
      });

      it('records nothing for a refused change, nor for one that changes nothing', async () => {
        const recorded = (await auditOfModel()).length;
        const active = (await admin.listModels()).json().items.find((item) => item.name === MODEL && item.active)!.version;
        const staff = await as(t, 'staff.beilun');
        expect((await staff.activateModel({ params: { name: MODEL, version: NEWER } })).statusCode).toBe(403);
        expect((await staff.stopShadowModel({ params: { name: MODEL } })).statusCode).toBe(403);
        expect((await admin.activateModel({ params: { name: MODEL, version: '1.2.3' } })).statusCode).toBe(404);
        const shadowOfActive = await admin.startShadowModel({ params: { name: MODEL, version: active } });
        expect(shadowOfActive.statusCode).toBe(422);
        expect(shadowOfActive.error()).toMatchObject({ error: 'already_active' });
        succeeded(await admin.activateModel({ params: { name: MODEL, version: active } }));
        succeeded(await admin.stopShadowModel({ params: { name: MODEL } }));
        expect(await auditOfModel()).toHaveLength(recorded);
      });
    },
  );
}
