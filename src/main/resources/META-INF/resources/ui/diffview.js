// Renders a unified diff (as submitted by an agent, or computed between two commits) as a table,
// unified or side by side, with syntax highlighting per line. The diff is hostile text: lines enter
// the page as text nodes, or as highlight.js output, which escapes its input.
import { h, trustedHtml } from './dom.js';
import { hljs } from './vendor.js';

const LANGUAGES = { py: 'python', yaml: 'yaml', yml: 'yaml', sh: 'bash', json: 'json', md: 'markdown',
  toml: 'ini', cfg: 'ini', ini: 'ini', js: 'javascript', c: 'c', h: 'c', cpp: 'cpp', java: 'java', txt: null };
const HIGHLIGHT_LIMIT = 6000;
const MODE_KEY = 'empiric.diff-mode';

/** Parses `diff --git` / `---` / `+++` / `@@` sections into files with numbered lines. */
export function parseDiff(text) {
  const files = [];
  let file = null;
  let hunk = null;
  let oldNo = 0;
  let newNo = 0;
  const startFile = (name) => {
    file = { from: null, to: null, name, hunks: [], binary: false, meta: [] };
    files.push(file);
    hunk = null;
  };
  for (const line of text.split('\n')) {
    if (line.startsWith('diff --git ')) {
      const m = line.match(/^diff --git a\/(.*) b\/(.*)$/);
      startFile(m ? m[2] : line.slice(11));
    } else if (line.startsWith('--- ') && (!hunk || hunk.remaining <= 0)) {
      if (!file || file.hunks.length) startFile(null);
      file.from = line.slice(4).replace(/^a\//, '');
    } else if (line.startsWith('+++ ') && file && file.from !== null && !file.hunks.length) {
      file.to = line.slice(4).replace(/^b\//, '');
      file.name = file.to === '/dev/null' ? file.from : file.to;
    } else if (line.startsWith('@@')) {
      if (!file) startFile('(diff)');
      const m = line.match(/^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@(.*)$/);
      oldNo = m ? Number(m[1]) : 0;
      newNo = m ? Number(m[3]) : 0;
      hunk = { header: line, lines: [], remaining: m ? Number(m[2] ?? 1) + Number(m[4] ?? 1) : Infinity };
      file.hunks.push(hunk);
    } else if (hunk && /^[ +\-\\]/.test(line)) {
      const type = line[0];
      const entry = { type, text: line.slice(1), oldNo: null, newNo: null };
      if (type === ' ') { entry.oldNo = oldNo++; entry.newNo = newNo++; hunk.remaining -= 2; }
      else if (type === '-') { entry.oldNo = oldNo++; hunk.remaining -= 1; }
      else if (type === '+') { entry.newNo = newNo++; hunk.remaining -= 1; }
      hunk.lines.push(entry);
    } else if (file && /^Binary files /.test(line)) {
      file.binary = true;
    } else if (file && line && !hunk) {
      file.meta.push(line);
    }
  }
  return files.filter((f) => f.hunks.length || f.binary || f.meta.length);
}

function language(name) {
  const ext = (name || '').split('.').pop().toLowerCase();
  return LANGUAGES[ext] ?? null;
}

function code(text, lang, highlighter) {
  const cell = h('td', { class: 'code' });
  if (highlighter && lang && highlighter.getLanguage(lang)) {
    trustedHtml(cell, highlighter.highlight(text, { language: lang, ignoreIllegals: true }).value);
  } else {
    cell.textContent = text;
  }
  return cell;
}

const num = (n) => h('td', { class: 'ln' }, n ?? '');
const KIND = { '+': 'add', '-': 'del', ' ': 'ctx', '\\': 'note' };

function unifiedRows(file, highlighter) {
  const lang = language(file.name);
  const rows = [];
  for (const hunk of file.hunks) {
    rows.push(h('tr', { class: 'hunk' }, h('td', { colspan: 4 }, hunk.header)));
    for (const line of hunk.lines) {
      rows.push(h('tr', { class: KIND[line.type] }, num(line.oldNo), num(line.newNo),
        h('td', { class: 'sign' }, line.type === '\\' ? '' : line.type), code(line.text, lang, highlighter)));
    }
  }
  return rows;
}

/** Side by side: within each change block, deletions pair with additions row by row. */
function splitRows(file, highlighter) {
  const lang = language(file.name);
  const rows = [];
  const side = (line) => line
    ? [num(line.type === '+' ? line.newNo : line.oldNo), code(line.text, lang, highlighter)]
    : [h('td', { class: 'ln empty' }), h('td', { class: 'code empty' })];
  for (const hunk of file.hunks) {
    rows.push(h('tr', { class: 'hunk' }, h('td', { colspan: 4 }, hunk.header)));
    let dels = [];
    let adds = [];
    const flush = () => {
      for (let i = 0; i < Math.max(dels.length, adds.length); i++) {
        const left = side(dels[i]);
        const right = side(adds[i]);
        if (dels[i]) left.forEach((td) => td.classList.add('del'));
        if (adds[i]) right.forEach((td) => td.classList.add('add'));
        rows.push(h('tr', { class: 'pair' }, left, right));
      }
      dels = [];
      adds = [];
    };
    for (const line of hunk.lines) {
      if (line.type === '-') dels.push(line);
      else if (line.type === '+') adds.push(line);
      else if (line.type === ' ') {
        flush();
        rows.push(h('tr', { class: 'ctx' }, num(line.oldNo), code(line.text, lang, highlighter),
          num(line.newNo), code(line.text, lang, highlighter)));
      }
    }
    flush();
  }
  return rows;
}

/** Fixed column widths: with table-layout fixed, the first row (a hunk header spanning all) would split them evenly. */
function columns(mode) {
  const widths = mode === 'split' ? ['48px', null, '48px', null] : ['44px', '44px', '18px', null];
  return h('colgroup', null, widths.map((w) => h('col', { style: w ? { width: w } : null })));
}

function stats(file) {
  let add = 0;
  let del = 0;
  file.hunks.forEach((hunk) => hunk.lines.forEach((l) => { if (l.type === '+') add++; if (l.type === '-') del++; }));
  return h('span', { class: 'diff-stats' }, h('span', { class: 'plus' }, `+${add}`), ' ', h('span', { class: 'minus' }, `−${del}`));
}

/**
 * A diff viewer with a unified/split switch. `text` is the raw diff; `empty` what to say when it
 * holds no change.
 */
export function diffViewer(text, { empty = 'No changes.' } = {}) {
  const files = parseDiff(text || '');
  const body = h('div', { class: 'diff-body' });
  let mode = localStorage.getItem(MODE_KEY) || 'split';
  let highlighter = null;
  const buttons = {};
  const draw = () => {
    Object.entries(buttons).forEach(([m, b]) => b.classList.toggle('on', m === mode));
    const lines = files.reduce((n, f) => n + f.hunks.reduce((k, hk) => k + hk.lines.length, 0), 0);
    const hl = lines <= HIGHLIGHT_LIMIT ? highlighter : null;
    body.replaceChildren(...(files.length === 0
      ? [h('p', { class: 'muted' }, text && text.trim() ? 'The text is not a unified diff:' : empty),
        text && text.trim() ? h('pre', { class: 'raw' }, text) : null].filter(Boolean)
      : files.map((file) => h('div', { class: 'diff-file' },
        h('div', { class: 'diff-file-head' }, h('span', { class: 'path' }, file.name || '(unnamed)'),
          file.from === '/dev/null' ? h('span', { class: 'tag' }, 'new') : null,
          file.to === '/dev/null' ? h('span', { class: 'tag' }, 'deleted') : null, stats(file)),
        file.binary ? h('p', { class: 'muted' }, 'Binary file changed.') : null,
        file.meta.length && !file.hunks.length ? h('pre', { class: 'raw' }, file.meta.join('\n')) : null,
        file.hunks.length ? h('table', { class: `diff ${mode}` }, columns(mode),
          h('tbody', null, mode === 'split' ? splitRows(file, hl) : unifiedRows(file, hl))) : null))));
  };
  const toggle = (m, label) => {
    buttons[m] = h('button', { type: 'button', class: 'seg', 'data-mode': m, onclick: () => {
      mode = m;
      localStorage.setItem(MODE_KEY, m);
      draw();
    } }, label);
    return buttons[m];
  };
  const element = h('div', { class: 'diff-viewer' },
    h('div', { class: 'diff-tools' }, h('div', { class: 'segmented' }, toggle('split', 'Split'), toggle('unified', 'Unified')),
      h('span', { class: 'muted' }, files.length === 1 ? '1 file' : `${files.length} files`)),
    body);
  draw();
  if (files.length) {
    hljs().then((lib) => { highlighter = lib; draw(); }).catch(() => {});
  }
  return element;
}
