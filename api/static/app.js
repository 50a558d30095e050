// Trace Engine's trace page: plain JavaScript, no build step. Every data call goes to this
// page's own origin and carries the API key, which lives in this tab's session storage only.
(function () {
  "use strict";

  const KEY_STORAGE = "traceEngine.apiKey";
  const TRACE_PATH = "/api/v1/traces";
  const SPREADSHEET_PATH = "/api/v1/fsma204/spreadsheet";
  const IMPACT_PATH = "/api/v1/recalls/impact";
  const CBV = "urn:epcglobal:cbv:bizstep:";
  const LOT_DATES = ["harvestStartDate", "harvestEndDate", "firstFreezeDate", "bestBeforeDate",
    "sellByDate", "expirationDate"];
  const COLOURS = { lot: "#a3114f", up: "#1d5fb4", down: "#a84f00", none: "#6e7781" };

  const $ = (id) => document.getElementById(id);
  const page = {
    trace: null, productId: null, classes: null, cy: null, view: "facilities",
    endpoints: { spreadsheet: false, impact: false },
  };
  // for tests and benchmarks: when the graph of the last trace was drawn
  window.traceEngine = { page: page, drawnAt: null };

  // -- the key: fragment → session storage, never the address bar ------------------------

  function takeKeyFromFragment() {
    if (!location.hash || location.hash.length < 2) return;
    const fragment = new URLSearchParams(location.hash.slice(1));
    const key = fragment.get("key");
    if (key) sessionStorage.setItem(KEY_STORAGE, key.trim());
    // a fragment never reaches the server; remove it from the address bar and history too
    history.replaceState(null, "", location.pathname + location.search);
  }

  function apiKey() {
    return sessionStorage.getItem(KEY_STORAGE) || "";
  }

  // -- HTTP ---------------------------------------------------------------------------------

  class ApiError extends Error {
    constructor(status, message) {
      super(message);
      this.status = status;
    }
  }

  async function call(path, params, accept) {
    const url = params ? path + "?" + new URLSearchParams(params).toString() : path;
    let response;
    try {
      response = await fetch(url, {
        headers: { Authorization: "Bearer " + apiKey(), Accept: accept || "application/json" },
        cache: "no-store",
      });
    } catch (err) {
      throw new ApiError(0, "The API did not answer: " + err.message);
    }
    if (!response.ok) {
      let message = response.status + " " + response.statusText;
      try {
        const body = await response.json();
        message = body.error || body.detail || message;
      } catch (_) { /* not JSON */ }
      throw new ApiError(response.status, message);
    }
    return response;
  }

  async function discoverEndpoints() {
    try {
      const response = await fetch("/openapi.json", { cache: "no-store" });
      const spec = await response.json();
      const paths = spec.paths || {};
      page.endpoints.spreadsheet = Boolean(paths[SPREADSHEET_PATH] && paths[SPREADSHEET_PATH].get);
      page.endpoints.impact = Boolean(paths[IMPACT_PATH] && paths[IMPACT_PATH].get);
    } catch (_) {
      page.endpoints.spreadsheet = page.endpoints.impact = false;
    }
    showExportButtons();
  }

  function showExportButtons() {
    const shown = Boolean(page.trace);
    $("spreadsheet-button").hidden = !(shown && page.endpoints.spreadsheet);
    $("impact-button").hidden = !(shown && page.endpoints.impact);
  }

  // -- the form and the address bar -------------------------------------------------------

  function readQuery() {
    const q = new URLSearchParams(location.search);
    if (q.get("productId")) $("productId").value = q.get("productId");
    if (q.get("direction")) $("direction").value = q.get("direction");
    if (q.get("depth")) $("depth").value = q.get("depth");
    if (q.get("since")) $("since").value = toLocalInput(q.get("since"));
    if (q.get("until")) $("until").value = toLocalInput(q.get("until"));
    if (q.get("events")) $("allEvents").checked = q.get("events") === "all";
    $("apiKey").value = apiKey();
  }

  function toLocalInput(iso) {
    return iso.replace(/Z$/, "").replace(/\.\d+$/, "").slice(0, 19);
  }

  function toUtc(local) {
    if (!local) return "";
    return (local.length === 16 ? local + ":00" : local) + "Z";
  }

  function formParams() {
    const params = { productId: $("productId").value.trim() };
    const direction = $("direction").value;
    if (direction !== "both") params.direction = direction;
    if ($("depth").value) params.depth = $("depth").value;
    if ($("since").value) params.since = toUtc($("since").value);
    if ($("until").value) params.until = toUtc($("until").value);
    params.events = $("allEvents").checked ? "all" : "default";
    return params;
  }

  function onSubmit(event) {
    event.preventDefault();
    const key = $("apiKey").value.trim();
    if (key) sessionStorage.setItem(KEY_STORAGE, key);
    else sessionStorage.removeItem(KEY_STORAGE);
    const params = formParams();
    // the query string makes the trace linkable; the key never goes there
    history.replaceState(null, "", "/?" + new URLSearchParams(params).toString());
    runTrace(params);
  }

  // -- states -------------------------------------------------------------------------------

  const STATES = {
    0: ["The API is not reachable", "Check that `trace-engine serve` (or `scripts/up`) is running."],
    400: ["Malformed identifier", "Give a product instance as an EPC URN (urn:epc:class:lgtin:…, " +
      "urn:epc:id:sgtin:…, urn:epc:id:sscc:…), an IBM Food Trust URN or a GS1 Digital Link " +
      "(https://id.gs1.org/01/…/10/…)."],
    401: ["API key missing or not accepted", "Paste a valid key above (`trace-engine keys " +
      "create --org ORG --name NAME`, or the key `scripts/up` printed). Keys can expire or be revoked."],
    403: ["This key may not do that", "Ask an admin of your organisation for a key with the read scope."],
    404: ["Unknown product", "Nothing with this identifier has been captured, or your " +
      "organisation may not see it. Check the identifier, or ask its owner to share."],
    422: ["Trace too large or parameters out of range", "Narrow it: trace upstream or " +
      "downstream only, set a depth, or a since/until window."],
    429: ["Rate limit reached", "This key has used its calls for this hour; wait, or use another key."],
    503: ["The database is unavailable", "Neo4j is down or still starting. Try again in a " +
      "moment (`trace-engine neo4j status` says whether it runs)."],
  };

  function showState(error) {
    const status = error instanceof ApiError ? error.status : 0;
    const [title, hint] = STATES[status] || ["The trace failed (" + status + ")",
      "The server log has the details."];
    document.body.dataset.state = "error-" + status;
    $("result").hidden = true;
    $("state").hidden = false;
    $("state").dataset.status = String(status);
    $("state-title").textContent = title;
    $("state-message").textContent = error.message;
    $("state-hint").textContent = hint;
    $("status").textContent = "";
  }

  // -- the trace ----------------------------------------------------------------------------

  async function runTrace(params) {
    if (!params.productId) {
      showState(new ApiError(400, "productId: give a product identifier"));
      return;
    }
    document.body.dataset.state = "loading";
    $("trace-button").disabled = true;
    $("state").hidden = true;
    $("status").textContent = "Tracing " + params.productId + " …";
    window.traceEngine.drawnAt = null;
    try {
      const direction = params.direction || "both";
      const main = fetchTrace(params);
      // which members are upstream and which downstream: the same trace in one direction
      const helper = Object.assign({}, params, { events: "default" });
      const up = direction === "upstream" ? main
        : fetchTrace(Object.assign({}, helper, { direction: "upstream" }));
      up.catch(() => null); // awaited below; never an unhandled rejection if main fails first
      const trace = await main;
      let upTrace = null;
      let downTrace = null;
      try { upTrace = await up; } catch (_) { /* colours degrade, the trace stands */ }
      const root = rootOf(trace, params.productId);
      if (!root && direction !== "downstream") {
        try {
          downTrace = await fetchTrace(Object.assign({}, helper, { direction: "downstream" }));
        } catch (_) { /* as above */ }
      }
      if (direction === "downstream") downTrace = trace;
      page.trace = trace;
      page.productId = params.productId;
      page.classes = classify(trace, upTrace, downTrace, root, direction);
      render();
    } catch (error) {
      page.trace = null;
      showExportButtons();
      showState(error);
    } finally {
      $("trace-button").disabled = false;
    }
  }

  async function fetchTrace(params) {
    const response = await call(TRACE_PATH, params);
    const body = await response.json();
    const block = body[params.productId];
    if (!block) throw new ApiError(500, "The answer has no block for " + params.productId);
    return block;
  }

  function rootOf(trace, productId) {
    return Object.prototype.hasOwnProperty.call(trace.productInstances, productId) ? productId : null;
  }

  // lot / up / down for every product instance of the trace
  function classify(trace, upTrace, downTrace, root, direction) {
    const members = Object.keys(trace.productInstances);
    const up = upTrace ? new Set(Object.keys(upTrace.productInstances)) : null;
    const down = downTrace ? new Set(Object.keys(downTrace.productInstances)) : null;
    const classes = {};
    for (const id of members) {
      let kind;
      if (root) {
        if (id === root) kind = "lot";
        else if (direction === "upstream") kind = "up";
        else if (direction === "downstream") kind = "down";
        else kind = up && up.has(id) ? "up" : "down";
      } else if (up && down) {
        kind = up.has(id) && down.has(id) ? "lot" : up.has(id) ? "up" : "down";
      } else {
        kind = direction === "upstream" ? "up" : "down";
      }
      classes[id] = kind;
    }
    return classes;
  }

  function eventLots(event) {
    const groups = event.data.productInstances || {};
    const lots = [];
    for (const role of ["inputs", "instances", "outputs"]) {
      for (const item of groups[role] || []) lots.push(Object.assign({ role: role }, item));
    }
    return lots;
  }

  function eventClass(event) {
    let best = "none";
    for (const lot of eventLots(event)) {
      const kind = page.classes[lot.id];
      if (kind === "down") return "down";
      if (kind === "up") best = "up";
      else if (kind === "lot" && best === "none") best = "lot";
    }
    return best;
  }

  function orderedEvents() {
    return Object.entries(page.trace.events)
      .map(([id, event]) => ({ id: id, event: event }))
      .sort((a, b) => (a.event.data.time < b.event.data.time ? -1
        : a.event.data.time > b.event.data.time ? 1 : a.id < b.id ? -1 : 1));
  }

  // facility id → {events, quantities by unit, class}
  function facilityStats() {
    const stats = {};
    const ensure = (id) => (stats[id] = stats[id] || { events: 0, lots: {}, kinds: new Set() });
    for (const { event } of orderedEvents()) {
      const facility = event.data.facility || {};
      if (!facility.id) continue;
      const entry = ensure(facility.id);
      entry.events += 1;
      entry.kinds.add(eventClass(event));
      for (const lot of eventLots(event)) {
        if (lot.role === "inputs") continue;
        const key = lot.id + "|" + (lot.unit || "");
        entry.lots[key] = Math.max(entry.lots[key] || 0, Number(lot.quantity) || 0);
      }
      for (const end of (facility.sources || []).concat(facility.destinations || [])) ensure(end.id);
    }
    for (const entry of Object.values(stats)) {
      const totals = {};
      for (const [key, quantity] of Object.entries(entry.lots)) {
        const unit = key.split("|")[1] || "units";
        totals[unit] = (totals[unit] || 0) + quantity;
      }
      entry.totals = totals;
      entry.kind = entry.kinds.has("down") ? "down" : entry.kinds.has("up") ? "up"
        : entry.kinds.has("lot") ? "lot" : "none";
    }
    return stats;
  }

  function quantityText(totals) {
    return Object.entries(totals)
      .map(([unit, q]) => Number(q.toFixed(3)).toLocaleString("en") + " " + unit)
      .join(" · ");
  }

  // a place goods are at: where an event happened, or a location with master data or a
  // location identifier; owning and possessing parties (PGLNs) of source/destination lists
  // are not drawn
  function isPlace(id) {
    const block = page.trace.facilities[id];
    if (page.stats[id] && page.stats[id].events > 0) return true;
    if (block && block.data && block.data.name) return true;
    return /sgln|\/414\//.test(id);
  }

  function facilityName(id) {
    const block = page.trace.facilities[id];
    return (block && block.data && block.data.name) || id;
  }

  function shortStep(step) {
    return step ? step.replace(CBV, "") : "";
  }

  // -- rendering ----------------------------------------------------------------------------

  function render() {
    const trace = page.trace;
    document.body.dataset.state = "rendering";
    $("result").hidden = false;
    $("result-title").textContent = page.productId;
    const counts = [Object.keys(trace.events).length + " events",
      Object.keys(trace.facilities).length + " facilities",
      Object.keys(trace.productInstances).length + " lots and logistic units"];
    $("result-summary").textContent = counts.join(", ");
    $("status").textContent = "";
    showExportButtons();
    page.stats = facilityStats();
    renderFacilityList();
    renderTimelineFilters();
    renderTimeline();
    $("details-body").innerHTML = '<p class="muted">Click a facility, a lot or an event.</p>';
    $("details-title").textContent = "Details";
    drawGraph();
  }

  function graphElements() {
    const trace = page.trace;
    if (page.view === "lots") {
      const nodes = Object.entries(trace.productInstances).map(([id, block]) => ({
        data: {
          id: "lot:" + id, ref: id, kind: page.classes[id] || "none", type: "lot",
          label: (block.data.name ? block.data.name + "\n" : "") + id.split(/[:/.]/).pop(),
        },
      }));
      const edges = trace.sequences.productInstances.map((edge, i) => ({
        data: { id: "t" + i, source: "lot:" + edge.source, target: "lot:" + edge.target,
          kind: page.classes[edge.target] || "none" },
      })).filter((e) => trace.productInstances[e.data.source.slice(4)]
        && trace.productInstances[e.data.target.slice(4)]);
      return nodes.concat(edges);
    }
    const stats = page.stats;
    const ids = new Set(Object.keys(stats).filter(isPlace));
    const moves = trace.sequences.facilities.filter((e) => isPlace(e.source) && isPlace(e.target));
    for (const edge of moves) { ids.add(edge.source); ids.add(edge.target); }
    const nodes = Array.from(ids).map((id) => {
      const entry = stats[id] || { events: 0, totals: {}, kind: "none" };
      const block = trace.facilities[id];
      const type = block && block.data.type ? block.data.type.replace(/_/g, " ").toLowerCase() : "";
      const lines = [facilityName(id)];
      if (type) lines.push(type);
      const quantity = quantityText(entry.totals);
      if (quantity) lines.push(quantity);
      return {
        data: { id: "f:" + id, ref: id, type: "facility", kind: entry.kind, label: lines.join("\n"),
          size: 26 + 8 * Math.log2(1 + entry.events) },
      };
    });
    const edges = moves.map((edge, i) => {
      const target = stats[edge.target] ? stats[edge.target].kind : "none";
      const source = stats[edge.source] ? stats[edge.source].kind : "none";
      return { data: { id: "m" + i, source: "f:" + edge.source, target: "f:" + edge.target,
        kind: target === "lot" || target === "none" ? source : target } };
    });
    return nodes.concat(edges);
  }

  function drawGraph() {
    const container = $("graph");
    if (page.cy) page.cy.destroy();
    if (typeof window.cytoscape !== "function") {
      container.textContent = "The graph library did not load.";
      return;
    }
    const style = [
      { selector: "node", style: {
        "background-color": (n) => COLOURS[n.data("kind")] || COLOURS.none,
        "label": "data(label)", "text-wrap": "wrap", "text-max-width": "150px",
        "font-size": "11px", "color": "#1b1f24", "text-valign": "bottom", "text-margin-y": 4,
        "text-background-color": "#ffffff", "text-background-opacity": 0.85,
        "text-background-padding": "2px",
        "width": (n) => n.data("size") || 26, "height": (n) => n.data("size") || 26,
        "border-width": 2, "border-color": "#ffffff",
      } },
      { selector: "node[type = 'lot']", style: { "shape": "round-rectangle" } },
      { selector: "node:selected", style: { "border-color": "#1b1f24", "border-width": 4 } },
      { selector: "edge", style: {
        "width": 2, "curve-style": "bezier", "target-arrow-shape": "triangle",
        "line-color": (e) => COLOURS[e.data("kind")] || COLOURS.none,
        "target-arrow-color": (e) => COLOURS[e.data("kind")] || COLOURS.none,
      } },
    ];
    const cy = window.cytoscape({
      container: container, elements: graphElements(), style: style,
      minZoom: 0.2, maxZoom: 3,
    });
    page.cy = cy;
    window.traceEngine.cy = cy;
    cy.on("tap", "node", (evt) => {
      const node = evt.target;
      if (node.data("type") === "lot") showLot(node.data("ref"));
      else showFacility(node.data("ref"));
    });
    const layout = cy.layout({ name: "dagre", rankDir: "LR", nodeSep: 30, rankSep: 90,
      edgeSep: 10, fit: true, padding: 20, animate: false });
    layout.one("layoutstop", () => {
      window.traceEngine.drawnAt = performance.now();
      document.body.dataset.state = "ready";
    });
    layout.run();
  }

  function setView(view) {
    page.view = view;
    $("view-facilities").setAttribute("aria-pressed", String(view === "facilities"));
    $("view-lots").setAttribute("aria-pressed", String(view === "lots"));
    if (page.trace) drawGraph();
  }

  function renderFacilityList() {
    const list = $("facility-list");
    list.replaceChildren();
    const ids = Object.keys(page.trace.facilities).filter(isPlace);
    ids.sort((a, b) => facilityName(a).localeCompare(facilityName(b)));
    for (const id of ids) {
      const item = document.createElement("li");
      const button = document.createElement("button");
      button.type = "button";
      button.className = (page.stats[id] && page.stats[id].kind) || "none";
      button.textContent = facilityName(id);
      button.dataset.facility = id;
      button.addEventListener("click", () => showFacility(id));
      item.appendChild(button);
      list.appendChild(item);
    }
  }

  function renderTimelineFilters() {
    const facilities = new Set();
    const types = new Set();
    for (const { event } of orderedEvents()) {
      if (event.data.facility && event.data.facility.id) facilities.add(event.data.facility.id);
      types.add(event.data.type);
    }
    fillSelect($("filter-facility"), "all facilities",
      Array.from(facilities).sort((a, b) => facilityName(a).localeCompare(facilityName(b)))
        .map((id) => [id, facilityName(id)]));
    fillSelect($("filter-type"), "all types", Array.from(types).sort().map((t) => [t, t]));
  }

  function fillSelect(select, allLabel, options) {
    select.replaceChildren(new Option(allLabel, ""));
    for (const [value, label] of options) select.appendChild(new Option(label, value));
  }

  function renderTimeline() {
    const facility = $("filter-facility").value;
    const type = $("filter-type").value;
    const body = $("timeline").tBodies[0];
    body.replaceChildren();
    let shown = 0;
    const all = orderedEvents();
    for (const { id, event } of all) {
      const data = event.data;
      const at = data.facility && data.facility.id;
      if (facility && at !== facility) continue;
      if (type && data.type !== type) continue;
      shown += 1;
      const row = body.insertRow();
      row.className = eventClass(event);
      row.dataset.eventId = id;
      row.dataset.facility = at || "";
      row.dataset.type = data.type;
      const time = row.insertCell();
      const open = document.createElement("button");
      open.type = "button";
      open.className = "link";
      open.textContent = data.time.replace("T", " ").replace(/\.\d+Z$/, "Z");
      open.setAttribute("aria-label", "Event " + id + " at " + data.time);
      open.addEventListener("click", () => showEvent(id));
      time.appendChild(open);
      row.insertCell().textContent = data.type;
      row.insertCell().textContent = shortStep(data.step);
      row.insertCell().textContent = at ? facilityName(at) : "";
      row.insertCell().textContent = eventLots(event)
        .map((lot) => (lot.role === "inputs" ? "in: " : lot.role === "outputs" ? "out: " : "")
          + lot.id + " (" + lot.quantity + " " + (lot.unit || "") + ")")
        .join("; ");
    }
    $("timeline-count").textContent = shown + " of " + all.length + " events";
  }

  // -- details ------------------------------------------------------------------------------

  function definitionList(pairs) {
    const dl = document.createElement("dl");
    for (const [term, value] of pairs) {
      if (value === undefined || value === null || value === "") continue;
      const dt = document.createElement("dt");
      dt.textContent = term;
      const dd = document.createElement("dd");
      dd.textContent = String(value);
      dl.append(dt, dd);
    }
    return dl;
  }

  function heading(text) {
    const h = document.createElement("h4");
    h.textContent = text;
    return h;
  }

  function payloadBlocks(ids) {
    const out = [];
    for (const pid of ids || []) {
      const payload = page.trace.payloads[pid];
      if (!payload) continue;
      out.push(heading("Payload " + pid));
      out.push(definitionList([["type", payload.data.typeUri], ["format", payload.data.contentType],
        ["time", payload.data.time]]));
      const pre = document.createElement("pre");
      pre.textContent = payload.data.content;
      out.push(pre);
    }
    return out;
  }

  function showDetails(title, nodes) {
    $("details-title").textContent = title;
    $("details-body").replaceChildren(...nodes);
  }

  function showFacility(id) {
    const block = page.trace.facilities[id] || { data: {}, payloadIds: [] };
    const data = block.data;
    const address = data.address || {};
    const stats = page.stats[id] || { events: 0, totals: {} };
    const where = [address.street, address.city, [address.state, address.postalCode]
      .filter(Boolean).join(" "), address.country].filter(Boolean).join(", ");
    const nodes = [heading(data.name || id), definitionList([
      ["id", id], ["type", data.type], ["address", where],
      ["events here", stats.events], ["quantities", quantityText(stats.totals)],
    ])];
    showDetails("Facility", nodes.concat(payloadBlocks(block.payloadIds)));
    $("details").dataset.facility = id;
    selectNode("f:" + id);
  }

  function showLot(id) {
    const block = page.trace.productInstances[id] || { data: {}, payloadIds: [] };
    const data = block.data;
    const pairs = [["id", id], ["product", data.name], ["product id", data.productId],
      ["position", { lot: "the traced lot", up: "upstream", down: "downstream" }[page.classes[id]]]];
    for (const field of LOT_DATES) pairs.push([field, data[field]]);
    showDetails("Lot", [heading(data.name || id), definitionList(pairs)]
      .concat(payloadBlocks(block.payloadIds)));
    selectNode("lot:" + id);
  }

  async function showEvent(id) {
    const event = page.trace.events[id];
    const data = event.data;
    const summary = [heading(data.type + (data.step ? " · " + shortStep(data.step) : "")),
      definitionList([["event", id], ["time", data.time],
        ["facility", data.facility && data.facility.id ? facilityName(data.facility.id) : ""]])];
    const pre = document.createElement("pre");
    pre.textContent = "Loading the event as captured …";
    showDetails("Event", summary.concat([heading("As captured"), pre], payloadBlocks(event.payloadIds)));
    try {
      const response = await call("/epcis/events/" + encodeURIComponent(id));
      pre.textContent = JSON.stringify(await response.json(), null, 2);
    } catch (error) {
      pre.textContent = error.message;
    }
  }

  function selectNode(id) {
    if (!page.cy) return;
    page.cy.$(":selected").unselect();
    const node = page.cy.getElementById(id);
    if (node && node.length) node.select();
  }

  // -- exports ------------------------------------------------------------------------------

  async function downloadSpreadsheet() {
    const button = $("spreadsheet-button");
    button.disabled = true;
    $("status").textContent = "Building the FSMA 204 spreadsheet …";
    try {
      const response = await call(SPREADSHEET_PATH, { productId: page.productId },
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
      const blob = await response.blob();
      const disposition = response.headers.get("Content-Disposition") || "";
      const match = /filename="?([^";]+)"?/.exec(disposition);
      const link = document.createElement("a");
      link.href = URL.createObjectURL(blob);
      link.download = match ? match[1] : "fsma204-traceability.xlsx";
      document.body.appendChild(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(link.href), 60000);
      $("status").textContent = "Spreadsheet downloaded.";
    } catch (error) {
      $("status").textContent = "The spreadsheet failed: " + error.message;
    } finally {
      button.disabled = false;
    }
  }

  async function showImpact() {
    const button = $("impact-button");
    button.disabled = true;
    try {
      const response = await call(IMPACT_PATH, { productId: page.productId });
      const report = await response.json();
      const nodes = [heading("Recall impact of " + page.productId)];
      if (report.summary && typeof report.summary === "object") {
        nodes.push(definitionList(Object.entries(report.summary).map(([k, v]) =>
          [k, typeof v === "object" ? JSON.stringify(v) : v])));
      }
      const pre = document.createElement("pre");
      pre.textContent = JSON.stringify(report, null, 2);
      nodes.push(heading("The full report"), pre);
      showDetails("Recall impact", nodes);
    } catch (error) {
      showDetails("Recall impact", [heading("The report failed"), definitionList([
        ["status", error.status], ["message", error.message]])]);
    } finally {
      button.disabled = false;
    }
  }

  // -- start --------------------------------------------------------------------------------

  function start() {
    takeKeyFromFragment();
    readQuery();
    $("trace-form").addEventListener("submit", onSubmit);
    $("filter-facility").addEventListener("change", renderTimeline);
    $("filter-type").addEventListener("change", renderTimeline);
    $("view-facilities").addEventListener("click", () => setView("facilities"));
    $("view-lots").addEventListener("click", () => setView("lots"));
    $("spreadsheet-button").addEventListener("click", downloadSpreadsheet);
    $("impact-button").addEventListener("click", showImpact);
    discoverEndpoints();
    const params = formParams();
    if (params.productId) runTrace(params);
  }

  start();
})();
