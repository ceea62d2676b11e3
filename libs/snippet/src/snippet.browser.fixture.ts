/**
 * Test-only HTTP server for the browser spec: serves a page with the loader tag, an image for LCP, a late
 * layout shift, a slow button (INP) and an SPA link, the per-site script, and records POSTed beacons.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { crc32, deflateSync } from 'node:zlib';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildLoaderTag, renderSiteScript } from './bundles';

/** The exports of scripts/build-snippet.mjs that the specs use. */
export interface BuildScript {
  buildSnippetBundles(opts?: { outDir?: string; write?: boolean }): Promise<{ core: string; attribution: string; outDir: string }>;
  SNIPPET_BUILDS: { key: 'core' | 'attribution'; file: string; budgetGzipBytes: number }[];
}

/** Imports the build script, so specs build exactly what `npm run build:snippet` builds. */
export async function importBuildScript(): Promise<BuildScript> {
  const url = pathToFileURL(resolve(__dirname, '../../../scripts/build-snippet.mjs')).href;
  return (await import(url)) as BuildScript;
}

export interface ReceivedBeacon {
  contentType: string;
  body: string;
  /** JSON.parse of the body (undefined if it did not parse). */
  json: unknown;
}

export interface FixtureServer {
  origin: string;
  beacons: ReceivedBeacon[];
  close(): Promise<void>;
}

export interface PageOptions {
  siteKey: string;
  build?: 'core' | 'attribution';
  sampleRate?: number;
  consentRequired?: boolean;
  /** Defines a window.gtag stub that records its calls in window.__gtagCalls. */
  gtag?: boolean;
  /** false: the loader tag says data-ga4="off". */
  ga4?: boolean;
  /** Leave the loader tag out (the bundle is injected with addInitScript instead). */
  noTag?: boolean;
}

/** Path and query of the test page for these options. */
export function pageUrl(path: string, opts: PageOptions): string {
  return `${path}?o=${encodeURIComponent(JSON.stringify(opts))}`;
}

// Random pixels: Chrome ignores low-entropy images (few bits per pixel) as LCP candidates.
function noisePng(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const typed = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const out = Buffer.alloc(12 + data.length);
    out.writeUInt32BE(data.length, 0);
    typed.copy(out, 4);
    out.writeUInt32BE(crc32(typed), 8 + data.length);
    return out;
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8-bit RGB
  const rows = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y++) randomBytes(width * 3).copy(rows, y * (width * 3 + 1) + 1);
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([signature, chunk('IHDR', header), chunk('IDAT', deflateSync(rows)), chunk('IEND', Buffer.alloc(0))]);
}

function testPage(opts: PageOptions): string {
  const tag = opts.noTag
    ? ''
    : buildLoaderTag({ scriptUrl: `/s/${opts.siteKey}.js?o=${encodeURIComponent(JSON.stringify(opts))}`, release: 'v2.3.1', consentRequired: opts.consentRequired, ga4: opts.ga4 });
  const gtag = opts.gtag ? '<script>window.__gtagCalls=[];window.gtag=function(){__gtagCalls.push([].slice.call(arguments))}</script>' : '';
  return `<!doctype html><html><head><meta charset="utf-8"><title>Parallax test</title>
${gtag}
${tag}
<script>window.parallax=window.parallax||function(){(parallax.q=parallax.q||[]).push(arguments)};
parallax('track','page_ready',{plan:'pro'});
addEventListener('pageshow',function(e){window.__persisted=e.persisted});</script>
</head><body style="margin:0;font:16px sans-serif">
<h1 style="font-size:18px;margin:0">Parallax test page</h1>
<div id="banner" style="height:0"></div>
<img id="hero" src="/hero.png" width="240" height="180" alt="">
<p>Body text.</p>
<button id="work">work</button> <button id="go">go</button>
<script>
setTimeout(function(){document.getElementById('banner').style.height='150px';requestAnimationFrame(function(){setTimeout(function(){window.__shifted=true})})},300);
document.getElementById('work').addEventListener('click',function(){var t=performance.now();while(performance.now()-t<120){}document.querySelector('p').textContent='worked'});
document.getElementById('go').addEventListener('click',function(){history.pushState({},'','/page/two'+location.search);document.querySelector('h1').textContent='Page two'});
</script></body></html>`;
}

/** Starts the fixture server on a free loopback port. */
export async function startFixtureServer(bundles: { core: string; attribution: string }): Promise<FixtureServer> {
  const beacons: ReceivedBeacon[] = [];
  const hero = noisePng(240, 180);
  let origin = '';
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', origin);
    const opts = JSON.parse(url.searchParams.get('o') ?? '{}') as PageOptions;
    if (req.method == 'POST' && url.pathname == '/_p/e') {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        let json: unknown;
        try {
          json = JSON.parse(body);
        } catch {
          json = undefined;
        }
        beacons.push({ contentType: String(req.headers['content-type']), body, json });
        res.writeHead(204).end();
      });
      return;
    }
    if (url.pathname.startsWith('/s/')) {
      const config = { siteKey: opts.siteKey, endpoint: `${origin}/_p/e`, sampleRate: opts.sampleRate ?? 1 };
      res.writeHead(200, { 'content-type': 'text/javascript' }).end(renderSiteScript(bundles[opts.build ?? 'core'], config));
    } else if (url.pathname == '/hero.png') {
      res.writeHead(200, { 'content-type': 'image/png' }).end(hero);
    } else if (url.pathname.startsWith('/page/')) {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(testPage(opts));
    } else if (url.pathname == '/other') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end('<!doctype html><title>other</title><p>Another page</p>');
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    beacons,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
