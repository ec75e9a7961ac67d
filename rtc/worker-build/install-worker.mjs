#!/usr/bin/env node
// Installs mediasoup's C++ worker binary; run by the root package.json "postinstall", i.e. after npm has
// installed every dependency. See docs/adr/0008-mediasoup-worker-offline-build.md.
//
// mediasoup's own postinstall is denied in package.json "allowScripts" (npm would otherwise run it before
// this script could prepare anything) and is run from here instead, unchanged:
//   1. MEDIASOUP_WORKER_BIN set, or a working worker already in node_modules: nothing to do.
//   2. A worker built here earlier for this mediasoup version (and these shims) is in the user cache:
//      copy it (seconds).
//   3. mediasoup's prebuilt-binary host is reachable: run mediasoup's postinstall as it is (it downloads
//      its prebuilt worker, or builds the worker the upstream way).
//   4. Otherwise (no internet): prepare node_modules/mediasoup for an offline build (Debian -dev packages,
//      meson/ninja/invoke from the pip mirror, shim subprojects over Debian libraries, the DTLS/kTLS fix),
//      run mediasoup's postinstall (its download fails at once, then it builds with meson), then copy the
//      built worker into the cache.
// Environment: VECTORDESK_MEDIASOUP_BUILD=offline|upstream forces step 4 or 3 (no probe);
// VECTORDESK_MEDIASOUP_CACHE=0 neither reads nor writes the cache; XDG_CACHE_HOME moves the cache.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const PROJECT_ROOT = path.resolve(HERE, '..', '..');
const MEDIASOUP_DIR = path.join(PROJECT_ROOT, 'node_modules', 'mediasoup');
const WORKER_BIN = path.join(MEDIASOUP_DIR, 'worker', 'out', 'Release', 'mediasoup-worker');
const SHIMS_DIR = path.join(HERE, 'subprojects');

// What the offline build needs from Debian (the runtime libraries come with them).
const DEBIAN_PACKAGES = [
  'build-essential',
  'pkg-config',
  'libuv1-dev',
  'libssl-dev',
  'libsrtp2-dev',
  'flatbuffers-compiler',
  'libflatbuffers-dev',
  'libabsl-dev',
];
// From the pip mirror. mediasoup pins meson 1.12.0; 1.12.1 is what the mirror has and builds the same.
const PIP_MESON_NINJA = ['meson==1.12.1', 'ninja==1.13.2'];
const PIP_INVOKE = ['invoke'];
// The one-line fix to worker/src/RTC/DtlsTransport.cpp (see fixDtlsKtlsCallback()).
const DTLS_KTLS_FIX = {
  buggy: '(operationType == BIO_CB_RETURN) ? static_cast<long>(ret) : 1;',
  fixed: '((operationType & BIO_CB_RETURN) != 0) ? static_cast<long>(ret) : 1;',
};

const log = (message) => console.log(`[mediasoup-worker] ${message}`);
const fail = (message) => {
  console.error(`[mediasoup-worker] ERROR: ${message}`);
  process.exit(1);
};

async function main() {
  if (!fs.existsSync(path.join(MEDIASOUP_DIR, 'package.json'))) {
    log('mediasoup is not installed, nothing to do');
    return;
  }
  const mediasoupPkg = JSON.parse(fs.readFileSync(path.join(MEDIASOUP_DIR, 'package.json'), 'utf8'));
  const version = mediasoupPkg.version;

  if (process.env.MEDIASOUP_WORKER_BIN) {
    log(`MEDIASOUP_WORKER_BIN is set (${process.env.MEDIASOUP_WORKER_BIN}), mediasoup will use that binary`);
    return;
  }
  if (workerRuns(WORKER_BIN)) {
    log(`mediasoup ${version}: worker already installed`);
    return;
  }

  const cache = cachePaths(version);
  const fingerprint = shimFingerprint();
  if (cache && restoreFromCache(cache, version, fingerprint)) {
    return;
  }

  const mode = await chooseMode(mediasoupPkg);
  if (mode === 'upstream') {
    log(`mediasoup ${version}: running mediasoup's own postinstall (prebuilt download, or its own build)`);
    runMediasoupPostinstall(process.env);
    if (!workerRuns(WORKER_BIN)) fail(`mediasoup's postinstall left no working worker at ${WORKER_BIN}`);
    return;
  }

  log(`mediasoup ${version}: the prebuilt worker cannot be downloaded, building it offline (several minutes)`);
  const python = findPython();
  ensureDebianPackages(python);
  const dtls = prepareOfflineBuild(python);
  const started = Date.now();
  runMediasoupPostinstall({
    ...process.env,
    // Never let meson download a subproject: every one it needs is a shim folder now.
    MESON_ARGS: [process.env.MESON_ARGS, '--wrap-mode=nodownload'].filter(Boolean).join(' '),
  });
  if (!workerRuns(WORKER_BIN)) fail(`the offline build left no working worker at ${WORKER_BIN}`);
  log(`built in ${Math.round((Date.now() - started) / 1000)} s`);
  if (cache) saveToCache(cache, version, fingerprint, dtls);
}

// --- worker binary -----------------------------------------------------------------------------------

// Same check as mediasoup's npm-scripts.mjs: without MEDIASOUP_VERSION in its environment the worker
// exits at once with status 41; anything else (missing shared library, wrong architecture) is a failure.
function workerRuns(bin) {
  if (!fs.existsSync(bin)) return false;
  const result = spawnSync(bin, [], { env: {}, stdio: 'ignore', timeout: 10_000 });
  return result.status === 41;
}

// --- cache -------------------------------------------------------------------------------------------

function cachePaths(version) {
  if (process.env.VECTORDESK_MEDIASOUP_CACHE === '0') return null;
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  const dir = path.join(base, 'vectordesk', 'mediasoup-worker', version);
  return { dir, bin: path.join(dir, 'mediasoup-worker'), info: path.join(dir, 'build-info.json') };
}

// A cached worker is only valid for the recipe that built it: the shim subprojects, the pip pins, the fix.
function shimFingerprint() {
  const hash = createHash('sha256');
  hash.update(JSON.stringify({ DEBIAN_PACKAGES, PIP_MESON_NINJA, DTLS_KTLS_FIX })).update('\0');
  const walk = (dir) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile()) hash.update(path.relative(SHIMS_DIR, full)).update('\0').update(fs.readFileSync(full)).update('\0');
    }
  };
  walk(SHIMS_DIR);
  return hash.digest('hex').slice(0, 16);
}

function sha256(file) {
  return createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

function restoreFromCache(cache, version, fingerprint) {
  if (!fs.existsSync(cache.bin) || !fs.existsSync(cache.info)) return false;
  let info;
  try {
    info = JSON.parse(fs.readFileSync(cache.info, 'utf8'));
  } catch {
    return false;
  }
  const problem =
    info.mediasoupVersion !== version
      ? `it is for mediasoup ${info.mediasoupVersion}`
      : info.platform !== process.platform || info.arch !== process.arch
        ? `it is for ${info.platform}-${info.arch}`
        : info.shimFingerprint !== fingerprint
          ? 'the build recipe in rtc/worker-build changed since it was built'
          : info.sha256 !== sha256(cache.bin)
            ? 'the file is damaged'
            : null;
  if (problem) {
    log(`ignoring the cached worker in ${cache.dir}: ${problem}`);
    return false;
  }
  fs.mkdirSync(path.dirname(WORKER_BIN), { recursive: true });
  fs.copyFileSync(cache.bin, WORKER_BIN);
  fs.chmodSync(WORKER_BIN, 0o755);
  if (!workerRuns(WORKER_BIN) && process.platform === 'linux' && hasDpkg()) {
    // Typically a cache restored onto a fresh machine: the Debian runtime libraries are missing.
    ensureDebianPackages(null);
  }
  if (!workerRuns(WORKER_BIN)) {
    log(`the cached worker from ${cache.dir} does not run here, building instead`);
    fs.rmSync(WORKER_BIN, { force: true });
    return false;
  }
  log(`mediasoup ${version}: worker restored from ${cache.dir} (built ${info.builtAt})`);
  return true;
}

function saveToCache(cache, version, fingerprint, dtls) {
  try {
    fs.mkdirSync(cache.dir, { recursive: true });
    const tmp = `${cache.bin}.tmp-${process.pid}`;
    fs.copyFileSync(WORKER_BIN, tmp);
    fs.chmodSync(tmp, 0o755);
    fs.renameSync(tmp, cache.bin);
    const info = {
      mediasoupVersion: version,
      platform: process.platform,
      arch: process.arch,
      sha256: sha256(cache.bin),
      shimFingerprint: fingerprint,
      builtAt: new Date().toISOString(),
      builtBy: 'rtc/worker-build (offline build over Debian libraries)',
      dtlsKtlsFix: dtls,
      os: readOsRelease(),
    };
    fs.writeFileSync(`${cache.info}.tmp-${process.pid}`, `${JSON.stringify(info, null, 2)}\n`);
    fs.renameSync(`${cache.info}.tmp-${process.pid}`, cache.info);
    log(`worker cached in ${cache.dir}; later installs of mediasoup ${version} reuse it`);
  } catch (error) {
    // The install itself succeeded; a cache that cannot be written only costs time later.
    log(`could not write the cache in ${cache.dir}: ${error.message}`);
  }
}

function readOsRelease() {
  try {
    return /^PRETTY_NAME="?([^"\n]*)"?$/m.exec(fs.readFileSync('/etc/os-release', 'utf8'))?.[1] ?? null;
  } catch {
    return null;
  }
}

// --- online or offline? --------------------------------------------------------------------------------

async function chooseMode(mediasoupPkg) {
  const forced = process.env.VECTORDESK_MEDIASOUP_BUILD;
  if (forced === 'offline' || forced === 'upstream') {
    log(`VECTORDESK_MEDIASOUP_BUILD=${forced}`);
    return forced;
  }
  if (forced) fail(`VECTORDESK_MEDIASOUP_BUILD must be "offline" or "upstream", not "${forced}"`);
  // The offline build is written for Debian-like Linux; elsewhere mediasoup decides alone.
  if (process.platform !== 'linux' || !hasDpkg()) return 'upstream';

  // The URL mediasoup's npm-scripts.mjs downloads its prebuilt worker from. Any HTTP answer (even 404:
  // no prebuilt for this platform, mediasoup then builds with subprojects from the internet) means
  // online; only a network failure means offline.
  const base =
    process.env.MEDIASOUP_WORKER_PREBUILT_DOWNLOAD_BASE_URL ||
    `${mediasoupPkg.repository.url.replace(/^git\+/, '').replace(/\.git$/, '')}/releases/download`;
  const kernel = `-kernel${Number(os.release().split('.')[0])}`;
  const url = `${base}/${mediasoupPkg.version}/mediasoup-worker-${mediasoupPkg.version}-${process.platform}-${process.arch}${kernel}.tgz`;
  try {
    const response = await fetch(url, { method: 'HEAD', redirect: 'manual', signal: AbortSignal.timeout(15_000) });
    log(`${url}: HTTP ${response.status}`);
    return 'upstream';
  } catch (error) {
    log(`${url}: unreachable (${error.cause?.code ?? error.name ?? error.message})`);
    return 'offline';
  }
}

// --- offline build preparation ----------------------------------------------------------------------

function hasDpkg() {
  return spawnSync('dpkg-query', ['--version'], { stdio: 'ignore' }).status === 0;
}

// mediasoup's npm-scripts.mjs runs "$PYTHON" or else python3 (or else python) from PATH; so do we.
function findPython() {
  if (process.env.PYTHON) return process.env.PYTHON;
  return spawnSync('python3', ['--version'], { stdio: 'ignore' }).status === 0 ? 'python3' : 'python';
}

function ensureDebianPackages(python) {
  if (!hasDpkg()) {
    fail(
      'the offline build of the mediasoup worker is automated for Debian/Ubuntu only. Elsewhere install ' +
        'a C++20 compiler, pkg-config, libuv >= 1.44, OpenSSL 3, libsrtp2, flatbuffers (library and flatc ' +
        'of the same version) and abseil, or set MEDIASOUP_WORKER_BIN to a worker binary.',
    );
  }
  const wanted = [...DEBIAN_PACKAGES];
  if (python && spawnSync(python, ['-m', 'pip', '--version'], { stdio: 'ignore' }).status !== 0) {
    wanted.push('python3-pip');
  }
  const missing = wanted.filter((name) => {
    const result = spawnSync('dpkg-query', ['-W', '-f=${db:Status-Status}', name], { encoding: 'utf8' });
    return result.status !== 0 || result.stdout.trim() !== 'installed';
  });
  if (missing.length === 0) return;

  const args = ['install', '-y', '--no-install-recommends', ...missing];
  const command = `apt-get ${args.join(' ')}`;
  if (process.getuid?.() !== 0) {
    fail(`missing Debian packages for the offline build: ${missing.join(' ')}\n  run: sudo ${command}\n  then install again`);
  }
  log(`installing Debian packages: ${command}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  if (spawnSync('apt-get', args, { stdio: 'inherit', env }).status !== 0) {
    log('apt-get install failed, refreshing the package lists and trying again');
    spawnSync('apt-get', ['update'], { stdio: 'inherit', env });
    if (spawnSync('apt-get', args, { stdio: 'inherit', env }).status !== 0) fail(`"${command}" failed`);
  }
}

function pipInstall(python, target, requirements) {
  fs.rmSync(target, { recursive: true, force: true });
  // --target also keeps pip away from the system site-packages (no PEP 668 refusal); --retries 0 because
  // without internet the public index is unreachable anyway and only the local mirror can answer.
  const args = ['-m', 'pip', 'install', '--no-user', '--disable-pip-version-check', '--retries', '0', '--target', target, ...requirements];
  log(`${python} ${args.join(' ')}`);
  const result = spawnSync(python, args, { stdio: 'inherit' });
  if (result.status !== 0) {
    fail(`could not install ${requirements.join(' ')} with pip (is the pip mirror configured?)`);
  }
}

function prepareOfflineBuild(python) {
  const worker = path.join(MEDIASOUP_DIR, 'worker');

  // worker/tasks.py skips its own pip step (which pins a meson the mirror lacks) when this meson exists,
  // and runs the ninja next to it; npm-scripts.mjs skips installing invoke when worker/pip_invoke exists.
  const expectations = [
    [path.join(worker, 'tasks.py'), 'PIP_MESON_NINJA_DIR = f"{MEDIASOUP_OUT_DIR}/pip_meson_ninja"'],
    [path.join(MEDIASOUP_DIR, 'npm-scripts.mjs'), "path.resolve('worker/pip_invoke')"],
  ];
  for (const [file, text] of expectations) {
    if (!fs.readFileSync(file, 'utf8').includes(text)) {
      fail(`${file} no longer contains ${text}: update prepareOfflineBuild() for this mediasoup version`);
    }
  }
  pipInstall(python, path.join(worker, 'out', 'pip_meson_ninja'), PIP_MESON_NINJA);
  pipInstall(python, path.join(worker, 'pip_invoke'), PIP_INVOKE);

  // Meson uses an existing worker/subprojects/<directory of the wrap> instead of downloading it.
  for (const name of fs.readdirSync(SHIMS_DIR).sort()) {
    const wrapFile = path.join(worker, 'subprojects', `${name}.wrap`);
    if (!fs.existsSync(wrapFile)) fail(`mediasoup has no ${name}.wrap any more: update rtc/worker-build/subprojects`);
    const directory = /^\s*directory\s*=\s*(\S+)\s*$/m.exec(fs.readFileSync(wrapFile, 'utf8'))?.[1];
    if (!directory) fail(`no "directory =" in ${wrapFile}`);
    const target = path.join(worker, 'subprojects', directory);
    fs.rmSync(target, { recursive: true, force: true });
    fs.cpSync(path.join(SHIMS_DIR, name), target, { recursive: true });
    log(`subproject ${name}: Debian shim in worker/subprojects/${directory}`);
  }
  return fixDtlsKtlsCallback(worker);
}

// mediasoup's BIO callback returns 1 instead of the operation's result for BIO_CB_CTRL|BIO_CB_RETURN; with
// a kTLS-enabled OpenSSL (Debian's) OpenSSL then believes kTLS send is on, never allocates the DTLS write
// buffer and the worker crashes (SIGSEGV in SSL_read) at the first DTLS handshake with a browser.
function fixDtlsKtlsCallback(worker) {
  const file = path.join(worker, 'src', 'RTC', 'DtlsTransport.cpp');
  const source = fs.readFileSync(file, 'utf8');
  const { buggy, fixed } = DTLS_KTLS_FIX;
  if (source.includes(fixed)) return 'present';
  const count = source.split(buggy).length - 1;
  if (count === 1) {
    fs.writeFileSync(file, source.replace(buggy, fixed));
    log('applied the DTLS BIO callback (kTLS) fix to worker/src/RTC/DtlsTransport.cpp');
    return 'applied';
  }
  if (/operationType\s*==\s*BIO_CB_RETURN/.test(source)) {
    fail(`${file} tests "operationType == BIO_CB_RETURN" in an unexpected form: update fixDtlsKtlsCallback()`);
  }
  log('DtlsTransport.cpp no longer has the BIO callback bug (fixed upstream?), nothing to patch');
  return 'not-needed';
}

// --- mediasoup's own postinstall -------------------------------------------------------------------------

function runMediasoupPostinstall(env) {
  const childEnv = { ...env };
  delete childEnv.MEDIASOUP_WORKER_BIN;
  const result = spawnSync(process.execPath, ['npm-scripts.mjs', 'postinstall'], {
    cwd: MEDIASOUP_DIR,
    env: childEnv,
    stdio: 'inherit',
  });
  if (result.status !== 0) fail(`mediasoup's postinstall (node npm-scripts.mjs postinstall) failed with status ${result.status}`);
}

main().catch((error) => fail(error?.stack ?? String(error)));
