import { isIPv6 } from 'node:net';

/** What an IP address is replaced with. */
export const IP_PLACEHOLDER = '[ip]';

const IPV4 = /\b(?:\d{1,3}\.){3}\d{1,3}\b/g;
// Maximal runs of the characters an IPv6 address is written with, and an optional zone (fe80::1%eth0).
// Runs are matched without nested quantifiers, so the scan is linear in the text.
const IPV6_RUN = /[0-9A-Fa-f:.]{2,}(?:%[0-9A-Za-z_.~-]+)?/g;
/** Longest textual IPv6 address: 8 groups of 4 with 7 colons (39), or 6 groups and a dotted IPv4 (45), plus a zone. */
const MAX_IPV6_CHARS = 45 + 1 + 32;

function colonCount(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 58) n++;
  return n;
}

/** A run that is not one address as a whole may still hold some (`::ffff:1.2.3.4:443`, `2001:db8::1.` at a sentence end). */
function scrubWithinRun(run: string): string {
  let out = '';
  let i = 0;
  while (i < run.length) {
    let found = 0;
    for (let j = Math.min(run.length, i + MAX_IPV6_CHARS); j >= i + 2; j--) {
      if (isIPv6(run.slice(i, j))) {
        found = j;
        break;
      }
    }
    if (found) {
      out += IP_PLACEHOLDER;
      i = found;
    } else {
      out += run[i];
      i++;
    }
  }
  return out;
}

/** Runs longer than this are hex dumps or hostile input, not log text: replaced whole, to keep the scan cheap. */
const MAX_SEARCHED_RUN_CHARS = 200;

function scrubRun(run: string): string {
  if (colonCount(run) < 2) return run; // every IPv6 form has at least two colons
  if (isIPv6(run)) return IP_PLACEHOLDER;
  return run.length > MAX_SEARCHED_RUN_CHARS ? IP_PLACEHOLDER : scrubWithinRun(run);
}

/**
 * Replaces every IPv4 and IPv6 address in `text` with `[ip]`: IPv6 in every textual form (full, compressed with
 * `::`, with an embedded IPv4 such as `::ffff:1.2.3.4`, with a zone such as `fe80::1%eth0`, in brackets with a
 * port). Node's own parser (net.isIPv6) decides what is an address, so no form is forgotten.
 */
export function scrubIpAddresses(text: string): string {
  return text.replace(IPV6_RUN, scrubRun).replace(IPV4, IP_PLACEHOLDER);
}
