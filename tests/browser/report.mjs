// Load a grantlint HTML report from a file in headless Chromium, use it as a reviewer
// would (sort tables, follow links, print), and print what the browser saw as JSON on
// stdout. tests/html.rs runs this and judges the facts; nothing is judged here.
//
//   node tests/browser/report.mjs REPORT.html
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { launch } from "./chromium.mjs";

const file = process.argv[2];
if (!file) {
  console.error("usage: node report.mjs REPORT.html");
  process.exit(2);
}
const url = pathToFileURL(resolve(file)).href;

const browser = await launch();
try {
  const page = await browser.context.newPage();
  const seen = { console: [], pageErrors: [], requests: [], failedRequests: [], dialogs: [] };
  page.on("console", (m) => seen.console.push({ type: m.type(), text: m.text() }));
  page.on("pageerror", (e) => seen.pageErrors.push(String(e)));
  page.on("dialog", async (d) => {
    seen.dialogs.push(d.message());
    await d.dismiss();
  });
  // Every request of the context, the page's own and any other (workers, favicon).
  browser.context.on("request", (r) => seen.requests.push(r.url()));
  browser.context.on("requestfailed", (r) => seen.failedRequests.push(r.url()));

  await page.goto(url, { waitUntil: "load" });
  await page.waitForTimeout(200); // let anything late (a deferred load) show itself

  const dom = await page.evaluate(() => {
    const text = (el) => (el ? el.textContent.replace(/\s+/g, " ").trim() : null);
    const rows = (table, read) => (table ? [...table.tBodies[0].rows].map(read) : []);
    const heatmap = document.getElementById("heatmap");
    return {
      title: document.title,
      csp: document.querySelector('meta[http-equiv="Content-Security-Policy"]')?.getAttribute("content") ?? null,
      scripts: document.scripts.length,
      counts: Object.fromEntries(
        [...document.querySelectorAll("[data-count]")].map((el) => [
          el.getAttribute("data-count"),
          Number(text(el.querySelector(".num, strong"))),
        ]),
      ),
      heatmap: {
        classes: heatmap ? [...heatmap.tHead.rows[0].cells].slice(3).map(text) : [],
        rows: rows(heatmap, (tr) => {
          const link = tr.cells[0].querySelector("a");
          const href = link?.getAttribute("href") ?? null;
          return {
            name: text(tr.cells[0]),
            href,
            target: href ? Boolean(document.getElementById(href.slice(1))) : false,
            verdict: text(tr.cells[1]),
            missing: text(tr.cells[2]),
            cells: [...tr.cells].slice(3).map((td) => {
              const a = td.querySelector("a");
              const cellHref = a?.getAttribute("href") ?? null;
              const lines = [...td.querySelectorAll(".worst, .extra")].map(text);
              return {
                text: lines.length ? lines.join(" ") : text(td),
                span: td.colSpan,
                href: cellHref,
                target: cellHref ? Boolean(document.getElementById(cellHref.slice(1))) : false,
                background: getComputedStyle(td).backgroundColor,
              };
            }),
          };
        }),
      },
      sections: [...document.querySelectorAll("section.credential")].map((s) => {
        const perm = (tr) => ({ risk: text(tr.cells[0]), permission: text(tr.cells[1]), fails: text(tr.cells[4]) });
        return {
          id: s.id,
          name: s.querySelector(".cred-name")?.textContent ?? null,
          verdict: text(s.querySelector(".cred-head .verdict")),
          facts: Object.fromEntries(
            [...s.querySelectorAll(".facts > div")].map((d) => [text(d.querySelector("dt")), text(d.querySelector("dd"))]),
          ),
          notices: [...s.querySelectorAll(".notice .message")].map(text),
          missing: rows(s.querySelector("table.missing"), perm),
          excess: rows(s.querySelector("table.excess"), perm),
          // The Usage column, when the credential was checked with usage evidence.
          usage: Object.fromEntries(
            ["missing", "excess"].map((kind) => {
              const table = s.querySelector(`table.${kind}`);
              const col = table ? [...table.tHead.rows[0].cells].findIndex((th) => text(th) === "Usage") : -1;
              return [kind, col < 0 ? null : rows(table, (tr) => text(tr.cells[col]))];
            }),
          ),
          checklist: [...s.querySelectorAll(".checklist li")].map(text),
          waivers: rows(s.querySelector("table.waivers"), (tr) => [...tr.cells].map(text)),
          others: rows(s.querySelector("table.others"), (tr) => [text(tr.cells[0]), text(tr.cells[2])]),
        };
      }),
      bodyText: document.body.innerText,
    };
  });

  // Sorting: each findings table by its Risk heading, twice; the heatmap by each column.
  const risks = (table) =>
    table.evaluate((t) => [...t.tBodies[0].rows].map((tr) => tr.cells[0].textContent.trim()));
  const sorts = [];
  for (const table of await page.locator("section.credential table.sortable").all()) {
    const section = await table.evaluate((t) => t.closest("section").id);
    const kind = await table.evaluate((t) => (t.classList.contains("missing") ? "missing" : "excess"));
    const header = table.locator("thead th", { hasText: "Risk" }).locator("button");
    const before = await risks(table);
    await header.click();
    const first = await risks(table);
    const firstSort = await table.locator("thead th").first().getAttribute("aria-sort");
    await header.click();
    const second = await risks(table);
    const secondSort = await table.locator("thead th").first().getAttribute("aria-sort");
    sorts.push({ section, table: kind, before, first, firstSort, second, secondSort });
  }
  const heatSorts = [];
  const heatHeads = page.locator("#heatmap thead th");
  for (let col = 0; col < (await heatHeads.count()); col++) {
    const heading = (await heatHeads.nth(col).textContent()).trim();
    await heatHeads.nth(col).locator("button").click();
    const order = await page.evaluate(() =>
      [...document.getElementById("heatmap").tBodies[0].rows].map((tr) => tr.cells[0].textContent.trim()),
    );
    const sort = await heatHeads.nth(col).getAttribute("aria-sort");
    heatSorts.push({ column: col, heading, sort, order });
  }

  // A link from the heatmap leads to its credential's section.
  let followed = null;
  const firstLink = page.locator("#heatmap tbody th a").first();
  if ((await firstLink.count()) > 0) {
    const href = await firstLink.getAttribute("href");
    await firstLink.click();
    const hash = await page.evaluate(() => location.hash);
    const inView = await page.evaluate((id) => {
      const box = document.getElementById(id).getBoundingClientRect();
      return box.top >= -1 && box.top < window.innerHeight;
    }, href.slice(1));
    followed = { href, hash, inView };
  }

  // Paper: the print style sheet hides what only a screen needs, and a PDF comes out.
  await page.emulateMedia({ media: "print" });
  const print = await page.evaluate(() => {
    const up = document.querySelector(".up");
    const heat = document.getElementById("heatmap");
    return {
      upHidden: up ? getComputedStyle(up).display === "none" : null,
      heatmapVisible: heat ? heat.getBoundingClientRect().height > 0 : false,
    };
  });
  const pdf = await page.pdf({ format: "A4", printBackground: true });
  print.pdfBytes = pdf.length;
  print.pdfPages = (pdf.toString("latin1").match(/\/Type\s*\/Page[^s]/g) || []).length;

  process.stdout.write(JSON.stringify({ url, ...seen, dom, sorts, heatSorts, followed, print }, null, 1) + "\n");
} finally {
  await browser.close();
}
