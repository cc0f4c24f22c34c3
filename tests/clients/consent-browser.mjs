// Drives the consent page in headless Chromium (Debian's, through
// playwright-core). AUTHORIZE_URLS holds three /authorize URLs of one
// registered client, for the wrong-code, approve and deny cases. Prints one
// JSON report; the Rust test checks it against the server's behaviour.

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";

const [wrongUrl, approveUrl, denyUrl] = JSON.parse(process.env.AUTHORIZE_URLS);
const accessCode = process.env.ACCESS_CODE;
const screenshot = process.env.SCREENSHOT;
const callbackPrefix = process.env.CALLBACK_PREFIX;

const profile = mkdtempSync(join(tmpdir(), "consent-chromium-"));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.CHROMIUM,
  headless: true,
  args: [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    // Every name but loopback fails to resolve, so no page can reach out.
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
  ],
});
const report = {};

/** Submits the page's form and returns the callback URL the browser lands on. */
async function submitAndCatchCallback(page, button) {
  await Promise.all([page.waitForURL(`${callbackPrefix}**`), page.click(button)]);
  return new URL(page.url());
}

try {
  const page = await context.newPage();
  page.setDefaultTimeout(15000);

  // The page as a person sees it.
  await page.goto(wrongUrl);
  report.text = await page.locator("body").innerText();
  await page.screenshot({ path: screenshot, fullPage: true });

  // A wrong access code stays on this server with an error.
  await page.fill('input[type="password"]', "not-the-code");
  await Promise.all([page.waitForLoadState("load"), page.click('button[value="approve"]')]);
  await page.waitForLoadState("load");
  report.wrong = {
    url: page.url(),
    text: await page.locator("body").innerText(),
  };

  // The right code redirects to the client with a code.
  await page.goto(approveUrl);
  await page.fill('input[type="password"]', accessCode);
  const approved = await submitAndCatchCallback(page, 'button[value="approve"]');
  report.approve = Object.fromEntries(approved.searchParams);

  // Deny redirects with access_denied.
  await page.goto(denyUrl);
  const denied = await submitAndCatchCallback(page, 'button[value="deny"]');
  report.deny = Object.fromEntries(denied.searchParams);
} finally {
  await context.close();
  rmSync(profile, { recursive: true, force: true });
}
console.log(JSON.stringify(report));
