import type { ClaimedRun } from '@parallax/contracts';
import { MASK, secretUrlForms } from '@parallax/journeys';
import { renderSiteScript } from '@parallax/snippet';

/**
 * The forms a secret can take inside a beacon body (JSON text carrying page URLs and texts): the value, its
 * URL encodings (query, path, form), each also JSON-escaped. Longest first, so a secret containing another is
 * replaced whole.
 */
export function secretForms(secretValues: Iterable<string>): string[] {
  const forms = new Set<string>();
  for (const value of secretValues) {
    // an empty secret cannot be masked: it would match between every character
    if (!value) continue;
    for (const form of [value, ...secretUrlForms(value)]) {
      forms.add(form);
      forms.add(JSON.stringify(form).slice(1, -1));
    }
  }
  return [...forms].sort((a, b) => b.length - a.length);
}

/**
 * The init script of a run's context: in top-level http(s) documents only (not about:blank, not third-party
 * frames), the site's snippet configured for the run (its beacons tagged with the run id), preceded, when the run
 * has secrets, by a wrapper that masks them in beacons to the collector. Masking happens in the page because
 * beacons sent while a page unloads bypass Playwright's request interception; the values stay in a closure.
 */
export function runInitScript(run: Pick<ClaimedRun, 'runId' | 'siteKey' | 'collectUrl'>, bundle: string, secretValues: Iterable<string>): string {
  const site = renderSiteScript(bundle, { siteKey: run.siteKey, endpoint: run.collectUrl, sampleRate: 1, syntheticRunId: run.runId });
  const forms = secretForms(secretValues);
  const masking = forms.length ? maskingWrapper(run.collectUrl, forms) : '';
  return `if(window===window.top&&/^https?:$/.test(location.protocol)){${masking}${site}\n}`;
}

/** Wraps navigator.sendBeacon and fetch: string bodies sent to the collector get every form replaced by `***`. */
function maskingWrapper(collectUrl: string, forms: string[]): string {
  const json = (v: unknown) => JSON.stringify(v).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
  return `(function(){var u=${json(collectUrl)},f=${json(forms)},k=${json(MASK)};
function m(b){if(typeof b!=="string")return b;for(var i=0;i<f.length;i++)b=b.split(f[i]).join(k);return b}
function c(x){return String(x&&x.url||x).indexOf(u)===0}
var n=navigator,s=n.sendBeacon;if(s)n.sendBeacon=function(x,d){return s.call(n,x,c(x)?m(d):d)};
var g=window.fetch;if(g)window.fetch=function(x,o){if(c(x)&&o&&typeof o.body==="string")o=Object.assign({},o,{body:m(o.body)});return g.call(this,x,o)};})();
`;
}
