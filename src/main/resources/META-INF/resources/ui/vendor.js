// Where the third-party front-end libraries are served from: jars on the classpath (mvnpm and WebJars,
// versions in pom.xml), under Quarkus's META-INF/resources. No CDN: labs and CI are offline.
// A version bump in pom.xml must be mirrored here; VendorAssetsTest fetches every path.

export const VENDOR = {
  echarts: '/_static/echarts/6.0.0/dist/echarts.esm.min.js',
  marked: '/_static/marked/17.0.5/lib/marked.esm.js',
  dompurify: '/_static/dompurify/3.4.15/dist/purify.es.mjs',
  highlight: '/webjars/highlightjs/11.11.1/highlight.min.js',
};

const loaded = new Map();

/** Loads a library once per page; later calls share the same promise. */
function once(key, load) {
  if (!loaded.has(key)) loaded.set(key, load());
  return loaded.get(key);
}

export const echarts = () => once('echarts', () => import(VENDOR.echarts));

/** highlight.js ships a browser bundle only as a classic script; it defines window.hljs. */
export const hljs = () => once('hljs', () => new Promise((resolve, reject) => {
  const script = document.createElement('script');
  script.src = VENDOR.highlight;
  script.onload = () => resolve(window.hljs);
  script.onerror = () => reject(new Error('could not load ' + VENDOR.highlight));
  document.head.append(script);
}));

/** Markdown to sanitised HTML: marked renders, DOMPurify removes scripts, handlers and odd URLs. */
export const markdown = () => once('markdown', async () => {
  const [{ marked }, purify] = await Promise.all([import(VENDOR.marked), import(VENDOR.dompurify)]);
  const DOMPurify = purify.default;
  return (text) => DOMPurify.sanitize(marked.parse(text, { async: false }), { USE_PROFILES: { html: true } });
});
