// The demo workspace's fault switches, shown only when the server has a demo (GET /api/demo answers; 404 hides it).
import type { DemoView } from '@parallax/contracts/dashboard-views';
import { useEffect, useState } from 'preact/hooks';
import { useApp } from '../app-context';
import { Card } from '../ui';

export function DemoPanel() {
  const { api, site } = useApp();
  const [demo, setDemo] = useState<DemoView | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api.demo().then(setDemo, () => setDemo(null));
  }, []);
  if (!demo || demo.siteId !== site.id || !demo.faults?.length) return null;
  return (
    <Card title="Demo faults" class="demo-panel">
      <p class="muted">
        Each switch breaks the demo shop or its traffic in one realistic way; its incident opens within minutes and resolves when switched off.
      </p>
      <ul class="plain-list">
        {demo.faults.map((f) => (
          <li>
            <label class="switch">
              <input
                type="checkbox"
                checked={f.on}
                onChange={async (e) => {
                  setError(null);
                  try {
                    setDemo(await api.setDemoFault(f.key, (e.target as HTMLInputElement).checked));
                  } catch (err) {
                    setError((err as Error).message);
                  }
                }}
              />{' '}
              {f.title}
            </label>
            {f.description ? <span class="muted"> — {f.description}</span> : null}
          </li>
        ))}
      </ul>
      {error ? (
        <p class="notice error" role="alert">
          {error}
        </p>
      ) : null}
    </Card>
  );
}
