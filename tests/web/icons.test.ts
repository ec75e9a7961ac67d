// The web app's icons are inline SVG: emoji and symbol characters show as empty boxes where no emoji font is installed.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { Icon, type IconName } from '../../web/src/components/Icon';

const WEB_SOURCES = new URL('../../web/src/', import.meta.url).pathname;
const ICON_NAMES: IconName[] = [
  'hand',
  'microphoneOff',
  'videoOff',
  'record',
  'flag',
  'arrowLeft',
  'close',
  'pin',
  'fullscreen',
  'grid',
  'stage',
  'pen',
];

/** Emoji, and the arrows, technical symbols, geometric shapes, dingbats and math symbols used as pictures. */
const SYMBOL_ICON = /\p{Extended_Pictographic}|[\u2190-\u21ff\u2300-\u23ff\u25a0-\u27bf\u2980-\u29ff]/u;

function sourceFiles(dir: string, extension: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith(extension))
    .map((entry) => join(entry.parentPath, entry.name));
}

/** The code of a component file without its comments, where symbols in prose are fine. */
const withoutComments = (source: string) => source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');

describe('icons', () => {
  it('draw SVG that is hidden from screen readers beside a text, and named where it stands alone', () => {
    for (const name of ICON_NAMES) {
      const decoration = renderToStaticMarkup(createElement(Icon, { name }));
      expect(decoration).toMatch(/^<svg [^>]*aria-hidden="true"[^>]*>.*<(path|rect|circle) /);
      expect(decoration).toContain(`data-icon="${name}"`);
      const alone = renderToStaticMarkup(createElement(Icon, { name, label: 'Raise hand · 举手' }));
      expect(alone).toMatch(/^<svg [^>]*role="img"[^>]*aria-label="Raise hand · 举手"/);
      expect(alone).toContain('<title>Raise hand · 举手</title>');
      expect(alone).not.toContain('aria-hidden');
    }
  });

  it('are never emoji or symbol characters in the components, nor emoji in the translations', () => {
    const offending = sourceFiles(WEB_SOURCES, '.tsx').flatMap((file) =>
      withoutComments(readFileSync(file, 'utf8'))
        .split('\n')
        .filter((line) => SYMBOL_ICON.test(line))
        .map((line) => `${file}: ${line.trim()}`),
    );
    expect(offending).toEqual([]);
    for (const file of sourceFiles(join(WEB_SOURCES, 'locales'), '.json')) {
      const text = readFileSync(file, 'utf8');
      expect(text.match(/\p{Extended_Pictographic}|[\u25a0-\u27bf]/gu) ?? [], file).toEqual([]);
    }
  });
});
