// The active segment filter, shown on every chart screen, with a way to clear it.
import { useApp } from '../app-context';
import { formatHash } from '../hash-state';

export function SegmentChip() {
  const { state, navigate } = useApp();
  if (!state.segment) {
    return (
      <p class="muted segment-hint">
        All users. <a href={formatHash({ ...state, screen: 'segments' })}>Pick a segment</a>
      </p>
    );
  }
  return (
    <p class="segment-chip" role="status">
      Segment <strong>{state.segment.replace(':', ' = ')}</strong>
      <button type="button" class="btn btn-small" onClick={() => navigate({ segment: undefined })}>
        Clear
      </button>
    </p>
  );
}
