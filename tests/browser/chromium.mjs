// Debian's Chromium, headless, driven by playwright-core (which downloads no browser).
// The flags keep Chromium from reaching out on its own (Google's update, sync and
// component services): this machine has no network, and the tests assert that no request
// leaves the page.
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";

export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** The browser: GRANTLINT_CHROMIUM, else Debian's. Missing is an error, never a skip. */
export function chromiumPath() {
  const path = process.env.GRANTLINT_CHROMIUM || "/usr/bin/chromium";
  if (!existsSync(path)) {
    throw new Error(
      `Chromium not found at ${path}: install Debian's chromium package (.ci/run does) or set GRANTLINT_CHROMIUM`,
    );
  }
  return path;
}

/**
 * A browser context with a fresh, empty profile (--user-data-dir) and the network
 * switched off. `close()` ends the browser and removes the profile.
 */
export async function launch(options = {}) {
  const profile = mkdtempSync(join(tmpdir(), "grantlint-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath(),
    headless: true,
    args: CHROMIUM_ARGS,
    offline: true,
    ...options,
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
