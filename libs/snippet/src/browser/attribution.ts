/** Entry of the opt-in attribution build (dist/snippet/parallax.attribution.js): names the LCP element, INP target and CLS source. */
// Attribution only where a beacon field uses it: TTFB and FCP attribution would cost about 400 B gzip for nothing.
import { onCLS } from 'web-vitals/attribution/onCLS.js';
import { onINP } from 'web-vitals/attribution/onINP.js';
import { onLCP } from 'web-vitals/attribution/onLCP.js';
import { onFCP } from 'web-vitals/onFCP.js';
import { onTTFB } from 'web-vitals/onTTFB.js';
import type { MetricType } from 'web-vitals';
import { start } from './snippet';

// web-vitals names the element in one of these fields, depending on the metric; TTFB and FCP have no attribution here.
start([onTTFB, onFCP, onLCP, onCLS, onINP], (metric, pending) => {
  const field = ({ LCP: 'lcpElement', INP: 'inpTarget', CLS: 'clsSource' } as const)[metric.name as 'LCP'];
  const a = field && (metric as MetricType & { attribution: { target?: string; interactionTarget?: string; largestShiftTarget?: string } }).attribution;
  const target = a && (a.target || a.interactionTarget || a.largestShiftTarget);
  if (target) (pending.attribution = pending.attribution || {})[field] = target.slice(0, 300);
});
