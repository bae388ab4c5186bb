// The run report: one self-contained HTML file (no network at view time) with its charts' data and the charting
// library inlined, names escaped; and, where Debian's Chromium is installed, opened in headless Chromium: no
// script error, every chart drawn, a screenshot saved. Without Chromium that part says so and is skipped.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { escapeHtml, scriptJson } from '../../src/report/html.js';
import { kubesim } from '../helpers/cli.js';
import { tempFiles } from '../helpers/scenario.js';
import { serviceApp } from '../helpers/manifests.js';

const NAME = 'shop </script><script>alert(1)</script> & "co"';
const scenario = `name: '${NAME}'
duration: 30m
metrics: {interval: 30s}
cluster:
  nodePools:
    - {name: general, count: 2, allocatable: {cpu: "4", memory: 16Gi}, pricePerHour: 0.2}
workloads:
  - objects:${serviceApp('web', { replicas: 3, cpu: '500m' })}
faults:
  - nodeFailure: {node: general-0, at: 10m, for: 5m}
traffic:
  entrypoints:
    - {service: web, rate: 20}
`;

function chromium(): string | null {
  for (const p of ['/usr/bin/chromium', '/usr/bin/chromium-browser']) if (existsSync(p)) return p;
  return null;
}

let sweepReportPath = '';

describe('the run report', () => {
  const dir = tempFiles({ 's.yaml': scenario });
  const report = join(dir, 'out', 'report.html');
  let html = '';

  it('run --report writes report.html: self-contained, small, names escaped', async () => {
    const r = await kubesim(['run', 's.yaml', '--out', 'out', '--quiet', '--report'], dir);
    expect(r.status, r.stderr).toBe(0);
    html = readFileSync(report, 'utf8');
    expect(statSync(report).size).toBeLessThan(1_000_000);
    // No network at view time: nothing is fetched.
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+href=|https?:\/\/[^"'\s]*\.(js|css)/);
    expect(html).toContain('uPlot');
    // The scenario's name is text, never markup: the only </script> tags are the report's own four.
    expect(html.match(/<\/script>/g)).toHaveLength(4);
    expect(html).toContain(escapeHtml(NAME));
    expect(html).toContain('"Nodes per pool"');
    expect(html).toContain('"CPU utilisation by pool and zone"');
    expect(html).toContain('"Latency at the entry points"');
    expect(html).toContain('NodeNotReady');
    // The node failure and its recovery are marks of their kinds, with labels.
    expect(html).toContain('{"t":600,"kind":"fault","label":"NodeFailure general-0"}');
    expect(html).toMatch(/"kind":"recovery","label":"NodeReady general-0"/);
  });

  it('escapes', () => {
    expect(escapeHtml(`<a href="x">&'`)).toBe('&lt;a href=&quot;x&quot;&gt;&amp;&#39;');
    expect(scriptJson({ s: '</script>' })).toBe('{"s":"\\u003c/script>"}');
  });

  it('kubesim report of a directory without run results is refused', async () => {
    const r = await kubesim(['report', 'nowhere'], dir);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^error: nowhere: holds no run results/);
  });

  it('a sweep gets a report too: each figure per cell with its interval, the best cell marked', async () => {
    const sweepDir = tempFiles({
      's.yaml': `name: plan
duration: 20m
cluster:
  nodePools:
    - {name: general, count: 2, allocatable: {cpu: "4", memory: 16Gi}, pricePerHour: 0.2}
workloads:
  - batch: {name: jobs, arrivals: {poisson: {rate: 3/m}}, requests: {cpu: 1, memory: 1Gi}, duration: {exponential: {mean: 5m}}}
sweep:
  seeds: 2
  grid: {nodePools.general.count: [2, 8]}
  baseline: c00
  objective: {minimize: cost, constraints: ['pods_pending_end <= 5']}
`,
    });
    const r = await kubesim(['sweep', 's.yaml', '--out', 'out', '--quiet', '--report'], sweepDir);
    expect(r.status, r.stderr).toBe(0);
    const page = readFileSync(join(sweepDir, 'out', 'report.html'), 'utf8');
    expect(page).toContain('kubesim sweep: s (2 cells x 2 seeds)');
    expect(page).toMatch(/<tr class="best"><td>c01<\/td>/);
    expect(page).toContain('"cost: mean and 95% interval per cell"');
    // Each key figure's paired difference against the baseline, as a row of the table and a chart.
    expect(page).toContain('"cost: paired difference against c00, 95% interval"');
    expect(page).toMatch(/<td>c00<\/td><td>[^<]*<\/td><td>baseline<\/td>/);
    expect(page).toMatch(/<tr><td><\/td><td>vs c00<\/td><td><\/td>(<td class="num( sig)?">[^<]*<\/td>)+<\/tr>/);
    // 8 nodes cost 4 times 2 over the same 20 minutes on every seed: a difference whose interval excludes 0.
    expect(page).toMatch(/<td class="num sig">\+[0-9.]+ \*<\/td>/);
    sweepReportPath = join(sweepDir, 'out', 'report.html');
  }, 120_000);

  const browser = chromium();
  it.runIf(browser !== null)(
    'opens in headless Chromium with every chart drawn and no script error',
    () => {
      expect(existsSync(report)).toBe(true);
      const args = ['--headless', '--no-sandbox', '--disable-gpu', '--virtual-time-budget=5000'];
      const dom = execFileSync(browser!, [...args, '--dump-dom', `file://${report}`], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
        timeout: 60_000,
      });
      const body = /<body data-charts-drawn="(\d+)" data-errors="([^"]*)">/.exec(dom);
      expect(body, 'the report did not load').not.toBeNull();
      expect(body![2]).toBe('');
      const charts = (html.match(/"title":/g) ?? []).length;
      expect(Number(body![1])).toBe(charts);
      expect(dom.match(/<canvas/g)?.length).toBeGreaterThanOrEqual(charts);
      // The marks' legends drew: the node failure and its recovery under the charts of nodes.
      expect(dom).toMatch(/<div class="marks"><span><i style="background: rgb\(214, 39, 40\);"><\/i>faults \(\d+\)<\/span>/);
      expect(dom).toContain('recoveries (');
      const shot = join(dir, 'report.png');
      execFileSync(browser!, [...args, '--window-size=1200,2400', `--screenshot=${shot}`, `file://${report}`], {
        stdio: 'ignore',
        timeout: 60_000,
      });
      expect(statSync(shot).size).toBeGreaterThan(10_000);
      // The sweep's report draws too.
      const sweepDom = execFileSync(browser!, [...args, '--dump-dom', `file://${sweepReportPath}`], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
        timeout: 60_000,
      });
      const sweepBody = /<body data-charts-drawn="(\d+)" data-errors="([^"]*)">/.exec(sweepDom);
      expect(sweepBody![2]).toBe('');
      expect(Number(sweepBody![1])).toBeGreaterThanOrEqual(3);
    },
    120_000,
  );
  if (browser === null) it.skip('opens in headless Chromium (skipped: Chromium is not installed; apt-get install chromium)', () => {});
});
