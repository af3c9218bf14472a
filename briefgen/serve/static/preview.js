// briefgen preview: live updates over server-sent events, tabs, and the check sidebar.
// The page never reloads itself: when a file is saved the server says so on /events and
// this script fetches the parts the page shows.
"use strict";

(() => {
  const body = document.body;
  const page = body.dataset.page;
  const brief = body.dataset.brief;
  const audience = body.dataset.audience;
  let generation = Number(body.dataset.generation); // the project as last loaded
  let shown = Number(body.dataset.shown); // the version the page shows (last one that built)
  let pdfShown = null;
  const $ = (id) => document.getElementById(id);
  const status = $("status");
  const item = brief && audience ? `${encodeURIComponent(brief)}/${encodeURIComponent(audience)}` : null;

  function setStatus(text, kind) {
    status.textContent = text;
    status.className = `status ${kind}`;
  }

  async function get(url) {
    const response = await fetch(url, { cache: "no-store" });
    if (response.status === 404) throw new Gone();
    return response;
  }

  class Gone extends Error {}

  function gone() {
    $("banner").innerHTML =
      '<section class="broken" role="alert"><h2>This brief or audience is no longer in the project.</h2>' +
      '<p><a href="/">See what there is now</a></p></section>';
  }

  // ------------------------------------------------------------------ tabs

  function activeTab() {
    const selected = document.querySelector('[role="tab"][aria-selected="true"]');
    return selected ? selected.dataset.tab : null;
  }

  function showTab(name) {
    for (const tab of document.querySelectorAll('[role="tab"]')) {
      const on = tab.dataset.tab === name;
      tab.setAttribute("aria-selected", on ? "true" : "false");
      $(`panel-${tab.dataset.tab}`).hidden = !on;
    }
    if (name === "pdf") loadPdf();
    if (history.replaceState) history.replaceState(null, "", name === "html" ? " " : `#${name}`);
  }

  function loadPdf() {
    const frame = $("pdf-frame");
    if (!frame || pdfShown === shown) return;
    pdfShown = shown;
    frame.src = `/render/${item}.pdf?g=${shown}`;
  }

  function reloadFrame(frame, url) {
    let y = 0;
    try {
      y = frame.contentWindow.scrollY;
    } catch (e) {
      y = 0;
    }
    frame.addEventListener(
      "load",
      () => {
        try {
          frame.contentWindow.scrollTo(0, y);
        } catch (e) {
          /* a cross-origin error page: nothing to restore */
        }
        body.dataset.htmlGeneration = String(shown);
      },
      { once: true },
    );
    frame.src = url;
  }

  // ------------------------------------------------------------------ updates

  async function refreshItem(g) {
    reloadFrame($("html-frame"), `/render/${item}.html?g=${g}`);
    const slides = await get(`/fragment/${item}/slides?g=${g}`);
    if (g !== shown) return;
    $("slides").innerHTML = await slides.text();
    body.dataset.slidesGeneration = String(g);
    await refreshCheck(g);
  }

  async function refreshCheck(g) {
    const aside = $("findings");
    aside.classList.add("stale");
    const response = await get(`/fragment/${item}/check?g=${g}`);
    const data = await response.json();
    if (g !== shown) return; // a newer version is on its way
    aside.innerHTML = data.findings;
    aside.classList.remove("stale");
    $("slides").innerHTML = data.slides;
    body.dataset.checkGeneration = String(g);
    pdfShown = null;
    if (activeTab() === "pdf") loadPdf();
  }

  async function update(event) {
    const started = performance.now();
    generation = event.generation;
    try {
      $("banner").innerHTML = await (await get(`/fragment/banner?g=${generation}`)).text();
      if (event.shown !== shown) {
        shown = event.shown;
        setStatus("updating…", "busy");
        if (page === "index") {
          $("items").innerHTML = await (await get(`/fragment/index?g=${shown}`)).text();
        } else if (page === "item") {
          await refreshItem(shown);
        }
      }
      body.dataset.generation = String(generation);
      body.dataset.shown = String(shown);
      const took = Math.round(performance.now() - started);
      setStatus(event.ok ? `live · updated in ${took} ms` : "live · see the error above", event.ok ? "ok" : "bad");
    } catch (error) {
      if (error instanceof Gone) gone();
      else setStatus(`update failed: ${error.message}`, "bad");
    }
  }

  function connect() {
    const source = new EventSource("/events");
    source.addEventListener("open", () => setStatus("live", "ok"));
    source.addEventListener("error", () => setStatus("reconnecting…", "busy"));
    source.addEventListener("changed", (message) => {
      const event = JSON.parse(message.data);
      if (event.generation !== generation || event.shown !== shown) update(event);
    });
  }

  // ------------------------------------------------------------------ start

  document.addEventListener("click", (event) => {
    const tab = event.target.closest("[data-tab]");
    if (tab) showTab(tab.dataset.tab);
    const link = event.target.closest("[data-tab-link]");
    if (link) {
      showTab(link.dataset.tabLink);
      const card = document.querySelector(link.getAttribute("href"));
      if (card) {
        event.preventDefault();
        card.scrollIntoView({ behavior: "smooth", block: "center" });
        card.classList.add("flash");
        setTimeout(() => card.classList.remove("flash"), 1600);
      }
    }
  });

  if (page === "item") {
    const wanted = location.hash.slice(1);
    if (wanted === "pdf" || wanted === "slides") showTab(wanted);
    refreshCheck(shown).catch((error) => (error instanceof Gone ? gone() : null));
  }
  connect();
})();
