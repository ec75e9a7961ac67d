import type { FastifyBaseLogger } from 'fastify';
import type { PortType, Role, UnitLevel } from '../domain/vocabulary.js';
import { sql } from 'kysely';
import type { Db } from '../db/database.js';
import { OrganisationRepository } from '../repositories/organisation.repository.js';
import { UserRepository } from '../repositories/user.repository.js';
import { hashPassword } from '../services/password-hash-pool.js';

interface UnitSeed {
  code: string;
  level: UnitLevel;
  nameZh: string;
  nameEn: string;
  ports?: { code: string; nameZh: string; nameEn: string; type: PortType; longitude: number; latitude: number }[];
  children?: UnitSeed[];
}

/** A small but real-shaped organisation: two districts, so scoping between them can be seen and tested. */
export const DEMO_ORGANISATION: UnitSeed = {
  code: 'HQ',
  level: 'headquarters',
  nameZh: '海关总署',
  nameEn: 'General Administration of Customs',
  children: [
    {
      code: 'NINGBO',
      level: 'district',
      nameZh: '宁波海关',
      nameEn: 'Ningbo Customs District',
      children: [
        {
          code: 'BEILUN',
          level: 'port',
          nameZh: '北仑海关',
          nameEn: 'Beilun Customs',
          ports: [
            {
              code: 'CNNGB-BL',
              nameZh: '宁波舟山港北仑港区',
              nameEn: 'Ningbo-Zhoushan Port, Beilun',
              type: 'sea',
              longitude: 121.856,
              latitude: 29.93,
            },
          ],
        },
        {
          code: 'NINGBO-AIRPORT',
          level: 'port',
          nameZh: '栎社机场海关',
          nameEn: 'Ningbo Lishe Airport Customs',
          ports: [
            {
              code: 'CNNGB-LS',
              nameZh: '宁波栎社国际机场',
              nameEn: 'Ningbo Lishe International Airport',
              type: 'air',
              longitude: 121.462,
              latitude: 29.827,
            },
          ],
        },
      ],
    },
    {
      code: 'SHANGHAI',
      level: 'district',
      nameZh: '上海海关',
      nameEn: 'Shanghai Customs District',
      children: [
        {
          code: 'YANGSHAN',
          level: 'port',
          nameZh: '洋山海关',
          nameEn: 'Yangshan Customs',
          ports: [
            {
              code: 'CNSHA-YS',
              nameZh: '上海洋山深水港',
              nameEn: 'Shanghai Yangshan Deep-Water Port',
              type: 'sea',
              longitude: 122.07,
              latitude: 30.62,
            },
          ],
        },
      ],
    },
  ],
};

export const DEMO_USERS: { username: string; displayName: string; role: Role; unitCode: string }[] = [
  { username: 'staff.beilun', displayName: '北仑口岸工作人员 Beilun staff', role: 'staff', unitCode: 'BEILUN' },
  { username: 'staff.airport', displayName: '栎社机场工作人员 Lishe staff', role: 'staff', unitCode: 'NINGBO-AIRPORT' },
  { username: 'staff.yangshan', displayName: '洋山口岸工作人员 Yangshan staff', role: 'staff', unitCode: 'YANGSHAN' },
  { username: 'expert.ningbo', displayName: '宁波媒介专家 Ningbo expert', role: 'expert', unitCode: 'NINGBO' },
  { username: 'expert.hq', displayName: '总署媒介专家 HQ expert', role: 'expert', unitCode: 'HQ' },
  { username: 'trainee.ningbo', displayName: '宁波学员 Ningbo trainee', role: 'trainee', unitCode: 'NINGBO' },
];

interface SeedRepositories {
  organisation: OrganisationRepository;
  users: UserRepository;
}

/** Any fixed number: the advisory lock that lets only one of several starting processes seed at a time. */
const SEED_LOCK_ID = 7_311_001;

/**
 * Runs `seed` in one transaction holding an advisory lock, so api processes starting together on one
 * PostgreSQL neither seed twice nor see half a seed.
 */
async function withSeedLock<T>(db: Db, seed: (repos: SeedRepositories) => Promise<T>): Promise<T> {
  return db.transaction().execute(async (trx) => {
    await sql`select pg_advisory_xact_lock(${SEED_LOCK_ID})`.execute(trx);
    return seed({ organisation: new OrganisationRepository(trx), users: new UserRepository(trx) });
  });
}

/** First start: the demo organisation and the `admin` account. Does nothing once units exist. */
export async function seedFirstStart(db: Db, adminPassword: string | undefined, log: FastifyBaseLogger): Promise<void> {
  const password = adminPassword ?? generatePassword();
  const passwordHash = await hashPassword(password);
  const seeded = await withSeedLock(db, async (repos) => {
    if ((await repos.organisation.countUnits()) > 0) return false;
    const headquarters = await createUnitTree(repos.organisation, DEMO_ORGANISATION, null);
    await repos.users.create({ username: 'admin', passwordHash, displayName: 'Administrator 管理员', role: 'admin', unitId: headquarters });
    return true;
  });
  if (!seeded) return;
  if (adminPassword) {
    log.info('seeded the demo organisation and the admin user (password from VECTORDESK_ADMIN_PASSWORD)');
  } else {
    // Shown once: it is stored only as an argon2 hash.
    log.warn({ username: 'admin', password }, 'seeded the demo organisation; generated the admin password (shown only now)');
  }
}

/** `npm run seed:demo`: staff, experts and a trainee in the demo units. Existing usernames are left alone. */
export async function seedDemoUsers(db: Db, password: string): Promise<string[]> {
  const passwordHash = await hashPassword(password);
  return withSeedLock(db, async (repos) => {
    const created: string[] = [];
    for (const demoUser of DEMO_USERS) {
      if (await repos.users.findByUsername(demoUser.username)) continue;
      const unit = await repos.organisation.findUnitByCode(demoUser.unitCode);
      if (!unit) throw new Error(`Demo unit ${demoUser.unitCode} is missing: start the service once first so it seeds the organisation`);
      await repos.users.create({
        username: demoUser.username,
        passwordHash,
        displayName: demoUser.displayName,
        role: demoUser.role,
        unitId: unit.id,
      });
      created.push(demoUser.username);
    }
    return created;
  });
}

async function createUnitTree(organisation: OrganisationRepository, seed: UnitSeed, parentId: string | null): Promise<string> {
  const unit = await organisation.createUnit({ code: seed.code, level: seed.level, nameZh: seed.nameZh, nameEn: seed.nameEn, parentId });
  for (const port of seed.ports ?? []) await organisation.createPort({ ...port, unitId: unit.id });
  for (const child of seed.children ?? []) await createUnitTree(organisation, child, unit.id);
  return unit.id;
}

function generatePassword(): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(15))).toString('base64url');
}
