/** Entry of the core build (dist/snippet/parallax.js). */
import { onCLS, onFCP, onINP, onLCP, onTTFB } from 'web-vitals';
import { start } from './snippet';

start([onTTFB, onFCP, onLCP, onCLS, onINP]);
