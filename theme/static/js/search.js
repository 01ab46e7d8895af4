// Search in the page: loads /search.json once, lists matches as the reader types, announces the
// count. Same rules as the API's no-JS search (feedback_api/public/search_results.py), which the
// form still reaches if the index cannot load.
(() => {
  const root = document.querySelector("[data-engage-search]");
  if (!root || !window.fetch) return;
  // The reader's words in the page's language (#engage-messages, theme/i18n.py), else English.
  let words = {};
  try {
    words = JSON.parse(document.getElementById("engage-messages").textContent);
  } catch (error) { /* English */ }
  const lang = document.documentElement.lang || "en-GB";
  const fill = (text, values) => text.replace(/%\((\w+)\)[sd]/g, (all, key) => values[key]);
  function gettext(s) {
    return (typeof words[s] === "string" && words[s]) || s;
  }
  const ngettext = (s, p, n, values) => { // a count's words: {plural category: text}
    const t = words[s] || {};
    const rule = window.Intl && Intl.PluralRules && new Intl.PluralRules(lang).select(n);
    return fill(t[rule] || t.other || (n === 1 ? s : p), { num: n, ...values });
  };
  const $ = (name) => root.querySelector(`[data-engage-search-${name}]`);
  const form = $("form"), list = $("results"), status = $("status"), none = $("none");
  const input = form.elements.q, hint = $("hint");
  const address = root.dataset.index, shown = +root.dataset.shown, limit = +root.dataset.limit;
  const kinds = {
    article: gettext('Post'), consultation: gettext('Consultation'), page: gettext('Page'),
  };
  const lower = (text) => (text || "").toLowerCase();
  // Fetched when the reader first comes to the field (it is the largest file of the site).
  let index;
  const load = () => index || (index = fetch(address)
    .then((answer) => (answer.ok ? answer.json() : Promise.reject(answer.status)))
    .then((data) => data.pages.map((page) => Object.assign(page, {
      t: lower(page.title), s: lower(page.summary),
      all: `${lower(page.title)} ${lower(page.summary)} ${lower(page.text)}`,
    })))
    .catch((error) => { index = null; throw error; }));
  const el = (name, className, text) => {
    const node = document.createElement(name);
    node.className = className || "";
    node.append(text || "");
    return node;
  };
  const snippet = (page, pattern) => {
    const text = page.text || "";
    const found = text.search(pattern);
    if (found < 0) return page.summary || text.slice(0, 200);
    let start = Math.max(0, found - 60), end = Math.min(text.length, found + 180);
    if (start > 0) start = text.indexOf(" ", start) + 1;
    const cut = text.lastIndexOf(" ", end - 1);
    if (end < text.length && cut > start) end = cut;
    return (start > 0 ? "…" : "") + text.slice(start, end) + (end < text.length ? "…" : "");
  };
  const marked = (text, pattern) => {
    const node = el("p", "nhsuk-body-s");
    text.split(pattern).forEach((piece, i) => node.append(i % 2 ? el("mark", "", piece) : piece));
    return node;
  };
  const show = (pages, query) => {
    const words = [...new Set(lower(query).split(/\s+/).filter(Boolean))];
    list.textContent = status.textContent = "";
    list.hidden = none.hidden = true;
    status.classList.remove("nhsuk-u-visually-hidden");
    if (hint) hint.hidden = words.length > 0;
    if (!words.length) return;
    const escaped = [...words].sort((a, b) => b.length - a.length)
      .map((word) => word.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
    const pattern = new RegExp(`(${escaped.join("|")})`, "i");
    const count = (text) => words.filter((word) => text.includes(word)).length;
    const found = pages.filter((page) => count(page.all) === words.length)
      .map((page) => [count(page.t), count(page.s), page])
      .sort((a, b) => b[0] - a[0] || b[1] - a[1]).map((ranked) => ranked[2]);
    if (!found.length) {
      none.querySelector("[data-engage-search-echo]").textContent = query;
      none.hidden = false;
      status.classList.add("nhsuk-u-visually-hidden");
      status.textContent = fill(gettext('No results found for ‘%(query)s’'), { query });
      return;
    }
    for (const page of found.slice(0, shown)) {
      const link = el("a", "", page.title);
      link.href = address.replace(/\/search\.json$/, "") + page.url;
      const heading = el("h2", "nhsuk-heading-s nhsuk-u-margin-bottom-1", link);
      const meta = el("p", "nhsuk-body-s nhsuk-u-secondary-text-colour nhsuk-u-margin-bottom-1",
        kinds[page.kind] || kinds.page);
      if (page.date) {
        const day = new Date(`${page.date}T12:00:00`);
        const time = el("time", "", day.toLocaleDateString(lang, { dateStyle: "long" }));
        time.dateTime = page.date;
        meta.append(" · ", time);
      }
      const item = el("li", "engage-search-result");
      item.append(heading, meta, marked(snippet(page, pattern), pattern));
      list.append(item);
    }
    list.hidden = false;
    status.textContent = found.length > shown
      ? ngettext('%(num)d result for ‘%(query)s’: the first %(shown)s are shown',
        '%(num)d results for ‘%(query)s’: the first %(shown)s are shown', found.length, { query, shown })
      : ngettext('%(num)d result for ‘%(query)s’', '%(num)d results for ‘%(query)s’', found.length, { query });
  };
  const search = (remember) => {
    const query = input.value.trim().replace(/\s+/g, " ").slice(0, limit).trim();
    return load().then((pages) => {
      show(pages, query);
      if (remember) history.replaceState(null, "", `?q=${encodeURIComponent(query)}`);
    });
  };
  let timer;
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    search(true).catch(() => form.submit());
  });
  input.addEventListener("focus", () => load().catch(() => {}), { once: true });
  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(() => search(false).catch(() => {}), 150);
  });
  const asked = new URLSearchParams(location.search).get("q");
  if (asked && !root.dataset.query) {
    input.value = asked;
    search(false).catch(() => {});
  }
})();
