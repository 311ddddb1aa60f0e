// The mockserver console: one page over the public control API (/_mock/...) and, where only a vendor's
// API tells (Hiptest run statuses, Bitbar run progress), that vendor's API as the demo user that
// GET /_mock/vendors names. No build step, no dependency: plain DOM.
"use strict";

const TOKEN_KEY = "mockserver-console-token";
const CONSOLE_HEADER = "X-Mock-Console"; // marks the console's own vendor calls in the journal
const TICK_MS = 1500;

const ui = {
  tenant: "default",
  view: "requests",
  vendors: {},          // name -> {title, prefix, port, demo_headers}
  selected: null,       // journal id shown in the detail pane
  rows: [],             // the journal entries on screen
  shownSignature: "",
  clock: null,
  vendorApiAt: 0,       // when Hiptest/Bitbar were last read through their APIs (ms)
  vendorApiClock: "",   // the clock those reads saw (mode, offset, frozen time)
  vendorApiSeen: 0,     // newest journal id when they were read
  bitbarActive: false,
  busy: false,
};

// -- small helpers -----------------------------------------------------------------------------
const $ = (id) => document.getElementById(id);

function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "class") el.className = value;
    else if (key === "text") el.textContent = value;
    else if (key.startsWith("on")) el.addEventListener(key.slice(2), value);
    else if (key === "dataset") Object.assign(el.dataset, value);
    else el.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

function replace(el, ...children) { el.replaceChildren(...children.flat(Infinity).filter((c) => c != null && c !== false)); }

const cssName = (text) => String(text).replace(/[^A-Za-z0-9_-]+/g, "-");
const pill = (text, cls) => h("span", { class: `pill ${cls || "st-" + cssName(text)}` }, text);
const statusClass = (status) => `s${String(status || 0)[0]}`;

function shortTime(iso) {
  if (!iso) return "";
  const d = new Date(iso);
  return isNaN(d) ? iso : d.toISOString().replace("T", " ").replace(/\.\d+Z$/, "Z").slice(11);
}

function fullTime(iso) {
  const d = new Date(iso);
  return isNaN(d) ? String(iso) : d.toISOString().replace("T", " ").replace(/\.\d+Z$/, " UTC");
}

function token() { return sessionStorage.getItem(TOKEN_KEY) || ""; }

class ApiError extends Error {
  constructor(status, message) { super(message); this.status = status; }
}

// -- the control API -----------------------------------------------------------------------------
async function control(path, { method = "GET", params = {}, body, tenant = true } = {}) {
  const query = new URLSearchParams();
  if (tenant) query.set("tenant", ui.tenant);
  for (const [k, v] of Object.entries(params)) if (v !== "" && v !== null && v !== undefined) query.set(k, v);
  const headers = {};
  if (token()) headers.Authorization = `Bearer ${token()}`;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const qs = query.toString();
  const r = await fetch(`/_mock${path}${qs ? "?" + qs : ""}`, {
    method, headers, body: body === undefined ? undefined : JSON.stringify(body), cache: "no-store",
  });
  if (r.status === 204) return null;
  const text = await r.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch (e) { data = { error: text }; }
  if (r.ok && ui.noticeKind === "token") showNotice("");
  if (!r.ok) {
    if (r.status === 401) {
      showNotice("This server runs with a control token: enter it in the header's token field.", true);
      ui.noticeKind = "token";
    }
    throw new ApiError(r.status, (data && data.error) || `${r.status} ${r.statusText}`);
  }
  return data;
}

// a vendor's own API, as the demo user of the default fixtures, in the current tenant's world
async function vendorApi(vendor, path) {
  const info = ui.vendors[vendor];
  const headers = { ...info.demo_headers, "X-Mock-Tenant": ui.tenant, [CONSOLE_HEADER]: "1" };
  const r = await fetch(`${info.prefix}${path}`, { headers, cache: "no-store" });
  const text = await r.text();
  if (!r.ok) throw new ApiError(r.status, `${vendor} answered ${r.status}: ${text.slice(0, 200)}`);
  return JSON.parse(text);
}

function showNotice(message, error) {
  ui.noticeKind = "";
  const el = $("notice");
  el.textContent = message;
  el.className = error ? "notice error" : "notice";
  el.hidden = !message;
}

function failed(where) {
  return (err) => {
    console.error(where, err);
    showNotice(`${where}: ${err.message}`, true);
  };
}

// -- tenant, view and the URL --------------------------------------------------------------------
function readHash() {
  const [view, rest] = location.hash.replace(/^#/, "").split("?");
  const params = new URLSearchParams(rest || "");
  if (["requests", "vendors", "faults", "outbox"].includes(view)) ui.view = view;
  if (params.get("tenant")) ui.tenant = params.get("tenant");
}

function writeHash() {
  const suffix = ui.tenant === "default" ? "" : `?tenant=${encodeURIComponent(ui.tenant)}`;
  history.replaceState(null, "", `#${ui.view}${suffix}`);
}

function setTenant(name) {
  name = (name || "").trim() || "default";
  if (!/^[A-Za-z0-9._:@\/+-]{1,128}$/.test(name)) {
    showNotice("A tenant name is 1-128 letters, digits or ._:@/+-", true);
    return;
  }
  if (name === ui.tenant && document.body.dataset.tenant === name) return;
  ui.tenant = name;
  ui.selected = null;
  ui.shownSignature = "";
  ui.vendorApiAt = 0;
  $("tenant").value = name;
  document.body.dataset.tenant = name;
  document.querySelectorAll(".tenant-name").forEach((el) => { el.textContent = name; });
  showNotice("");
  writeHash();
  refresh(true);
}

function setView(view) {
  ui.view = view;
  for (const a of document.querySelectorAll("#tabs a")) a.classList.toggle("active", a.dataset.view === view);
  for (const name of ["requests", "vendors", "faults", "outbox"]) $(`view-${name}`).hidden = name !== view;
  if (view === "vendors") ui.vendorApiAt = 0;
  writeHash();
  refresh(true);
}

// -- header: clock, tenants, snapshots, reset ----------------------------------------------------
async function loadClock() {
  const clock = await control("/clock");
  ui.clock = clock;
  $("clock-now").textContent = fullTime(clock.now);
  $("clock-now").dataset.epoch = clock.epoch;
  $("clock-mode").textContent = clock.mode;
  $("clock-mode").className = `pill ${clock.mode}`;
  $("clock-source").textContent = clock.source === "tenant" ? "own clock" : "server clock";
  $("freeze").textContent = clock.mode === "frozen" ? "Run real time" : "Freeze";
}

async function clockCall(body) {
  await control("/clock", { method: "POST", body });
  await loadClock();
  ui.vendorApiAt = 0;
  refresh(true);
}

async function loadTenants() {
  const data = await control("/tenants", { tenant: false });
  const names = data.tenants.map((t) => t.tenant);
  if (!names.includes("default")) names.unshift("default");
  replace($("tenant-list"), names.map((n) => h("option", { value: n })));
  const mine = data.tenants.find((t) => t.tenant === ui.tenant);
  $("count-faults").textContent = mine && mine.fault_rules ? `(${mine.fault_rules})` : "";
  $("count-outbox").textContent = mine && mine.outbox_entries ? `(${mine.outbox_entries})` : "";
}

async function loadSnapshots() {
  const data = await control("/snapshots");
  replace($("snapshot-rows"), data.snapshots.map((s) => h("tr", { dataset: { snapshot: s.name } },
    h("td", { class: "mono" }, s.name), h("td", {}, s.vendors.join(", ")), h("td", {}, fullTime(s.created)),
    h("td", {},
      h("button", { onclick: () => control(`/snapshots/${encodeURIComponent(s.name)}/restore`, { method: "POST" })
        .then(() => { showNotice(`Restored snapshot ${s.name}.`); refresh(true); }).catch(failed("restore")) }, "Restore"), " ",
      h("button", { class: "danger", onclick: () => control(`/snapshots/${encodeURIComponent(s.name)}`, { method: "DELETE" })
        .then(loadSnapshots).catch(failed("delete snapshot")) }, "Delete")))));
}

// a button that asks for a second click instead of a dialog box
function armed(button, label, action) {
  const idle = button.textContent;
  button.addEventListener("click", () => {
    if (!button.classList.contains("armed")) {
      button.classList.add("armed");
      button.textContent = label();
      setTimeout(() => { button.classList.remove("armed"); button.textContent = idle; }, 4000);
      return;
    }
    button.classList.remove("armed");
    button.textContent = idle;
    action();
  });
}

// -- requests ------------------------------------------------------------------------------------
const isConsoleCall = (entry) => Object.keys(entry.headers || {}).some((k) => k.toLowerCase() === CONSOLE_HEADER.toLowerCase());

async function loadRequests() {
  const data = await control("/requests", { params: {
    limit: 500, vendor: $("f-vendor").value, method: $("f-method").value, status: $("f-status").value,
    path: $("f-path").value.trim(),
  } });
  let rows = data.requests.slice().reverse(); // newest first
  if (!$("f-console").checked) rows = rows.filter((e) => !isConsoleCall(e));
  ui.rows = rows;
  const signature = rows.map((e) => e.id).join(",") + "|" + ui.selected;
  $("count-requests").textContent = rows.length ? `(${rows.length})` : "";
  $("requests-empty").hidden = rows.length > 0;
  if (signature === ui.shownSignature) return;
  ui.shownSignature = signature;
  replace($("request-rows"), rows.map((e) => h("tr", {
    class: `${e.id === ui.selected ? "selected" : ""} ${isConsoleCall(e) ? "console" : ""}`,
    dataset: { id: e.id }, onclick: () => selectRequest(e.id),
  },
  h("td", { class: "time", title: e.time }, shortTime(e.time)),
  h("td", {}, h("strong", {}, e.method)),
  h("td", {}, e.vendor || h("em", {}, "none")),
  h("td", { class: "path" }, e.path + (e.query ? "?" + e.query : "")),
  h("td", {}, pill(String(e.status), statusClass(e.status)), e.fault ? " " : "", e.fault ? pill("fault", "s5") : ""),
  h("td", {}, e.duration_ms.toFixed(1)))));
  const entry = rows.find((e) => e.id === ui.selected);
  if (entry) showDetail(entry);
}

function selectRequest(id) {
  ui.selected = id;
  ui.shownSignature = "";
  const entry = ui.rows.find((e) => e.id === id);
  for (const tr of $("request-rows").children) tr.classList.toggle("selected", Number(tr.dataset.id) === id);
  if (entry) showDetail(entry);
}

function headerOf(headers, name) {
  for (const [k, v] of Object.entries(headers || {})) if (k.toLowerCase() === name.toLowerCase()) return v;
  return undefined;
}

function prettyXml(text) {
  const tokens = text.replace(/>\s*</g, "><").split(/(?=<)|(?<=>)/);
  let depth = 0;
  const out = [];
  for (const token of tokens) {
    if (!token.trim()) continue;
    if (/^<\//.test(token)) depth = Math.max(0, depth - 1);
    const line = "  ".repeat(depth) + token;
    if (out.length && !token.startsWith("<") && /^\s*<[^/!?][^>]*[^/]>$/.test(out[out.length - 1])) {
      out[out.length - 1] += token; // text right after its opening tag stays on that line
    } else if (out.length && /^<\//.test(token) && !out[out.length - 1].trim().endsWith(">")) {
      out[out.length - 1] += token;
    } else if (out.length && /^<\//.test(token) && /^\s*<[^/!?][^>]*[^/]>[^<]+$/.test(out[out.length - 1])) {
      out[out.length - 1] += token;
    } else {
      out.push(line);
    }
    if (/^<[^/!?]/.test(token) && !/\/>$/.test(token)) depth += 1;
  }
  return out.join("\n");
}

function pretty(body, contentType) {
  if (!body) return "";
  const trimmed = body.trim();
  if (/json/.test(contentType || "") || /^[[{]/.test(trimmed)) {
    try { return JSON.stringify(JSON.parse(trimmed), null, 2); } catch (e) { /* cut at 4 KB, or not JSON */ }
  }
  if (/xml|html/.test(contentType || "") || trimmed.startsWith("<")) {
    try { return prettyXml(trimmed); } catch (e) { /* shown as it came */ }
  }
  if (/x-www-form-urlencoded/.test(contentType || "")) {
    return [...new URLSearchParams(trimmed)].map(([k, v]) => `${k} = ${v}`).join("\n");
  }
  return body;
}

const shellQuote = (s) => `'${String(s).replace(/'/g, `'\\''`)}'`;
const SKIPPED_IN_CURL = new Set(["host", "content-length", "connection", "accept-encoding", "user-agent"]);

function curlOf(entry) {
  const host = headerOf(entry.headers, "Host") || location.host;
  const url = `${location.protocol}//${host}${entry.path}${entry.query ? "?" + entry.query : ""}`;
  const parts = ["curl"];
  if (entry.method !== "GET" || entry.body) parts.push("-X", entry.method);
  parts.push(shellQuote(url));
  for (const [k, v] of Object.entries(entry.headers || {})) {
    if (!SKIPPED_IN_CURL.has(k.toLowerCase())) parts.push("-H", shellQuote(`${k}: ${v}`));
  }
  if (entry.body) parts.push("--data-raw", shellQuote(entry.body));
  return parts.join(" ");
}

async function copyText(text, button) {
  try {
    await navigator.clipboard.writeText(text);
  } catch (e) { // no clipboard permission: the old way
    const area = h("textarea", {}, text);
    document.body.append(area);
    area.select();
    document.execCommand("copy");
    area.remove();
  }
  const idle = button.textContent;
  button.textContent = "Copied";
  setTimeout(() => { button.textContent = idle; }, 1500);
}

function kvTable(headers) {
  return h("table", { class: "kv" }, Object.entries(headers || {}).map(([k, v]) => h("tr", {}, h("td", {}, k), h("td", {}, v))));
}

function bodyBlock(body, size, truncated, contentType, which) {
  if (!body) return h("p", { class: "hint" }, size ? `${size} bytes (not kept)` : "no body");
  return [h("pre", { class: "body", dataset: { body: which } }, pretty(body, contentType)),
    truncated ? h("p", { class: "hint" }, `cut: ${size} bytes in all`) : null];
}

function showDetail(entry) {
  const pane = $("request-detail");
  pane.hidden = false;
  pane.parentElement.classList.add("open");
  pane.dataset.id = entry.id;
  const response = entry.response || {};
  const curl = curlOf(entry);
  const copy = h("button", { id: "copy-curl" }, "Copy as curl");
  copy.addEventListener("click", () => copyText(curl, copy));
  replace(pane,
    h("div", { class: "actions" }, copy, h("button", { onclick: () => {
      ui.selected = null; pane.hidden = true; pane.parentElement.classList.remove("open");
      for (const tr of $("request-rows").children) tr.classList.remove("selected");
    } }, "Close")),
    h("div", { class: "line" }, h("strong", {}, entry.method), " ", entry.path + (entry.query ? "?" + entry.query : "")),
    h("p", { class: "hint" }, `#${entry.id} · ${fullTime(entry.time)} · tenant ${entry.tenant} · vendor ${entry.vendor || "none"}`
      + ` · ${entry.duration_ms.toFixed(1)} ms` + (entry.unmatched ? " · no route matched" : "")
      + (entry.fault ? ` · answered by fault rule ${JSON.stringify(entry.fault)}` : "")),
    h("h3", {}, "Request headers"), kvTable(entry.headers),
    h("h3", {}, "Request body"),
    bodyBlock(entry.body, entry.body_size, entry.body_truncated, headerOf(entry.headers, "Content-Type"), "request"),
    h("h3", {}, "Response ", pill(String(response.status), statusClass(response.status))),
    kvTable(response.headers),
    h("h3", {}, "Response body"),
    bodyBlock(response.body, response.body_size, response.body_truncated, headerOf(response.headers, "Content-Type"), "response"),
    h("h3", {}, "As curl"), h("pre", { class: "curl", id: "curl-text" }, curl));
}

// -- vendors at a glance -------------------------------------------------------------------------
const HIPTEST_ORDER = [ // the dashboard tutorial's get_status_text, in its order
  ["failed", "Failed", (s) => s.failed > 0],
  ["blocked", "Blocked", (s) => s.blocked > 0],
  ["skipped", "Skipped", (s) => s.skipped > 0],
  ["wip", "Work in progress", (s) => s.wip > 0 || s.undefined > 0],
  ["retest", "Retest", (s) => s.retest > 0],
  ["passed", "Passed", (s) => s.passed > 0],
];

function hiptestStatus(statuses) {
  for (const [cls, text, test] of HIPTEST_ORDER) if (test(statuses)) return [cls, text];
  return ["unknown", "Unknown"];
}

async function renderHiptest(body) {
  const projects = (await vendorApi("hiptest", "/api/projects")).data;
  const sections = [];
  for (const project of projects) {
    const runs = (await vendorApi("hiptest", `/api/projects/${project.id}/test_runs`)).data;
    sections.push(h("h4", {}, `${project.attributes.name} (#${project.id})`));
    sections.push(runs.length ? h("div", { class: "tiles" }, runs.map((run) => {
      const statuses = run.attributes.statuses || {};
      const [cls, text] = hiptestStatus(statuses);
      const more = Object.entries(statuses).filter(([, n]) => n > 0).map(([k, n]) => `${k}: ${n}`).join(" ");
      return h("div", { class: `tile ${cls}`, dataset: { run: run.id, status: cls } },
        h("div", { class: "title" }, run.attributes.name), h("div", { class: "text" }, text), h("div", { class: "more" }, more));
    })) : h("p", { class: "hint" }, "no test runs"));
  }
  replace(body, sections.length ? sections : h("p", { class: "hint" }, "no projects"));
}

async function renderBitbar(body) {
  const runs = (await vendorApi("bitbar", "/api/v2/me/runs?limit=8&sort=id_d")).data;
  ui.bitbarActive = runs.some((r) => r.state !== "FINISHED");
  const devices = {};
  for (const run of runs.slice(0, 5)) {
    const found = await vendorApi("bitbar", `/api/v2/me/projects/${run.projectId}/runs/${run.id}/device-runs?limit=20`);
    devices[run.id] = found.data;
  }
  if (!runs.length) { replace(body, h("p", { class: "hint" }, "no runs")); return; }
  replace(body, h("table", { class: "grid" },
    h("thead", {}, h("tr", {}, h("th", {}, "run"), h("th", {}, "state"), h("th", {}, "progress"), h("th", {}, "devices"))),
    h("tbody", {}, runs.map((run) => {
      const ratio = run.executionRatio || 0;
      const success = run.successRatio === null || run.successRatio === undefined ? "" : `${Math.round(run.successRatio * 100)}% passed`;
      return h("tr", { dataset: { run: run.id, state: run.state } },
        h("td", {}, h("strong", {}, `#${run.number} ${run.displayName}`), h("div", { class: "hint" }, run.projectName)),
        h("td", {}, pill(run.state, `state-${cssName(run.state)} run-state`)),
        h("td", {}, h("div", { class: "progress", title: `${Math.round(ratio * 100)}%` }, h("div", { style: `width:${ratio * 100}%` })),
          h("div", { class: "hint" }, `${run.finishedDeviceCount}/${run.deviceCount} done ${success}`)),
        h("td", {}, devices[run.id] ? h("div", { class: "devices" }, devices[run.id].map((d) =>
          h("span", { class: `pill st-${cssName(d.runStatus)}`, title: d.device.displayName, dataset: { deviceRun: d.id } },
            `${d.device.displayName.replace(/^(Sony|Samsung|Apple|Google) /, "")}: ${d.runStatus}`))) : ""));
    }))));
}

function happoStatus(c) { // what GET /api/reports/<sha1>/compare/<sha2>/status answers
  if (c.pending) return "pending";
  if (c.review) return c.review;
  const r = c.result || {};
  return (r.diffs || []).length || (r.added || []).length || (r.deleted || []).length ? "awaiting review" : "success";
}

function happoImage(snap, label) {
  const root = `${ui.vendors.happo.prefix}${ui.tenant === "default" ? "" : "/_tenant/" + ui.tenant.replace(/\//g, "~")}`;
  return h("figure", {}, h("img", { src: root + snap.url, alt: `${label}: ${snap.component} ${snap.variant}`, loading: "lazy" }),
    h("figcaption", {}, label));
}

function renderHappo(body, state) {
  const projects = Object.fromEntries((state.tables.projects || []).map((p) => [p.id, p]));
  const comparisons = (state.tables.comparisons || []).slice().reverse();
  if (!comparisons.length) {
    replace(body, h("p", { class: "hint" }, "No comparisons yet: a client's POST /api/reports/<sha1>/compare/<sha2> makes one."));
    return;
  }
  replace(body, comparisons.map((c) => {
    const project = projects[c.projectId] || { name: String(c.projectId) };
    const status = happoStatus(c);
    const r = c.result || { diffs: [], added: [], deleted: [], unchanged: [] };
    const review = (verdict) => control(`/happo/comparisons/${encodeURIComponent(c.sha1)}/${encodeURIComponent(c.sha2)}/review`,
      { method: "POST", body: { status: verdict, project: project.name } })
      .then(() => refresh(true)).catch(failed("review"));
    const label = (s) => `${s.component} · ${s.variant} · ${s.target}`;
    return h("section", { class: "comparison", dataset: { sha1: c.sha1, sha2: c.sha2, status } },
      h("header", {}, h("span", { class: "shas" }, `${c.sha1} → ${c.sha2}`), pill(status, `st-${cssName(status)} comparison-status`),
        h("span", { class: "hint" }, `project ${project.name}`),
        h("span", { class: "buttons" },
          h("button", { class: "accept", disabled: c.pending || null, onclick: () => review("success") }, "Accept"),
          h("button", { class: "reject danger", disabled: c.pending || null, onclick: () => review("failure") }, "Reject"))),
      h("div", { class: "summary" }, c.pending ? "waiting for its reports"
        : `${r.diffs.length} diffs, ${r.added.length} added, ${r.deleted.length} deleted, ${r.unchanged.length} unchanged`
          + (c.message ? ` · ${c.message}` : "")),
      h("div", { class: "diffs" },
        r.diffs.map(([before, after]) => h("div", { class: "diff" }, h("strong", {}, "diff "), label(after),
          h("div", { class: "pair" }, happoImage(before, "before"), happoImage(after, "after")))),
        r.added.map((s) => h("div", { class: "diff" }, h("strong", {}, "added "), label(s), h("div", { class: "pair" }, h("span"), happoImage(s, "after")))),
        r.deleted.map((s) => h("div", { class: "diff" }, h("strong", {}, "deleted "), label(s), h("div", { class: "pair" }, happoImage(s, "before"), h("span"))))));
  }));
}

function renderQtest(body, state) {
  const t = state.tables;
  const hosts = t.hosts || [], agents = t.agents || [], jobs = t.jobs || [];
  const hostName = Object.fromEntries(hosts.map((x) => [x.host_server_id, x.host_name]));
  const window = Math.round(((state.options || {}).online_window_seconds || 1800) / 60);
  replace(body,
    h("h4", {}, `Hosts (online while pinged in the last ${window} minutes)`),
    h("table", { class: "grid" }, h("tbody", {}, hosts.map((x) => h("tr", { dataset: { host: x.host_server_id } },
      h("td", {}, h("strong", {}, x.host_name), h("div", { class: "hint mono" }, x.host_guid)),
      h("td", {}, pill(x.status ? "online" : "offline")),
      h("td", { class: "hint" }, x.status_expired_time ? `until ${fullTime(new Date(x.status_expired_time).toISOString())}` : "never pinged"))))),
    h("h4", {}, "Agents"),
    agents.length ? h("table", { class: "grid" }, h("tbody", {}, agents.map((a) => h("tr", {},
      h("td", {}, h("strong", {}, a.name), ` #${a.agent_server_id}`), h("td", {}, a.framework),
      h("td", { class: "hint" }, hostName[a.host_id] || `host ${a.host_id}`), h("td", {}, pill(a.active ? "active" : "inactive", a.active ? "st-online" : "")))))) : h("p", { class: "hint" }, "none"),
    h("h4", {}, "Jobs"),
    jobs.length ? h("table", { class: "grid" }, h("tbody", {}, jobs.slice().reverse().map((j) => h("tr", { dataset: { job: j.job_id } },
      h("td", {}, `#${j.job_id}`), h("td", {}, pill(j.status)), h("td", { class: "hint" }, `agent ${j.agent_server_id} · project ${j.project_id}`),
      h("td", { class: "hint" }, j.start_date || ""))))) : h("p", { class: "hint" }, "none"));
}

function renderSipfront(body, state) {
  const t = state.tables;
  const phases = state.phases || { runs: {}, project_runs: {} };
  const tests = Object.fromEntries((t.tests || []).map((x) => [x.id, x.name]));
  const projects = Object.fromEntries((t.projects || []).map((x) => [x.id, x.name]));
  const runs = (t.runs || []).slice().sort((a, b) => b.id - a.id).slice(0, 12);
  const pruns = (t.project_runs || []).slice().sort((a, b) => b.id - a.id).slice(0, 6);
  replace(body,
    h("h4", {}, "Test runs"),
    runs.length ? h("table", { class: "grid" }, h("tbody", {}, runs.map((r) => h("tr", { dataset: { session: r.session_id } },
      h("td", {}, h("strong", {}, tests[r.test_id] || `test ${r.test_id}`), h("div", { class: "hint mono" }, r.session_id)),
      h("td", {}, pill(phases.runs[r.session_id] || "?")),
      h("td", { class: "hint" }, `started ${r.started_at}`))))) : h("p", { class: "hint" }, "none"),
    h("h4", {}, "Project runs"),
    pruns.length ? h("table", { class: "grid" }, h("tbody", {}, pruns.map((p) => h("tr", { dataset: { projectRun: p.uuid } },
      h("td", {}, h("strong", {}, projects[p.project_id] || `project ${p.project_id}`), h("div", { class: "hint mono" }, p.uuid)),
      h("td", {}, pill(phases.project_runs[p.uuid] || "?")),
      h("td", { class: "hint" }, `${p.test_ids.length} tests · ${p.created_at}`))))) : h("p", { class: "hint" }, "none"));
}

function clockSignature() {
  const c = ui.clock || {};
  return `${c.mode}|${c.offset_seconds}|${c.mode === "frozen" ? c.epoch : ""}`;
}

// the newest journal id of a request not made by the console (its own calls come in bursts of a few)
async function newestClientId() {
  const data = await control("/requests", { params: { limit: 30 } });
  const ids = data.requests.filter((e) => !isConsoleCall(e)).map((e) => e.id);
  return ids.length ? Math.max(...ids) : 0;
}

async function loadVendors() {
  const enabled = (name) => name in ui.vendors;
  for (const name of ["hiptest", "bitbar", "happo", "qtest", "sipfront"]) $(`card-${name}`).hidden = !enabled(name);
  const faults = await control("/faults");
  $("vendors-hint").textContent = "Hiptest and Bitbar are read through their own APIs as the demo user (journaled, marked "
    + `${CONSOLE_HEADER}); the rest from /_mock/state.`
    + (faults.faults.length ? ` This tenant has ${faults.faults.length} fault rule(s): they answer the console's vendor calls too.` : "");
  const jobs = [];
  for (const [name, render] of [["happo", renderHappo], ["qtest", renderQtest], ["sipfront", renderSipfront]]) {
    if (!enabled(name)) continue;
    const body = $(`card-${name}`).querySelector(".body");
    jobs.push(control("/state", { params: { vendor: name } }).then((d) => render(body, d.state))
      .catch((e) => replace(body, h("p", { class: "err" }, e.message))));
  }
  // vendor API reads cost journal entries (and fault matches): only when something may have changed them
  const newest = await newestClientId();
  const stale = !ui.vendorApiAt || clockSignature() !== ui.vendorApiClock || newest > ui.vendorApiSeen
    || (ui.bitbarActive && ui.clock && ui.clock.mode === "real" && Date.now() - ui.vendorApiAt > 5000);
  if (stale) {
    ui.vendorApiAt = Date.now();
    ui.vendorApiClock = clockSignature();
    ui.vendorApiSeen = newest; // taken before the reads: a request made meanwhile triggers the next
    for (const [name, render] of [["hiptest", renderHiptest], ["bitbar", renderBitbar]]) {
      if (!enabled(name)) continue;
      const body = $(`card-${name}`).querySelector(".body");
      jobs.push(render(body).catch((e) => replace(body, h("p", { class: "err" }, e.message))));
    }
  }
  await Promise.all(jobs);
}

// -- faults --------------------------------------------------------------------------------------
function describeAnswer(rule) {
  const parts = [];
  if (rule.fault) parts.push(rule.fault);
  if (rule.status) parts.push(String(rule.status) + (rule.body ? " with a body" : ""));
  if (rule.delay_ms) parts.push(`delay ${typeof rule.delay_ms === "object" ? JSON.stringify(rule.delay_ms) : rule.delay_ms + " ms"}`);
  if (rule.chunked_dribble) parts.push(`dribble ${JSON.stringify(rule.chunked_dribble)}`);
  return parts.join(", ") || "as the vendor";
}

async function loadFaults() {
  const data = await control("/faults");
  $("faults-empty").hidden = data.faults.length > 0;
  $("count-faults").textContent = data.faults.length ? `(${data.faults.length})` : "";
  replace($("fault-rows"), data.faults.map((rule) => h("tr", { dataset: { fault: rule.id } },
    h("td", {}, rule.id), h("td", {}, rule.tenant === "*" ? "every tenant" : rule.tenant), h("td", {}, rule.vendor || "any"),
    h("td", {}, rule.method || "any"), h("td", { class: "mono" }, rule.path), h("td", {}, describeAnswer(rule)),
    h("td", {}, rule.times === null || rule.times === undefined ? "∞" : rule.times), h("td", { class: "matched" }, rule.matched),
    h("td", {}, h("button", { class: "danger remove", onclick: () => control(`/faults/${rule.id}`, { method: "DELETE", tenant: rule.tenant !== "*" })
      .then(loadFaults).catch(failed("remove fault")) }, "Remove")))));
}

async function addFault(event) {
  event.preventDefault();
  const rule = {};
  const text = (id) => $(id).value.trim();
  if (text("fault-vendor")) rule.vendor = text("fault-vendor");
  if (text("fault-method")) rule.method = text("fault-method");
  if (text("fault-path")) rule.path = text("fault-path");
  if (text("fault-status")) rule.status = Number(text("fault-status"));
  if (text("fault-delay")) rule.delay_ms = Number(text("fault-delay"));
  if (text("fault-kind")) rule.fault = text("fault-kind");
  if (text("fault-times")) rule.times = Number(text("fault-times"));
  if (text("fault-body")) {
    try { rule.body = JSON.parse(text("fault-body")); } catch (e) { rule.body = text("fault-body"); }
  }
  try {
    await control("/faults", { method: "POST", body: rule });
    $("fault-error").textContent = "";
    await loadFaults();
  } catch (err) {
    $("fault-error").textContent = err.message;
  }
}

// -- outbox --------------------------------------------------------------------------------------
function outboxLine(entry) {
  const p = entry.payload || {};
  if (p.subject || p.to) return `${p.to || ""} ${p.subject ? "· " + p.subject : ""}`;
  if (p.url) return `${p.method || "POST"} ${p.url}`;
  if (p.state) return `${p.state} ${p.description || ""}`;
  return Object.keys(p).slice(0, 4).join(", ");
}

async function loadOutbox() {
  const data = await control("/outbox", { params: { vendor: $("o-vendor").value } });
  const items = data.outbox.slice().reverse();
  $("outbox-empty").hidden = items.length > 0;
  replace($("outbox-rows"), items.map((entry) => h("div", { class: "message", dataset: { outbox: entry.id } },
    h("header", {}, pill(entry.vendor, "s3"), pill(entry.kind, "s4"), h("span", {}, outboxLine(entry)),
      h("span", { class: "when" }, fullTime(entry.time))),
    h("details", {}, h("summary", {}, "payload"), h("pre", { class: "body" }, JSON.stringify(entry.payload, null, 2))))));
}

// -- the loop ------------------------------------------------------------------------------------
async function refresh(force) {
  if (ui.busy && !force) return;
  ui.busy = true;
  try {
    await loadClock();
    if (force || $("auto").checked) {
      if (ui.view === "requests") await loadRequests();
      else if (ui.view === "vendors") await loadVendors();
      else if (ui.view === "faults") await loadFaults();
      else if (ui.view === "outbox") await loadOutbox();
    }
    document.body.dataset.refreshed = String(Date.now());
  } catch (err) {
    if (!(err instanceof ApiError && err.status === 401)) failed("refresh")(err);
  } finally {
    ui.busy = false;
  }
}

async function start() {
  readHash();
  $("token").value = token();
  const saveToken = () => {
    if ($("token").value.trim() === token()) return;
    sessionStorage.setItem(TOKEN_KEY, $("token").value.trim());
    showNotice("");
    boot();
  };
  $("token").addEventListener("change", saveToken);
  $("token").addEventListener("keydown", (e) => { if (e.key === "Enter") saveToken(); });
  $("tenant").addEventListener("change", () => { if ($("tenant").value.trim()) setTenant($("tenant").value); });
  $("tenant").addEventListener("keydown", (e) => { if (e.key === "Enter") setTenant($("tenant").value); });
  for (const a of document.querySelectorAll("#tabs a")) {
    a.addEventListener("click", (e) => { e.preventDefault(); setView(a.dataset.view); });
  }
  $("advance").addEventListener("click", () => clockCall({ advance_seconds: Number($("advance-by").value) }).catch(failed("advance")));
  for (const b of document.querySelectorAll("[data-advance]")) {
    b.addEventListener("click", () => clockCall({ advance_seconds: Number(b.dataset.advance) }).catch(failed("advance")));
  }
  $("freeze").addEventListener("click", () =>
    clockCall({ mode: ui.clock && ui.clock.mode === "frozen" ? "real" : "frozen" }).catch(failed("clock")));
  armed($("reset"), () => `Reset ${ui.tenant}?`, () => control("/reset", { method: "POST" })
    .then(() => { showNotice(`Tenant ${ui.tenant} reset.`); ui.vendorApiAt = 0; refresh(true); }).catch(failed("reset")));
  $("snapshots-toggle").addEventListener("click", () => {
    $("snapshots").hidden = !$("snapshots").hidden;
    if (!$("snapshots").hidden) loadSnapshots().catch(failed("snapshots"));
  });
  $("snapshot-form").addEventListener("submit", (e) => {
    e.preventDefault();
    control("/snapshots", { method: "POST", body: { name: $("snapshot-name").value.trim() } })
      .then(() => { $("snapshot-name").value = ""; return loadSnapshots(); }).catch(failed("snapshot"));
  });
  for (const id of ["f-vendor", "f-method", "f-status", "f-path", "f-console"]) {
    $(id).addEventListener("input", () => { ui.shownSignature = ""; refresh(true); });
  }
  $("request-filters").addEventListener("submit", (e) => e.preventDefault());
  $("clear-journal").addEventListener("click", () => control("/requests", { method: "DELETE" }).then(() => refresh(true))
    .catch(failed("clear journal")));
  $("fault-form").addEventListener("submit", addFault);
  $("o-vendor").addEventListener("input", () => refresh(true));
  $("clear-outbox").addEventListener("click", () => control("/outbox", { method: "DELETE" }).then(() => refresh(true))
    .catch(failed("clear outbox")));
  window.addEventListener("hashchange", () => {
    const before = [ui.view, ui.tenant];
    readHash();
    if (ui.tenant !== before[1]) { const t = ui.tenant; ui.tenant = before[1]; setTenant(t); }
    if (ui.view !== before[0]) setView(ui.view);
  });
  await boot();
  setInterval(() => refresh(false), TICK_MS);
  setInterval(() => loadTenants().catch(() => {}), 5000);
}

async function boot() {
  try {
    const data = await control("/vendors", { tenant: false });
    ui.vendors = Object.fromEntries(data.vendors.map((v) => [v.name, v]));
    for (const id of ["f-vendor", "fault-vendor", "o-vendor"]) {
      const select = $(id);
      replace(select, select.options[0], data.vendors.map((v) => h("option", { value: v.name, title: v.title }, v.name)));
    }
    await loadTenants();
  } catch (err) {
    if (!(err instanceof ApiError && err.status === 401)) failed("start")(err);
    return;
  }
  const wanted = ui.tenant;
  ui.tenant = "";
  setTenant(wanted);
  setView(ui.view);
}

document.addEventListener("DOMContentLoaded", start);
