// Setup: the snippet tag to paste into the site, and how CI records deployments.
import type { AppContext, View } from '../context';
import { h, notice, replace } from '../dom';
import { deploymentCurl } from '../format';

/** Copies text, falling back to a hidden textarea where the Clipboard API is unavailable (plain http). */
async function copyText(text: string): Promise<void> {
  if (navigator.clipboard && window.isSecureContext) return navigator.clipboard.writeText(text);
  const area = h('textarea', { class: 'offscreen', readonly: true });
  area.value = text;
  document.body.append(area);
  area.select();
  const ok = document.execCommand('copy');
  area.remove();
  if (!ok) throw new Error('copy failed');
}

function codeBlock(text: string, label: string, language: string, wrap = false): HTMLElement {
  const button = h('button', { type: 'button', class: 'btn btn-small copy', 'aria-label': `Copy ${label}` }, 'Copy');
  button.addEventListener('click', async () => {
    try {
      await copyText(text);
      button.textContent = 'Copied';
    } catch {
      button.textContent = 'Select and copy';
    }
    setTimeout(() => (button.textContent = 'Copy'), 2000);
  });
  return h('div', { class: 'code' }, h('div', { class: 'code-bar' }, h('span', null, language), button), h('pre', { class: wrap ? 'wrap' : null }, h('code', null, text)));
}

/** The setup screen. */
export function setupView(ctx: AppContext): View {
  const snippetBox = h('div', null);
  const deployBox = h('div', null);
  const siteBox = h('dl', { class: 'facts-list' });
  const root = h(
    'section',
    { class: 'view', id: 'view-setup' },
    h('div', { class: 'view-head' }, h('div', null, h('h2', null, 'Setup'), h('p', { class: 'muted' }, 'Collect real-user data and record deployments for this site.'))),
    h('div', { class: 'card' }, h('h3', null, '1. Add the snippet'), h('p', null, 'Paste this tag into the ', h('code', null, '<head>'), ' of every page. It loads asynchronously, sets no cookies and sends Core Web Vitals to this server.'), snippetBox),
    h('div', { class: 'card' }, h('h3', null, '2. Record deployments from CI'), h('p', null, 'Run this after each release so charts show a marker and incidents can name the suspected deployment. Use ', h('code', null, '"kind":"config"'), ' for configuration changes.'), deployBox),
    h(
      'div',
      { class: 'card' },
      h('h3', null, 'Site'),
      siteBox,
      h('button', { type: 'button', class: 'btn', onclick: () => { ctx.tokens.clear(); location.reload(); } }, 'Sign out (forget the token in this browser)'),
    ),
  );

  async function refresh() {
    const site = ctx.site;
    if (!site) return;
    replace(siteBox, h('dt', null, 'Name'), h('dd', null, site.name), h('dt', null, 'Site id'), h('dd', { class: 'mono' }, site.id), h('dt', null, 'Site key'), h('dd', { class: 'mono' }, site.siteKey));
    replace(deployBox, codeBlock(deploymentCurl(location.origin, site.id), 'the curl command', 'Shell'));
    replace(snippetBox, notice('Loading the snippet…', 'loading'));
    try {
      const snippet = await ctx.api.snippet(site.id);
      if (ctx.site?.id !== site.id) return;
      replace(
        snippetBox,
        codeBlock(snippet.tag, 'the snippet tag', 'HTML', true),
        h('dl', { class: 'facts-list' }, h('dt', null, 'Script'), h('dd', { class: 'mono' }, snippet.scriptUrl), h('dt', null, 'Collect endpoint'), h('dd', { class: 'mono' }, snippet.collectUrl)),
      );
    } catch (e) {
      replace(snippetBox, notice(`Could not load the snippet: ${(e as Error).message}`, 'error'));
    }
  }

  return { root, refresh };
}
