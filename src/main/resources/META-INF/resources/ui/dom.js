// Building DOM from data without ever parsing data as HTML. Everything an agent wrote (hypotheses,
// notes, diffs, logs, specialist names) reaches the page as text nodes through h(); the only HTML
// strings inserted are highlight.js output (which escapes its input) and DOMPurify-sanitised Markdown,
// each through trustedHtml() so that the two places are easy to audit.

/**
 * h('a', {href: '#/x', class: 'y', onclick: fn}, 'text', child, [more]) -> Element.
 * Attribute values are set as attributes (never as HTML); strings and numbers become text nodes.
 */
export function h(tag, attrs, ...children) {
  const element = document.createElement(tag);
  if (attrs) {
    for (const [key, value] of Object.entries(attrs)) {
      if (value === undefined || value === null || value === false) continue;
      if (key.startsWith('on') && typeof value === 'function') {
        element.addEventListener(key.slice(2), value);
      } else if (key === 'class') {
        element.className = Array.isArray(value) ? value.filter(Boolean).join(' ') : value;
      } else if (key === 'style' && typeof value === 'object') {
        Object.assign(element.style, value);
      } else if (key === 'href' && !/^(#|\/|\?)/.test(String(value))) {
        element.setAttribute('href', '#');
      } else if (key === 'value' || key === 'checked' || key === 'selected' || key === 'disabled') {
        element[key] = value;
      } else {
        element.setAttribute(key, value === true ? '' : String(value));
      }
    }
  }
  append(element, children);
  return element;
}

function append(parent, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(parent, child);
    else if (child instanceof Node) parent.append(child);
    else parent.append(document.createTextNode(String(child)));
  }
}

/** Replaces an element's children. */
export function mount(element, ...children) {
  element.replaceChildren();
  append(element, children);
  return element;
}

/** Sets HTML produced by a trusted renderer (highlight.js, DOMPurify); never called with raw data. */
export function trustedHtml(element, html) {
  element.innerHTML = html;
  return element;
}

export const link = (href, ...children) => h('a', { href }, ...children);

/** A panel with a title and optional tools on the right. */
export function panel(title, tools, ...body) {
  return h('section', { class: 'panel' },
    h('header', { class: 'panel-head' }, h('h2', null, title), tools ? h('div', { class: 'tools' }, tools) : null),
    h('div', { class: 'panel-body' }, body));
}

/** An inline problem box, as the API described it. */
// A <details> whose text body (a <pre>) is fetched when first opened: long Markdown the page does not need up front.
export function lazyText(summary, fetch, attributes) {
  const body = h('pre', attributes);
  const details = h('details', { ontoggle: async () => {
    if (!details.open || body.dataset.loaded) return;
    body.textContent = 'loading…';
    try {
      body.textContent = await fetch();
      body.dataset.loaded = '1';
    } catch (e) {
      mount(body, problemBox(e));
    }
  } }, h('summary', null, summary), body);
  return details;
}

export function problemBox(error, prefix) {
  return h('div', { class: 'problem', role: 'alert' },
    h('strong', null, (prefix ? prefix + ': ' : '') + (error.title || 'Error')),
    error.status ? h('span', { class: 'muted' }, ` (HTTP ${error.status})`) : null,
    error.detail ? h('div', { class: 'problem-detail' }, error.detail) : null);
}

/** A placeholder shown while a page loads. */
export const loading = (what) => h('p', { class: 'muted loading' }, `Loading ${what}…`);

/** Calls fn at most once per `ms`, after the last call; used to batch live events into one reload. */
export function debounce(fn, ms) {
  let timer;
  const debounced = (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), ms);
  };
  debounced.cancel = () => clearTimeout(timer);
  return debounced;
}
