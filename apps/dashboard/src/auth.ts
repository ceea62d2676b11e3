// The admin token: asked for once, kept in localStorage, asked for again when the server rejects it.
import { h } from './dom';

const STORAGE_KEY = 'parallax.adminToken';

/** Where the dashboard gets its admin token, prompting the user when there is none (or it was rejected). */
export class TokenStore {
  private pending: Promise<string> | null = null;

  /** The stored token, if any, without prompting. */
  current(): string | null {
    return localStorage.getItem(STORAGE_KEY);
  }

  /** The stored token, or the one the user types. */
  token(): Promise<string> {
    const stored = localStorage.getItem(STORAGE_KEY);
    if (stored) return Promise.resolve(stored);
    return this.ask(null);
  }

  /**
   * Forgets `badToken`, which the server rejected, and asks for a new one; concurrent callers share one prompt,
   * and a caller whose token was already replaced gets the new one without a second prompt.
   */
  rejected(badToken: string): Promise<string> {
    const stored = localStorage.getItem(STORAGE_KEY);
    if (stored && stored !== badToken) return Promise.resolve(stored);
    if (this.pending) return this.pending;
    localStorage.removeItem(STORAGE_KEY);
    return this.ask('The server did not accept that token. Please enter it again.');
  }

  /** Forgets the token (the "Sign out" button). */
  clear(): void {
    localStorage.removeItem(STORAGE_KEY);
  }

  private ask(problem: string | null): Promise<string> {
    if (!this.pending) {
      this.pending = promptForToken(problem).then((token) => {
        localStorage.setItem(STORAGE_KEY, token);
        this.pending = null;
        return token;
      });
    }
    return this.pending;
  }
}

function promptForToken(problem: string | null): Promise<string> {
  return new Promise((resolve) => {
    const input = h('input', { type: 'password', id: 'token-input', autocomplete: 'current-password', spellcheck: 'false', required: true, placeholder: 'pxa_…' });
    const form = h(
      'form',
      { class: 'token-card' },
      h('h2', null, 'Sign in to Parallax'),
      h('p', { class: 'muted' }, 'Enter the admin token. The server prints it on first start and keeps it in its data folder (file admin-token), unless PARALLAX_ADMIN_TOKEN is set.'),
      problem ? h('p', { class: 'token-error', role: 'alert' }, problem) : null,
      h('label', { for: 'token-input' }, 'Admin token'),
      input,
      h('button', { type: 'submit', class: 'btn btn-primary' }, 'Sign in'),
    );
    const overlay = h('div', { class: 'overlay', role: 'dialog', 'aria-modal': 'true', 'aria-labelledby': 'token-title' }, form);
    form.querySelector('h2')!.id = 'token-title';
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const token = input.value.trim();
      if (!token) return;
      overlay.remove();
      resolve(token);
    });
    document.body.append(overlay);
    input.focus();
  });
}
