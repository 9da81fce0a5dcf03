import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postJson } from '../harness/http.js';
import { settled, startStack, TEST_TOKEN, type Stack } from '../harness/stack.js';

/**
 * The Bull Board at /admin/queues as on-call sees it: in headless Chromium (Debian's, never a downloaded browser),
 * driven by playwright-core. Screenshots are kept in test-results/screenshots/ (git-ignored) for a person to look at.
 */
const ADMIN_TOKEN = 'admin-token-0123456789';
const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const SCREENSHOTS = fileURLToPath(new URL('../../test-results/screenshots/', import.meta.url));
const QUEUES = ['order', 'cancel', 'update', 'return', 'inventory'];

let stack: Stack;
let browser: Browser;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium not found at ${CHROMIUM}: the dashboard's browser test needs it. Install Debian's ` +
        '(`sudo apt-get install chromium`; .ci/run does this in CI), or point CHROMIUM_PATH at a Chromium or Chrome binary.',
    );
  }
  mkdirSync(SCREENSHOTS, { recursive: true });
  // playwright-core gives Chromium a fresh, empty user data dir of its own. Without the background-networking flags
  // Chromium keeps trying hosts that a closed network refuses.
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  stack = await startStack({ env: { ADMIN_TOKEN, JOB_ATTEMPTS: '1' } });
});

afterAll(async () => {
  for (const context of contexts) await context.close().catch(() => undefined);
  await browser?.close();
  await stack?.close();
});

async function newPage(options: Parameters<Browser['newContext']>[0] = {}): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, ...options });
  contexts.push(context);
  return context.newPage();
}

const board = () => `${stack.ingressUrl}/admin/queues`;
const asOps = { httpCredentials: { username: 'ops', password: ADMIN_TOKEN } };
/** One signed-in tab for the board's own pages: the second page comes from its cache, as for a person. */
let opsPage: Page | undefined;
const signedIn = async () => (opsPage ??= await newPage(asOps));

describe('the Bull Board in a browser', () => {
  it('is refused without the admin token and with a wrong one', async () => {
    // No credentials: headless Chromium has no prompt for the basic auth that the 401 asks for, so the navigation fails.
    const page = await newPage();
    await expect(page.goto(board())).rejects.toThrow(/ERR_INVALID_AUTH_CREDENTIALS/);
    const refused = await page.request.get(board());
    expect(refused.status()).toBe(401);
    expect(refused.headers()['www-authenticate']).toMatch(/^Basic /);
    expect(await refused.text()).toContain('ROB_UNAUTHORIZED');

    // A wrong password: the browser shows the 401 and its reason, and no board.
    const wrong = await newPage({ httpCredentials: { username: 'ops', password: 'wrong-admin-token' } });
    expect((await wrong.goto(board()))?.status()).toBe(401);
    expect(await wrong.textContent('body')).toContain('ROB_UNAUTHORIZED');
    await wrong.screenshot({ path: join(SCREENSHOTS, 'dashboard-refused.png') });
  });

  it('loads with the token as the basic-auth password and lists the five queues', async () => {
    const page = await signedIn();
    const response = await page.goto(board());
    expect(response?.status()).toBe(200);
    for (const name of QUEUES) await expect(page.getByRole('link', { name, exact: true }).first().waitFor({ timeout: 5_000 })).resolves.toBeUndefined();
    await page.screenshot({ path: join(SCREENSHOTS, 'dashboard-queues.png'), fullPage: true });
  });

  it('loads with the token as a bearer token too', async () => {
    const page = await newPage({ extraHTTPHeaders: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    expect((await page.goto(board()))?.status()).toBe(200);
    await page.getByRole('link', { name: 'cancel', exact: true }).first().waitFor({ timeout: 5_000 });
  });

  it('shows a failed job with its failure code and message before any stack trace', async () => {
    // The sandbox has no order 999: the cancel fails for good with ORDER_NOT_FOUND.
    const answer = await postJson(stack.ingressUrl, '/order_cancel', { data: { channel: { id: 21 }, order: { channel_refnum: '999' } } }, { bearer: TEST_TOKEN });
    expect(answer.status).toBe(200);
    await settled(stack);
    const [failed] = await stack.queues.cancel.getFailed();
    const reason = failed?.failedReason ?? '';
    expect(reason).toMatch(/^ORDER_NOT_FOUND: .*999/);

    const page = await signedIn();
    expect((await page.goto(`${board()}/queue/cancel?status=failed`))?.status()).toBe(200);
    // A failed job opens on its Error tab, whose first line is the code and message; any frames ("    at …") follow.
    await page.getByRole('tab', { name: 'Error', selected: true }).waitFor({ timeout: 5_000 });
    const panel = page.getByRole('tabpanel').filter({ hasText: reason });
    await panel.waitFor({ timeout: 5_000 });
    const lines = (await panel.innerText()).split('\n').map((line) => line.trim()).filter(Boolean);
    expect(lines[0]).toBe(reason);
    expect(lines.slice(1).every((line) => line.startsWith('at '))).toBe(true);
    await page.screenshot({ path: join(SCREENSHOTS, 'dashboard-failed-job.png'), fullPage: true });
  });
});
