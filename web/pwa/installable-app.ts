// What makes the built web app installable and usable offline, added to the build (ADR 0023): the PNG icons the
// manifest names, drawn from web/public/icons/icon.svg, and the service worker (sw.js) from service-worker.js with
// the files it keeps — the app shell, the chunks of the pages named here and what they import, the manifest and
// icons — and a version that changes with any of them.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import type { Plugin, Rolldown } from 'vite';

type Bundle = Rolldown.OutputBundle;

export interface InstallableAppOptions {
  /** The web app's public folder (copied into the build as it is). */
  publicDir: string;
  /** Source files (paths ending so) of the lazily loaded pages that must open offline. */
  offlinePages: readonly string[];
}

const ICON_SOURCE = 'icons/icon.svg';
const ICON_SIZES = [180, 192, 512] as const;
const KEPT_PUBLIC_FILES = ['manifest.webmanifest', ICON_SOURCE];
const WORKER_TEMPLATE = new URL('./service-worker.js', import.meta.url);

export function installableApp({ publicDir, offlinePages }: InstallableAppOptions): Plugin {
  return {
    name: 'vectordesk-installable-app',
    apply: 'build',
    // After vite's own plugins, so the bundle holds index.html.
    enforce: 'post',
    async generateBundle(_options, bundle) {
      const svg = await readFile(path.join(publicDir, ICON_SOURCE));
      const icons = await Promise.all(
        ICON_SIZES.map(async (size) => ({
          fileName: `icons/icon-${size}.png`,
          source: await sharp(svg).resize(size, size).png().toBuffer(),
        })),
      );
      for (const icon of icons) this.emitFile({ type: 'asset', ...icon });

      const publicFiles = await Promise.all(
        KEPT_PUBLIC_FILES.map(async (fileName) => ({ fileName, source: await readFile(path.join(publicDir, fileName)) })),
      );
      const built = [...builtFilesFor(bundle, offlinePages)].map((fileName) => ({ fileName, source: sourceOf(bundle, fileName) }));
      const kept = [...built, ...publicFiles, ...icons].sort((a, b) => a.fileName.localeCompare(b.fileName));
      const template = await readFile(WORKER_TEMPLATE, 'utf8');
      const version = createHash('sha256');
      version.update(template);
      for (const { fileName, source } of kept) version.update(fileName).update(source);

      // The shell is kept as `./`, the address the app is opened at, rather than as index.html.
      const precache = kept.map(({ fileName }) => (fileName === 'index.html' ? './' : fileName));
      this.emitFile({
        type: 'asset',
        fileName: 'sw.js',
        source: template
          .replace("'__VERSION__'", JSON.stringify(version.digest('hex').slice(0, 16)))
          .replace("'__PRECACHE__'", JSON.stringify(JSON.stringify(precache))),
      });
    },
  };
}

/** index.html, the entry chunks and the offline pages' chunks with everything they import statically (JS, CSS, assets). */
function builtFilesFor(bundle: Bundle, offlinePages: readonly string[]): Set<string> {
  const files = new Set<string>(['index.html']);
  const chunks = Object.values(bundle).filter((output): output is Rolldown.OutputChunk => output.type === 'chunk');
  const roots = chunks.filter(
    (chunk) => chunk.isEntry || (chunk.isDynamicEntry && offlinePages.some((page) => chunk.facadeModuleId?.endsWith(page))),
  );
  const missing = offlinePages.filter((page) => !roots.some((chunk) => chunk.facadeModuleId?.endsWith(page)));
  if (missing.length > 0) throw new Error(`no chunk of the offline pages ${missing.join(', ')}`);
  const visit = (fileName: string) => {
    const chunk = bundle[fileName];
    if (files.has(fileName) || chunk?.type !== 'chunk') return;
    files.add(fileName);
    for (const file of [...(chunk.viteMetadata?.importedCss ?? []), ...(chunk.viteMetadata?.importedAssets ?? [])]) files.add(file);
    chunk.imports.forEach(visit);
  };
  for (const root of roots) visit(root.fileName);
  return files;
}

function sourceOf(bundle: Bundle, fileName: string): string | Uint8Array {
  const output = bundle[fileName];
  if (!output) throw new Error(`${fileName} is not in the bundle`);
  return output.type === 'chunk' ? output.code : output.source;
}
