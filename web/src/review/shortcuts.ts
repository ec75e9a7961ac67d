// The review page's keyboard: one key table for the handler and the help, and which key presses count.
export const REVIEW_SHORTCUTS = [
  { action: 'confirm', keys: ['c'] },
  { action: 'correct', keys: ['x'] },
  { action: 'needPhotos', keys: ['p'] },
  { action: 'next', keys: ['n', 'j'] },
  { action: 'previous', keys: ['k'] },
  { action: 'toggleZoom', keys: ['z'] },
  { action: 'zoomIn', keys: ['+', '='] },
  { action: 'zoomOut', keys: ['-'] },
  { action: 'previousPhoto', keys: ['ArrowLeft'] },
  { action: 'nextPhoto', keys: ['ArrowRight'] },
  { action: 'help', keys: ['?'] },
] as const;

export type ReviewAction = (typeof REVIEW_SHORTCUTS)[number]['action'];

const ACTION_BY_KEY: ReadonlyMap<string, ReviewAction> = new Map(
  REVIEW_SHORTCUTS.flatMap(({ action, keys }) => keys.map((key) => [key, action] as const)),
);

/** Input types that take no typing: a shortcut pressed on them still counts. */
const NON_TEXT_INPUTS = new Set(['button', 'checkbox', 'color', 'file', 'image', 'radio', 'range', 'reset', 'submit']);

/** Whether key presses on this element are typing (a text field, a text area, a select, editable content). */
export function isTypingTarget(target: unknown): boolean {
  if (typeof target !== 'object' || target === null) return false;
  const element = target as { tagName?: unknown; type?: unknown; isContentEditable?: unknown };
  if (element.isContentEditable === true) return true;
  const tag = typeof element.tagName === 'string' ? element.tagName.toUpperCase() : '';
  if (tag === 'TEXTAREA' || tag === 'SELECT') return true;
  return tag === 'INPUT' && !NON_TEXT_INPUTS.has(String(element.type ?? 'text').toLowerCase());
}

export interface KeyPress {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
  target: unknown;
}

/**
 * The action a key press asks for, or null: none while typing, none with Ctrl, ⌘ or Alt (the browser's own
 * shortcuts), letters in either case (Shift and Caps Lock aside).
 */
export function shortcutFor(press: KeyPress): ReviewAction | null {
  if (press.ctrlKey || press.metaKey || press.altKey || isTypingTarget(press.target)) return null;
  const key = press.key.length === 1 ? press.key.toLowerCase() : press.key;
  return ACTION_BY_KEY.get(key) ?? null;
}

const KEY_SYMBOLS: Readonly<Record<string, string>> = { ArrowLeft: '←', ArrowRight: '→' };

/** How a key is written in the help. */
export function keyLabel(key: string): string {
  return KEY_SYMBOLS[key] ?? key;
}
