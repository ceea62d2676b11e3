// The admin token: asked for once, kept in localStorage, asked for again when the server rejects it.
import { render } from 'preact';
import { useState } from 'preact/hooks';

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

function TokenForm({ problem, done }: { problem: string | null; done: (token: string) => void }) {
  const [value, setValue] = useState('');
  return (
    <div class="overlay" role="dialog" aria-modal="true" aria-labelledby="token-title">
      <form
        class="token-card"
        onSubmit={(event) => {
          event.preventDefault();
          if (value.trim()) done(value.trim());
        }}
      >
        <h2 id="token-title">Sign in to Parallax</h2>
        <p class="muted">
          Enter the admin token. The server prints it on first start and keeps it in its data folder (file admin-token), unless PARALLAX_ADMIN_TOKEN is set.
        </p>
        {problem ? (
          <p class="token-error" role="alert">
            {problem}
          </p>
        ) : null}
        <label for="token-input">Admin token</label>
        <input
          id="token-input"
          type="password"
          autocomplete="current-password"
          spellcheck={false}
          required
          placeholder="pxa_…"
          autoFocus
          value={value}
          onInput={(e) => setValue((e.target as HTMLInputElement).value)}
        />
        <button type="submit" class="btn btn-primary">
          Sign in
        </button>
      </form>
    </div>
  );
}

function promptForToken(problem: string | null): Promise<string> {
  return new Promise((resolve) => {
    const host = document.createElement('div');
    document.body.append(host);
    render(
      <TokenForm
        problem={problem}
        done={(token) => {
          render(null, host);
          host.remove();
          resolve(token);
        }}
      />,
      host,
    );
  });
}
