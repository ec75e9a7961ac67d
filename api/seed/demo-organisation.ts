import type { FastifyBaseLogger } from 'fastify';
import type { PortType, Role, UnitLevel } from '../domain/vocabulary.js';
import { sql } from 'kysely';
import type { Db } from '../db/database.js';
import type { UnitRow } from '../db/schema.js';
import { LabRepository } from '../repositories/lab.repository.js';
import { OrganisationRepository } from '../repositories/organisation.repository.js';
import { UserRepository } from '../repositories/user.repository.js';
import { hashPassword } from '../services/password-hash-pool.js';

interface UnitSeed {
  code: string;
  level: UnitLevel;
  nameZh: string;
  nameEn: string;
  /** The laboratory that receives the specimens of the unit's subtree (ADR 0020). */
  lab?: { nameZh: string; nameEn: string; address: string };
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
      lab: {
        nameZh: '宁波海关技术中心实验室',
        nameEn: 'Ningbo Customs Technical Centre Laboratory',
        address: '浙江省宁波市 Ningbo, Zhejiang',
      },
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
      lab: {
        nameZh: '上海海关技术中心实验室',
        nameEn: 'Shanghai Customs Technical Centre Laboratory',
        address: '上海市浦东新区 Pudong, Shanghai',
      },
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

export const DEMO_USERS: {
  username: string;
  displayName: string;
  role: Role;
  unitCode: string;
  /** The unit whose laboratory this person manages (publishes its slots, sees its schedule). */
  managesLabOf?: string;
}[] = [
  { username: 'staff.beilun', displayName: '北仑口岸工作人员 Beilun staff', role: 'staff', unitCode: 'BEILUN' },
  { username: 'staff.airport', displayName: '栎社机场工作人员 Lishe staff', role: 'staff', unitCode: 'NINGBO-AIRPORT' },
  { username: 'staff.yangshan', displayName: '洋山口岸工作人员 Yangshan staff', role: 'staff', unitCode: 'YANGSHAN' },
  { username: 'expert.ningbo', displayName: '宁波媒介专家 Ningbo expert', role: 'expert', unitCode: 'NINGBO', managesLabOf: 'NINGBO' },
  // Shanghai has no demo expert of its own: headquarters' expert runs its laboratory's schedule.
  { username: 'expert.hq', displayName: '总署媒介专家 HQ expert', role: 'expert', unitCode: 'HQ', managesLabOf: 'SHANGHAI' },
  { username: 'trainee.ningbo', displayName: '宁波学员 Ningbo trainee', role: 'trainee', unitCode: 'NINGBO' },
];

interface SeedRepositories {
  organisation: OrganisationRepository;
  users: UserRepository;
  labs: LabRepository;
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
    return seed({ organisation: new OrganisationRepository(trx), users: new UserRepository(trx), labs: new LabRepository(trx) });
  });
}

/**
 * First start: the demo organisation and the `admin` account; nothing more once units exist, except that a demo district
 * without a laboratory (an installation seeded before labs existed) gets its demo laboratory.
 */
export async function seedFirstStart(db: Db, adminPassword: string | undefined, log: FastifyBaseLogger): Promise<void> {
  const password = adminPassword ?? generatePassword();
  const passwordHash = await hashPassword(password);
  const seeded = await withSeedLock(db, async (repos) => {
    const first = (await repos.organisation.countUnits()) === 0;
    if (first) {
      const headquarters = await createUnitTree(repos.organisation, DEMO_ORGANISATION, null);
      await repos.users.create({
        username: 'admin',
        passwordHash,
        displayName: 'Administrator 管理员',
        role: 'admin',
        unitId: headquarters,
      });
    }
    await createMissingLabs(repos, DEMO_ORGANISATION);
    return first;
  });
  if (!seeded) return;
  if (adminPassword) {
    log.info('seeded the demo organisation and the admin user (password from VECTORDESK_ADMIN_PASSWORD)');
  } else {
    // Shown once: it is stored only as an argon2 hash.
    log.warn({ username: 'admin', password }, 'seeded the demo organisation; generated the admin password (shown only now)');
  }
}

/**
 * `npm run seed:demo`: staff, experts and a trainee in the demo units, and the managers of the demo laboratories.
 * Existing usernames are left alone (though they still become the managers the demo names).
 */
export async function seedDemoUsers(db: Db, password: string): Promise<string[]> {
  const passwordHash = await hashPassword(password);
  return withSeedLock(db, async (repos) => {
    const created: string[] = [];
    for (const demoUser of DEMO_USERS) {
      const existing = await repos.users.findByUsername(demoUser.username);
      const userId = existing?.id ?? (await createDemoUser(repos, demoUser, passwordHash));
      if (!existing) created.push(demoUser.username);
      if (demoUser.managesLabOf) {
        const unit = await demoUnit(repos, demoUser.managesLabOf);
        for (const labId of await repos.labs.idsOfUnit(unit.id)) await repos.labs.addManager(labId, userId);
      }
    }
    return created;
  });
}

async function demoUnit(repos: SeedRepositories, code: string): Promise<UnitRow> {
  const unit = await repos.organisation.findUnitByCode(code);
  if (!unit) throw new Error(`Demo unit ${code} is missing: start the service once first so it seeds the organisation`);
  return unit;
}

async function createDemoUser(repos: SeedRepositories, demoUser: (typeof DEMO_USERS)[number], passwordHash: string): Promise<string> {
  const unit = await demoUnit(repos, demoUser.unitCode);
  const user = await repos.users.create({
    username: demoUser.username,
    passwordHash,
    displayName: demoUser.displayName,
    role: demoUser.role,
    unitId: unit.id,
  });
  return user.id;
}

/** Each unit of the seed that should have a laboratory and has none (in service or not) gets the seed's. */
async function createMissingLabs(repos: SeedRepositories, seed: UnitSeed): Promise<void> {
  const unit = seed.lab && (await repos.organisation.findUnitByCode(seed.code));
  if (seed.lab && unit && (await repos.labs.idsOfUnit(unit.id)).length === 0) await repos.labs.create({ unitId: unit.id, ...seed.lab });
  for (const child of seed.children ?? []) await createMissingLabs(repos, child);
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
