// Number, time and size formatting shared by every page.

/** A score with enough digits to see differences of the size the keep rule cares about. */
export function score(value, digits = 4) {
  if (value === null || value === undefined || Number.isNaN(value)) return '—';
  const abs = Math.abs(value);
  if (Number.isInteger(value) && abs >= 100) return value.toLocaleString('en-US');
  if (abs !== 0 && (abs < 1e-3 || abs >= 1e6)) return value.toExponential(3);
  return value.toFixed(abs >= 100 ? 2 : digits);
}

export function delta(value, digits = 4) {
  if (value === null || value === undefined || Number.isNaN(value)) return '—';
  return (value > 0 ? '+' : value < 0 ? '−' : '±') + score(Math.abs(value), digits);
}

/** Whether a change in `value` is an improvement under the campaign's goal ('MAXIMIZE' | 'MINIMIZE'). */
export function better(value, goal) {
  if (value === null || value === undefined || value === 0) return 0;
  return (goal === 'MINIMIZE' ? -value : value) > 0 ? 1 : -1;
}

export function seconds(value) {
  if (value === null || value === undefined) return '—';
  if (value < 60) return `${value.toFixed(value < 10 ? 1 : 0)} s`;
  const m = Math.floor(value / 60);
  if (m < 60) return `${m} min ${Math.round(value % 60)} s`;
  const hrs = Math.floor(m / 60);
  return `${hrs} h ${m % 60} min`;
}

export function bytes(value) {
  if (value === null || value === undefined) return '—';
  const units = ['B', 'KiB', 'MiB', 'GiB'];
  let v = value;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) { v /= 1024; i++; }
  return `${v.toFixed(i === 0 ? 0 : 1)} ${units[i]}`;
}

export function ago(iso) {
  if (!iso) return '—';
  const s = (Date.now() - Date.parse(iso)) / 1000;
  if (s < 0) return 'in ' + seconds(-s);
  if (s < 5) return 'just now';
  if (s < 60) return `${Math.round(s)} s ago`;
  if (s < 3600) return `${Math.round(s / 60)} min ago`;
  if (s < 86400) return `${Math.round(s / 3600)} h ago`;
  return `${Math.round(s / 86400)} d ago`;
}

export function time(iso) {
  if (!iso) return '—';
  const d = new Date(iso);
  return d.toLocaleString(undefined, { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit' });
}

export function elapsed(fromIso, toIso) {
  if (!fromIso) return null;
  return ((toIso ? Date.parse(toIso) : Date.now()) - Date.parse(fromIso)) / 1000;
}

export const count = (n) => (n ?? 0).toLocaleString();
