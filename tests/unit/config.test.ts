import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, describeBackends, loadConfig } from '../../api/config.js';

describe('configuration', () => {
  it('defaults to the embedded backends with everything under ./var', () => {
    const config = loadConfig({});
    expect(config.port).toBe(8080);
    expect(config.databaseUrl).toBeUndefined();
    expect(config.embeddedDatabaseDir).toBe(path.resolve('var/db'));
    expect(config.storageDir).toBe(path.resolve('var/storage'));
    expect(config.uploads).toEqual({
      maxFileBytes: 25 * 1024 * 1024,
      maxFiles: 20,
      maxTotalBytes: 100 * 1024 * 1024,
      memoryBytes: 32 * 1024 * 1024,
      maxImagePixels: 100_000_000,
      minImageSide: 32,
      minImageStdev: 2,
      qualityGate: 'warn',
      decodeBudget: { bytes: 1024 * 1024 * 1024, maxWaitMs: 5000 },
    });
    expect(config.connections).toEqual({
      headersTimeoutMs: 15_000,
      requestTimeoutMs: 600_000,
      idleTimeoutMs: 60_000,
      keepAliveTimeoutMs: 5000,
      maxPerAddress: 128,
    });
    expect(describeBackends(config)).toMatchObject({ database: expect.stringContaining('embedded PGlite'), queue: 'in-process' });
  });

  it('reads and converts environment variables, hiding passwords when describing backends', () => {
    const config = loadConfig({
      PORT: '9001',
      DATABASE_URL: 'postgres://vd:secret@db.internal:5432/vectordesk',
      REDIS_URL: 'redis://:hunter2@cache:6379',
      STORAGE_DIR: '/srv/images',
      MAX_UPLOAD_BYTES: '1048576',
      VECTORDESK_SEED_DEMO: 'true',
    });
    expect(config).toMatchObject({ port: 9001, storageDir: '/srv/images', uploads: { maxFileBytes: 1048576 }, seed: { demoUsers: true } });
    const described = JSON.stringify(describeBackends(config));
    expect(described).not.toContain('secret');
    expect(described).not.toContain('hunter2');
    expect(described).toContain('db.internal');
  });

  it('refuses a header timeout longer than the whole request may take', () => {
    expect(() => loadConfig({ HEADERS_TIMEOUT_MS: '20000', REQUEST_TIMEOUT_MS: '10000' })).toThrow(
      /HEADERS_TIMEOUT_MS: 20000 is above REQUEST_TIMEOUT_MS/,
    );
  });

  it('names every invalid variable at once', () => {
    let error: unknown;
    try {
      loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://nope', VECTORDESK_ADMIN_PASSWORD: 'short' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).toContain('PORT');
    expect(message).toContain('DATABASE_URL');
    expect(message).toContain('VECTORDESK_ADMIN_PASSWORD');
  });

  it('runs live rooms by default on loopback, one mediasoup worker per core, FFmpeg from PATH, and checks the WebRTC address settings', () => {
    expect(loadConfig({}).rtc).toEqual({
      enabled: true,
      workers: os.availableParallelism(),
      workerBin: undefined,
      listenIp: '127.0.0.1',
      announcedAddress: undefined,
      portRange: { min: 40000, max: 49999 },
      recorder: { ffmpeg: 'ffmpeg', ffprobe: 'ffprobe' },
      publicUrl: null,
      hostLeaseMs: 15_000,
    });
    const deployed = loadConfig({
      RTC_WORKERS: '3',
      RTC_LISTEN_IP: '0.0.0.0',
      RTC_ANNOUNCED_ADDRESS: 'rtc.example.org',
      RTC_MIN_PORT: '50000',
      RTC_MAX_PORT: '50100',
      MEDIASOUP_WORKER_BIN: 'bin/mediasoup-worker',
      FFMPEG_PATH: '/opt/ffmpeg/bin/ffmpeg',
      FFPROBE_PATH: '/opt/ffmpeg/bin/ffprobe',
      PUBLIC_URL: 'https://vd-2.example.org:8443',
      ROOM_HOST_LEASE_MS: '5000',
    });
    expect(deployed.rtc).toMatchObject({
      workers: 3,
      listenIp: '0.0.0.0',
      announcedAddress: 'rtc.example.org',
      portRange: { min: 50000, max: 50100 },
      workerBin: path.resolve('bin/mediasoup-worker'),
      recorder: { ffmpeg: '/opt/ffmpeg/bin/ffmpeg', ffprobe: '/opt/ffmpeg/bin/ffprobe' },
      publicUrl: 'https://vd-2.example.org:8443',
      hostLeaseMs: 5000,
    });
    expect(describeBackends(deployed).rtc).toContain('announcing rtc.example.org, signalling at https://vd-2.example.org:8443');
    // A base address only: the API's paths are appended to it.
    for (const bad of ['vd-2.example.org', 'https://vd-2.example.org/api', 'ftp://vd-2.example.org']) {
      expect(() => loadConfig({ PUBLIC_URL: bad })).toThrow(/PUBLIC_URL/);
    }
    expect(() => loadConfig({ ROOM_HOST_LEASE_MS: '10' })).toThrow(/ROOM_HOST_LEASE_MS/);
    expect(() => loadConfig({ IMAGE_QUALITY_GATE: 'strict' })).toThrow(/IMAGE_QUALITY_GATE/);
    expect(describeBackends(loadConfig({ RTC_ENABLED: 'false' })).rtc).toContain('disabled');
    expect(() => loadConfig({ RTC_LISTEN_IP: '0.0.0.0' })).toThrow(/RTC_ANNOUNCED_ADDRESS/);
    expect(() => loadConfig({ RTC_MIN_PORT: '45000', RTC_MAX_PORT: '44000' })).toThrow(/RTC_MIN_PORT/);
    expect(() => loadConfig({ RTC_WORKERS: '0' })).toThrow(ConfigError);
    // Without live rooms the address settings do not matter.
    expect(loadConfig({ RTC_ENABLED: 'false', RTC_LISTEN_IP: '0.0.0.0' }).rtc.enabled).toBe(false);
  });
});
