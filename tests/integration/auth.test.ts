import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { endpoints } from '../../api/contract/index.js';
import { anonymous, withToken } from '../helpers/client.js';
import { createTestApp, DEMO_PASSWORD, type TestApp } from '../helpers/test-app.js';

describe('authentication', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp('pglite', { LOGIN_RATE_LIMIT_PER_MINUTE: '5' });
  });
  afterAll(() => t?.close());

  const login = (username: string, password: string, ip = '10.0.0.1') =>
    anonymous(t).login({ body: { username, password } }, { remoteAddress: ip });

  it('returns a bearer token and the user, and sets an httpOnly cookie', async () => {
    const response = await login('staff.beilun', DEMO_PASSWORD);
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body.user).toMatchObject({
      username: 'staff.beilun',
      role: 'staff',
      unit: { code: 'BEILUN', level: 'port', nameZh: '北仑海关', nameEn: 'Beilun Customs' },
    });
    expect(body.user).not.toHaveProperty('passwordHash');
    const cookie = response.cookies.find((c) => c.name === 'vd_token');
    expect(cookie).toMatchObject({ value: body.token, httpOnly: true, sameSite: 'Strict', path: '/' });

    const byHeader = await withToken(t.app, body.token).getMe();
    expect(byHeader.json()).toEqual({ user: body.user });
    const byCookie = await anonymous(t).getMe(undefined, { cookies: { vd_token: body.token } });
    expect(byCookie.json()).toEqual({ user: body.user });
  });

  it('stores passwords as argon2id hashes', async () => {
    const user = await t.repositories.users.findByUsername('staff.beilun');
    expect(user!.password_hash).toMatch(/^\$argon2id\$/);
    expect(user!.password_hash).not.toContain(DEMO_PASSWORD);
  });

  it('refuses a wrong password and an unknown user with the same 401', async () => {
    const wrong = await login('staff.beilun', 'not-the-password', '10.0.0.2');
    const unknown = await login('nobody', 'whatever', '10.0.0.2');
    expect(wrong.statusCode).toBe(401);
    expect(wrong.error()).toEqual(unknown.error());
    expect(wrong.error()).toMatchObject({ error: 'invalid_credentials' });
  });

  it('rate-limits repeated login attempts for one account from one address (429)', async () => {
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 7; attempt += 1) statuses.push((await login('expert.hq', `guess-${attempt}`, '10.0.0.3')).statusCode);
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(statuses.slice(5)).toEqual([429, 429]);
    const limited = await login('expert.hq', DEMO_PASSWORD, '10.0.0.3');
    expect(limited.statusCode).toBe(429);
    expect(limited.error()).toMatchObject({ error: 'too_many_requests' });
    // Another address is not locked out by someone else's guessing, nor is another account at the same
    // address (a port's staff share one NAT address).
    expect((await login('expert.hq', DEMO_PASSWORD, '10.0.0.4')).statusCode).toBe(200);
    expect((await login('expert.ningbo', DEMO_PASSWORD, '10.0.0.3')).statusCode).toBe(200);
  });

  it('refuses missing, malformed, forged and disabled-account tokens (401)', async () => {
    const { token } = (await login('staff.airport', DEMO_PASSWORD, '10.0.0.5')).json();
    const [header, payload] = token.split('.');
    const forged = `${header}.${payload}.${'A'.repeat(43)}`;
    for (const authorization of [undefined, 'Bearer', 'Bearer not.a.jwt', `Bearer ${forged}`, `Basic ${token}`]) {
      const response = await anonymous(t).getMe(undefined, { headers: authorization ? { authorization } : {} });
      expect(response.statusCode, String(authorization)).toBe(401);
      expect(response.error()).toMatchObject({ error: 'unauthorized' });
    }
    // Used once first, so the account's actor is cached: disabling it must still stop the very next request.
    const airportStaff = withToken(t.app, token);
    expect((await airportStaff.getMe()).statusCode).toBe(200);
    await t.database.db.updateTable('users').set({ disabled: true }).where('username', '=', 'staff.airport').execute();
    const disabled = await airportStaff.getMe();
    expect(disabled.statusCode).toBe(401);
    expect((await login('staff.airport', DEMO_PASSWORD, '10.0.0.6')).statusCode).toBe(401);
  });

  it('ends the sessions of someone whose unit changes, whoever wrote it to the database; the next sign-in has the new unit', async () => {
    const { token } = (await login('staff.beilun', DEMO_PASSWORD, '10.0.1.1')).json();
    expect((await withToken(t.app, token).getMe()).json().user.unit.code).toBe('BEILUN');
    const yangshan = await t.database.db.selectFrom('units').select('id').where('code', '=', 'YANGSHAN').executeTakeFirstOrThrow();
    // Straight to the database, as another api process (or an administrator's SQL) would.
    await t.database.db.updateTable('users').set({ unit_id: yangshan.id }).where('username', '=', 'staff.beilun').execute();
    const revoked = await withToken(t.app, token).getMe();
    expect(revoked.statusCode).toBe(401);
    expect(revoked.error()).toMatchObject({ error: 'session_revoked' });
    const { token: fresh } = (await login('staff.beilun', DEMO_PASSWORD, '10.0.1.1')).json();
    expect((await withToken(t.app, fresh).getMe()).json().user.unit.code).toBe('YANGSHAN');
  });

  it('validates the login body (400)', async () => {
    for (const payload of [{}, { username: 'a' }, { username: '', password: 'x' }, { username: 1, password: 2 }]) {
      const response = await anonymous(t).send(endpoints.login, { body: payload }, { remoteAddress: '10.0.0.7' });
      expect(response.statusCode).toBe(400);
      expect(response.error()).toMatchObject({ error: 'validation_failed' });
    }
    const notJson = await anonymous(t).inject({
      method: 'POST',
      url: endpoints.login.url,
      headers: { 'content-type': 'application/json' },
      payload: '{"username":',
      remoteAddress: '10.0.0.7',
    });
    expect(notJson.statusCode).toBe(400);
    expect(notJson.error()).toMatchObject({ error: 'invalid_json' });
  });

  it('logs out by clearing the cookie, with or without a valid token', async () => {
    for (const headers of [{}, { authorization: 'Bearer not.a.jwt' }]) {
      const response = await anonymous(t).logout(undefined, { headers });
      expect(response.statusCode).toBe(204);
      expect(response.cookies.find((c) => c.name === 'vd_token')?.value).toBe('');
    }
  });
});
