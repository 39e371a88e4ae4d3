// Opens a built scorecard page in headless Debian Chromium, checks that a
// screenshot of it is not blank, and runs axe-core against it: any
// violation fails. Usage: node check.mjs reports/2026-03/index.html out.png [width]
// At a phone's width (e.g. 400) the page must also fit without sideways scrolling.
import { chromium } from "playwright-core";
import { createRequire } from "node:module";
import { readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { PNG } from "pngjs";

const require = createRequire(import.meta.url);
const [page_path, screenshot_path, width_arg] = process.argv.slice(2);
const width = Number(width_arg ?? 1280);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
});
let failed = false;
try {
  const page = await browser.newPage({ viewport: { width, height: 900 } });
  const requests = [];
  page.on("request", (request) => {
    if (!request.url().startsWith("file:")) requests.push(request.url());
  });
  await page.goto(pathToFileURL(resolve(page_path)).href, { waitUntil: "load" });

  const shot = await page.screenshot({ fullPage: false });
  writeFileSync(screenshot_path, shot);
  const png = PNG.sync.read(shot);
  const colours = new Set();
  let dark = 0;
  for (let i = 0; i < png.data.length; i += 4) {
    const [r, g, b] = [png.data[i], png.data[i + 1], png.data[i + 2]];
    colours.add((r << 16) | (g << 8) | b);
    if (r + g + b < 200) dark++;
  }
  console.log(`screenshot ${png.width}x${png.height}: ${colours.size} colours, ${dark} dark pixels`);
  if (colours.size < 20 || dark < 2000) {
    console.error("the page renders blank");
    failed = true;
  }
  const scroll = await page.evaluate(() => document.documentElement.scrollWidth);
  if (scroll > width) {
    console.error(`the page is ${scroll} px wide in a ${width} px window: it scrolls sideways`);
    failed = true;
  }
  if (requests.length > 0) {
    console.error(`the page made external requests: ${requests.join(", ")}`);
    failed = true;
  }

  await page.addScriptTag({ content: readFileSync(require.resolve("axe-core/axe.min.js"), "utf8") });
  const results = await page.evaluate(async () => await window.axe.run(document));
  console.log(`axe-core: ${results.passes.length} rules passed, ${results.violations.length} violated`);
  for (const violation of results.violations) {
    failed = true;
    console.error(`${violation.id} (${violation.impact}): ${violation.help}`);
    for (const node of violation.nodes.slice(0, 5)) console.error(`  ${node.target.join(" ")}: ${node.failureSummary}`);
  }
} finally {
  await browser.close();
}
process.exit(failed ? 1 : 0);
