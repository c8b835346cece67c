// The history as a Gantt chart: one bar per activity, sub-orchestration and timer, placed by the history
// events' timestamps (the gateway merges each TaskScheduled into its completion, giving ScheduledTime and
// Timestamp), and a marker per external event. Work still in flight runs to "now".

import { h, duration, instanceHref, time } from './dom.js';

const ms = iso => (iso ? Date.parse(iso) : NaN);

/** The bars and markers of a history (PascalCase events, as GET status with showHistory renders them). */
export function spans(history, now = Date.now()) {
  const out = [];
  const fired = new Map();
  for (const e of history) {
    if (e.EventType === 'TimerFired') fired.set(e.FireAt, e.Timestamp);
  }
  for (const e of history) {
    switch (e.EventType) {
      case 'TaskCompleted':
      case 'TaskFailed':
        out.push({ kind: 'activity', label: e.FunctionName, start: ms(e.ScheduledTime), end: ms(e.Timestamp),
          failed: e.EventType === 'TaskFailed' });
        break;
      case 'TaskScheduled':
        out.push({ kind: 'activity', label: e.Name, start: ms(e.Timestamp), end: now, running: true });
        break;
      case 'SubOrchestrationInstanceCompleted':
      case 'SubOrchestrationInstanceFailed':
        out.push({ kind: 'suborchestration', label: e.FunctionName, start: ms(e.ScheduledTime), end: ms(e.Timestamp),
          failed: e.EventType === 'SubOrchestrationInstanceFailed', instanceId: e.InstanceId });
        break;
      case 'SubOrchestrationInstanceCreated':
        out.push({ kind: 'suborchestration', label: e.Name, start: ms(e.Timestamp), end: now, running: true,
          instanceId: e.InstanceId });
        break;
      case 'TimerCreated': {
        const firedAt = fired.get(e.FireAt);
        out.push({ kind: 'timer', label: 'timer until ' + time(e.FireAt), start: ms(e.Timestamp),
          end: firedAt ? ms(firedAt) : Math.max(now, ms(e.FireAt)), running: !firedAt });
        break;
      }
      case 'EventRaised':
        out.push({ kind: 'event', label: 'event ' + e.Name, start: ms(e.Timestamp), end: ms(e.Timestamp) });
        break;
      default:
    }
  }
  return out.filter(s => !isNaN(s.start));
}

/** The chart's element; `ended` says whether the instance is over (else the axis runs to now). */
export function timeline(history, ended) {
  const now = Date.now();
  const bars = spans(history, now);
  const started = history.find(e => e.EventType === 'ExecutionStarted');
  const finished = [...history].reverse().find(e => e.EventType === 'ExecutionCompleted'
    || e.EventType === 'ExecutionTerminated');
  const t0 = Math.min(started ? ms(started.Timestamp) : Infinity, ...bars.map(b => b.start));
  let t1 = Math.max(finished ? ms(finished.Timestamp) : -Infinity, ...bars.map(b => b.end));
  if (!ended) t1 = Math.max(t1, now);
  if (!isFinite(t0) || !isFinite(t1)) return h('p', { className: 'muted' }, 'No history yet.');
  const span = Math.max(t1 - t0, 1);
  const pct = t => `${((t - t0) / span) * 100}%`;

  const rows = [];
  rows.push(row({ kind: 'orchestration', label: started ? started.FunctionName : 'orchestration', start: t0,
    end: t1, running: !ended }));
  for (const b of bars) rows.push(row(b));

  function row(b) {
    const bar = h('div', {
      className: `bar bar-${b.kind}${b.failed ? ' bar-failed' : ''}${b.running ? ' bar-running' : ''}`,
      title: `${b.label}: ${b.kind === 'event' ? time(new Date(b.start).toISOString())
        : duration(b.end - b.start) + (b.running ? ' so far' : '')}`,
    });
    bar.style.left = pct(b.start);
    // Zero-length work still gets a visible sliver.
    bar.style.width = b.kind === 'event' ? '' : `max(3px, ${((b.end - b.start) / span) * 100}%)`;
    const label = b.instanceId
      ? h('a', { href: instanceHref(b.instanceId), className: 'child-link' }, b.label)
      : h('span', {}, b.label);
    return h('div', { className: 'tl-row', dataset: { kind: b.kind } },
      h('div', { className: 'tl-label' }, h('span', { className: 'tl-kind' }, b.kind), ' ', label),
      h('div', { className: 'tl-track' }, bar),
      h('div', { className: 'tl-duration' }, b.kind === 'event' ? '' : duration(b.end - b.start)));
  }

  return h('div', { className: 'timeline', id: 'timeline' },
    h('div', { className: 'tl-axis' },
      h('span', {}, time(new Date(t0).toISOString())),
      h('span', {}, `${duration(span)}${ended ? '' : ' (running)'}`),
      h('span', {}, time(new Date(t1).toISOString()))),
    rows);
}
