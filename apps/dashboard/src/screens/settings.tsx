// Settings: create and edit sites (name, allowed origins), the tag to copy, webhooks with their delivery log,
// detection settings and the admin token. Also the first-site form shown when there is no site at all.
import type { WebhookView } from '@parallax/contracts/dashboard-views';
import { useEffect, useState } from 'preact/hooks';
import type { Api } from '../api';
import { useApp } from '../app-context';
import { deploymentCurl, relativeTime } from '../format';
import { Card, ErrorNote, Loading, useAsync } from '../ui';

const lines = (text: string) =>
  text
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter(Boolean);

function SiteForm({ api, onCreated, compact }: { api: Api; onCreated: (id: string) => void; compact?: boolean }) {
  const [name, setName] = useState('');
  const [origins, setOrigins] = useState(typeof location !== 'undefined' ? location.origin : '');
  const [error, setError] = useState<string | null>(null);
  return (
    <form
      class="form"
      onSubmit={async (e) => {
        e.preventDefault();
        setError(null);
        try {
          const site = await api.createSite({ name: name.trim(), allowedOrigins: lines(origins) });
          onCreated(site.id);
        } catch (err) {
          setError((err as Error).message);
        }
      }}
    >
      <label for="new-site-name">Site name</label>
      <input id="new-site-name" required value={name} placeholder="My shop" onInput={(e) => setName((e.target as HTMLInputElement).value)} />
      <label for="new-site-origins">Allowed origins (one per line: the pages that send beacons)</label>
      <textarea id="new-site-origins" rows={compact ? 2 : 3} value={origins} onInput={(e) => setOrigins((e.target as HTMLTextAreaElement).value)} />
      {error ? (
        <p class="notice error" role="alert">
          {error}
        </p>
      ) : null}
      <button type="submit" class="btn btn-primary">
        Create site
      </button>
    </form>
  );
}

/** Shown when the server has no site: create one here (no curl needed). */
export function FirstSite({ api, onCreated }: { api: Api; onCreated: (id: string) => void }) {
  return (
    <div class="page narrow">
      <h2>Welcome to Parallax</h2>
      <p>Create your first site. You then get a tag to paste into your pages; their real-user data shows up within a minute.</p>
      <SiteForm api={api} onCreated={onCreated} />
    </div>
  );
}

function Copy({ text, label }: { text: string; label: string }) {
  const [done, setDone] = useState(false);
  return (
    <button
      type="button"
      class="btn btn-small"
      onClick={async () => {
        await navigator.clipboard?.writeText(text).catch(() => undefined);
        setDone(true);
        setTimeout(() => setDone(false), 1500);
      }}
    >
      {done ? 'Copied' : label}
    </button>
  );
}

function Webhooks() {
  const { api, site } = useApp();
  const hooks = useAsync(() => api.webhooks(site.id), [site.id]);
  const [url, setUrl] = useState('');
  const [secret, setSecret] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [open, setOpen] = useState<WebhookView | null>(null);
  const log = useAsync(() => (open ? api.deliveries(open.id) : Promise.resolve([])), [open?.id]);
  return (
    <Card title="Webhooks">
      {hooks.error ? (
        <ErrorNote message={hooks.error} />
      ) : !hooks.data ? (
        <Loading what="webhooks" />
      ) : hooks.data.length === 0 ? (
        <p class="muted">No webhook. Add one to get incidents in Slack or your own endpoint.</p>
      ) : (
        <ul class="plain-list">
          {hooks.data.map((h) => (
            <li>
              <code>{h.url}</code> · {h.events.join(', ')}{' '}
              <button type="button" class="btn btn-small" aria-expanded={open?.id === h.id} onClick={() => setOpen(open?.id === h.id ? null : h)}>
                {open?.id === h.id ? 'Hide deliveries' : 'Deliveries'}
              </button>
              {open?.id === h.id ? (
                log.data && log.data.length ? (
                  <table class="data-table">
                    <thead>
                      <tr>
                        <th scope="col">Event</th>
                        <th scope="col">Status</th>
                        <th scope="col">Response</th>
                        <th scope="col">When</th>
                      </tr>
                    </thead>
                    <tbody>
                      {log.data.map((d) => (
                        <tr>
                          <td>{d.event}</td>
                          <td>{d.status}</td>
                          <td>{d.responseStatus ?? d.error ?? '–'}</td>
                          <td>{d.createdAt ? relativeTime(Date.parse(d.createdAt), Date.now()) : '–'}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                ) : (
                  <p class="muted">No delivery yet.</p>
                )
              ) : null}
            </li>
          ))}
        </ul>
      )}
      <form
        class="inline-form"
        onSubmit={async (e) => {
          e.preventDefault();
          setError(null);
          try {
            const created = await api.createWebhook(site.id, url.trim());
            setSecret(created.secret ?? null);
            setUrl('');
            hooks.reload();
          } catch (err) {
            setError((err as Error).message);
          }
        }}
      >
        <label for="webhook-url">New webhook URL</label>
        <input
          id="webhook-url"
          type="url"
          required
          placeholder="https://hooks.example/parallax"
          value={url}
          onInput={(e) => setUrl((e.target as HTMLInputElement).value)}
        />
        <button type="submit" class="btn">
          Add webhook
        </button>
      </form>
      {error ? (
        <p class="notice error" role="alert">
          {error}
        </p>
      ) : null}
      {secret ? (
        <p role="status">
          Signing secret (shown once): <code>{secret}</code>
        </p>
      ) : null}
    </Card>
  );
}

export function SettingsPage() {
  const { api, site, reloadSites, live } = useApp();
  const detail = useAsync(() => Promise.all([api.siteDetail(site.id), api.snippet(site.id)]), [site.id]);
  const [name, setName] = useState('');
  const [origins, setOrigins] = useState('');
  const [detect, setDetect] = useState('');
  const [message, setMessage] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (!detail.data) return;
    const [s] = detail.data;
    setName(s.name);
    setOrigins((s.allowedOrigins ?? []).join('\n'));
    setDetect(JSON.stringify(s.detectConfig ?? {}, null, 2));
  }, [detail.data]);
  void live;
  const save = async (body: Parameters<Api['updateSite']>[1], what: string) => {
    setError(null);
    setMessage(null);
    try {
      await api.updateSite(site.id, body);
      setMessage(`${what} saved.`);
      reloadSites();
      detail.reload();
    } catch (e) {
      setError((e as Error).message);
    }
  };
  return (
    <div class="page">
      <div class="page-head">
        <h2>Settings · {site.name}</h2>
      </div>
      {message ? (
        <p class="notice ok" role="status">
          {message}
        </p>
      ) : null}
      {error ? (
        <p class="notice error" role="alert">
          {error}
        </p>
      ) : null}
      {detail.error ? (
        <ErrorNote message={detail.error} />
      ) : !detail.data ? (
        <Loading what="site" />
      ) : (
        <>
          <Card title="Tag for your pages" actions={<Copy text={detail.data[1].tag} label="Copy tag" />}>
            <p class="muted">
              Paste it into the head of every page. Site id <code>{site.id}</code>, site key <code>{site.siteKey}</code>.
            </p>
            <pre class="code-block">{detail.data[1].tag}</pre>
          </Card>
          <div class="grid-2">
            <Card title="Site">
              <form
                class="form"
                onSubmit={(e) => {
                  e.preventDefault();
                  void save({ name: name.trim(), allowedOrigins: lines(origins) }, 'Site');
                }}
              >
                <label for="site-name">Name</label>
                <input id="site-name" value={name} required onInput={(e) => setName((e.target as HTMLInputElement).value)} />
                <label for="site-origins">Allowed origins (one per line; beacons from other origins are refused)</label>
                <textarea id="site-origins" rows={4} value={origins} onInput={(e) => setOrigins((e.target as HTMLTextAreaElement).value)} />
                <button type="submit" class="btn btn-primary">
                  Save site
                </button>
              </form>
            </Card>
            <Card title="Detection settings">
              <form
                class="form"
                onSubmit={(e) => {
                  e.preventDefault();
                  let parsed: Record<string, unknown>;
                  try {
                    parsed = JSON.parse(detect || '{}');
                  } catch {
                    setError('Detection settings: not valid JSON');
                    return;
                  }
                  void save({ detectConfig: parsed }, 'Detection settings');
                }}
              >
                <label for="detect-config">Overrides of the detector defaults (JSON; empty object for the defaults)</label>
                <textarea
                  id="detect-config"
                  rows={6}
                  spellcheck={false}
                  class="mono"
                  value={detect}
                  onInput={(e) => setDetect((e.target as HTMLTextAreaElement).value)}
                />
                <button type="submit" class="btn">
                  Save detection settings
                </button>
              </form>
            </Card>
          </div>
        </>
      )}
      <Webhooks />
      <div class="grid-2">
        <Card title="Record deployments">
          <p class="muted">Run this from CI after each deploy; the marker shows on every chart and incidents name it when it is the suspect.</p>
          <pre class="code-block">{deploymentCurl(location.origin, site.id)}</pre>
        </Card>
        <Card title="Admin token">
          <p class="muted">This browser keeps the admin token in local storage. Sign out to forget it here.</p>
          <button
            type="button"
            class="btn"
            onClick={() => {
              localStorage.removeItem('parallax.adminToken');
              location.reload();
            }}
          >
            Sign out
          </button>
        </Card>
      </div>
      <Card title="Add another site">
        <SiteForm api={api} compact onCreated={(id) => reloadSites(id)} />
      </Card>
    </div>
  );
}
