import { existsSync } from 'node:fs';

/** Chromium from CHROMIUM_PATH, else Debian's, else Playwright's own (which cannot be downloaded here). */
export function chromiumPath(): string | undefined {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium'];
  return candidates.find((p): p is string => !!p && existsSync(p));
}

/** WebGPU and WebGL through SwiftShader (software), headless, with no outside network: tests and bench:browser. */
export const CHROMIUM_ARGS: string[] = [
  '--enable-unsafe-webgpu',
  '--enable-features=Vulkan',
  '--use-vulkan=swiftshader',
  '--use-webgpu-adapter=swiftshader',
  '--use-angle=swiftshader',
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
