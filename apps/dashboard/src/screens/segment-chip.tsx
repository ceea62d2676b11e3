// The active segment filter, shown on every chart screen, with a way to clear it.
import { useApp } from '../app-context';
import { DIM_LABEL, segmentValueLabel } from '../format';
import { formatHash } from '../hash-state';

function chipText(segment: string): string {
  const at = segment.indexOf(':');
  return `${DIM_LABEL[segment.slice(0, at)] ?? segment.slice(0, at)} = ${segmentValueLabel(segment.slice(0, at), segment.slice(at + 1))}`;
}

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
      Segment <strong>{chipText(state.segment)}</strong>
      <button type="button" class="btn btn-small" onClick={() => navigate({ segment: undefined })}>
        Clear
      </button>
    </p>
  );
}
