import { describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { bundleHash, buildLoaderTag, loadSnippetBundles, renderSiteScript } from './bundles';
import { importBuildScript } from './snippet.browser.fixture';

describe('buildLoaderTag', () => {
  it('gives the queue stub and an async script tag with the options as data attributes', () => {
    const html = buildLoaderTag({ scriptUrl: 'https://rum.example/s/pk_abcdefgh.3f2a.js', release: 'v2.3.1', consentRequired: true, ga4: false });
    expect(html).toBe(
      '<script>window.parallax=window.parallax||function(){(parallax.q=parallax.q||[]).push(arguments)};</script>\n' +
        '<script async src="https://rum.example/s/pk_abcdefgh.3f2a.js" data-release="v2.3.1" data-consent="required" data-ga4="off"></script>',
    );
  });

  it('leaves optional attributes out and escapes values', () => {
    expect(buildLoaderTag({ scriptUrl: '/s/a.js?x=1&y="2"' })).toContain('<script async src="/s/a.js?x=1&amp;y=&quot;2&quot;"></script>');
    expect(buildLoaderTag({ scriptUrl: '/s.js', release: '"><script>' })).toContain('data-release="&quot;&gt;&lt;script&gt;"');
  });

  it('has a stub that queues commands until the bundle arrives', () => {
    const stub = /<script>(.*?)<\/script>/.exec(buildLoaderTag({ scriptUrl: '/s.js' }))![1];
    const window: { parallax?: { q?: unknown[][] } } = {};
    runInNewContext(`${stub};parallax('track','signup',{plan:'pro'});parallax('consent',true)`, Object.assign(window, { window }));
    expect(window.parallax!.q!.map((args) => Array.from(args))).toEqual([['track', 'signup', { plan: 'pro' }], ['consent', true]]);
  });
});

describe('renderSiteScript', () => {
  it('puts the config in front of the bundle, safe to inline', () => {
    const text = renderSiteScript('(()=>{})();', { siteKey: 'pk_abcdefgh', endpoint: 'https://h/_p/e?</script>', sampleRate: 0.5 });
    expect(text).toBe('window.__pxc={"siteKey":"pk_abcdefgh","endpoint":"https://h/_p/e?\\u003c/script>","sampleRate":0.5};(()=>{})();');
    const window: { __pxc?: unknown } = {};
    runInNewContext(text, { window });
    expect(window.__pxc).toEqual({ siteKey: 'pk_abcdefgh', endpoint: 'https://h/_p/e?</script>', sampleRate: 0.5 });
  });
});

describe('loadSnippetBundles', () => {
  it('reads both builds with their content hashes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'parallax-snippet-'));
    try {
      const { buildSnippetBundles } = await importBuildScript();
      const built = await buildSnippetBundles({ outDir: dir });
      const loaded = loadSnippetBundles(dir);
      expect(loaded.core).toBe(built.core);
      expect(loaded.attribution).toBe(built.attribution);
      expect(loaded.coreHash).toMatch(/^[0-9a-f]{16}$/);
      expect(loaded.coreHash).toBe(bundleHash(built.core));
      expect(loaded.attributionHash).not.toBe(loaded.coreHash);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 30_000);

  it('says to run the build when the bundles are missing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'parallax-snippet-empty-'));
    try {
      expect(() => loadSnippetBundles(dir)).toThrow(/parallax\.js is missing: run npm run build/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
