import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

// "Readable in light and dark themes", checked on the stylesheet itself: every text colour and
// every outline a user relies on meets WCAG 2.2 AA contrast against what it is drawn on.

const css = readFileSync(new URL('./styles.css', import.meta.url), 'utf8');

/** The custom properties declared in the first block whose selector line is `selector {`. */
function customProperties(selector: string): Record<string, string> {
  const at = css.indexOf(`${selector} {`);
  if (at < 0) throw new Error(`styles.css has no '${selector}' block`);
  const body = css.slice(at, css.indexOf('}', at));
  return Object.fromEntries([...body.matchAll(/--([\w-]+):\s*([^;]+);/g)].map((m) => [m[1], m[2].trim()]));
}

type Rgb = [number, number, number];

function rgb(hex: string): Rgb {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex);
  if (!m) throw new Error(`not a #rrggbb colour: ${hex}`);
  return [parseInt(m[1], 16), parseInt(m[2], 16), parseInt(m[3], 16)];
}

/** WCAG 2.x relative luminance and contrast ratio. */
function luminance([r, g, b]: Rgb): number {
  const lin = (c: number) => (c / 255 <= 0.04045 ? c / 255 / 12.92 : ((c / 255 + 0.055) / 1.055) ** 2.4);
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
}

function contrast(a: Rgb, b: Rgb): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

/** `color-mix(in srgb, a p%, b)` as the queue banner uses it. */
function mix(a: Rgb, b: Rgb, p: number): Rgb {
  return [0, 1, 2].map((i) => Math.round(a[i] * p + b[i] * (1 - p))) as Rgb;
}

const light = customProperties(':root');
const darkByAttribute = { ...light, ...customProperties(":root[data-theme='dark']") };
const darkBySystem = { ...light, ...customProperties(":root:not([data-theme='light'])") };

/** [foreground, background, minimum ratio]: 4.5 for text, 3 for outlines and focus rings (WCAG 1.4.3, 1.4.11). */
const PAIRS: ReadonlyArray<readonly [string, string, number]> = [
  ['text', 'bg', 4.5],
  ['text', 'surface', 4.5],
  ['muted', 'bg', 4.5],
  ['muted', 'surface', 4.5],
  // The provisional partial is lighter than the final text, but still readable.
  ['partial', 'surface', 4.5],
  ['danger', 'bg', 4.5],
  ['danger', 'surface', 4.5],
  ['accent-text', 'accent', 4.5],
  ['accent-text', 'record', 4.5],
  ['focus', 'bg', 3],
  ['focus', 'surface', 3],
  ['control-border', 'bg', 3],
  ['control-border', 'surface', 3],
  ['accent', 'surface', 3],
];

describe.each([
  ['light', light],
  ['dark', darkByAttribute],
])('%s theme', (_name, theme) => {
  const color = (name: string) => {
    const value = theme[name];
    if (value === undefined) throw new Error(`--${name} is not defined`);
    return rgb(value);
  };

  it.each(PAIRS)('--%s on --%s reaches %s:1', (fg, bg, min) => {
    expect(contrast(color(fg), color(bg))).toBeGreaterThanOrEqual(min);
  });

  it('the queue banner text is readable on its tinted background', () => {
    const banner = mix(color('warn'), color('surface'), 0.12);
    expect(css).toMatch(/\.queue-banner \{[^}]*color-mix\(in srgb, var\(--warn\) 12%, var\(--surface\)\)/);
    expect(contrast(color('text'), banner)).toBeGreaterThanOrEqual(4.5);
    expect(contrast(color('muted'), banner)).toBeGreaterThanOrEqual(4.5);
  });
});

it('the dark theme is the same whether the system or the theme button picks it', () => {
  expect(darkBySystem).toEqual(darkByAttribute);
  expect(darkByAttribute).not.toEqual(light);
});
