/*
 * dynamini console: browse users, collections and entries, read an item's history, compare two
 * versions side by side, restore one, delete and undelete. A plain script with nothing loaded from
 * elsewhere: the Content-Security-Policy lets only this file run. Everything it shows was written by
 * other clients, so text is only ever set as text (textContent, text nodes), never parsed as HTML.
 */
(() => {
  'use strict';

  /** sessionStorage only: the key lives as long as the tab, is never shared with other tabs, never sent as a cookie. */
  const KEY_STORE = 'dynamini.apiKey';
  const TIMELINE_PAGE = 50;
  /** Past this many LCS cells (a 16-bit table of 8 MB) the changed region is shown whole rather than freezing the tab. */
  const MAX_DIFF_CELLS = 4000000;
  /** Unchanged lines kept around a change when a long run of them is folded. */
  const CONTEXT_LINES = 3;
  /** Collection pages read at most for one page of users, when pages hold only users already shown. */
  const USER_PAGE_READS = 10;

  const $ = (id) => document.getElementById(id);

  const state = {
    key: null,
    application: null,
    canWrite: false,
    filter: 'latest',
    limit: 50,
    view: 'users', // users | collections | entries
    user: null,
    collection: null,
    collectionName: null,
    pages: [null], // the cursor of every page up to the one shown (null: the first)
    next: null,
    userPages: [], // users view: the users each page showed, and the cursor after it
    listToken: 0, // answers to an older list or detail request than the newest are dropped
    detailToken: 0,
    detail: null,
  };

  // ---- building the page (text only, never HTML) ----

  function el(tag, props, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(props || {})) {
      if (value === undefined || value === null || value === false) continue;
      if (name === 'class') node.className = value;
      else if (name === 'on') Object.entries(value).forEach(([event, fn]) => node.addEventListener(event, fn));
      else if (name === 'data') Object.entries(value).forEach(([k, v]) => { node.dataset[k] = String(v); });
      else node.setAttribute(name, value === true ? '' : String(value));
    }
    for (const child of children.flat()) {
      if (child !== null && child !== undefined && child !== false) node.append(child); // strings become text nodes
    }
    return node;
  }

  function button(label, onClick, props) {
    return el('button', Object.assign({ type: 'button', on: { click: () => run(onClick) } }, props), label);
  }

  /** A button that changes data: never made for a read-only key. */
  function writeButton(label, onClick, props) {
    return state.canWrite ? button(label, onClick, Object.assign({ data: { write: '' } }, props)) : null;
  }

  function timeOf(iso) {
    if (!iso) return '';
    const local = new Date(iso);
    return el('time', { datetime: iso, title: isNaN(local) ? null : local.toLocaleString() },
      iso.replace('T', ' ').replace('Z', ' UTC'));
  }

  const WIDE = (label) => ({ label, wide: true });

  function badge(text, kind) {
    return el('span', { class: 'badge ' + (kind || text) }, text);
  }

  /** Headings are labels, or {label, wide} for columns that give way when the item pane opens beside the list. */
  function fillTable(table, headings, rows, emptyText) {
    table.tHead.replaceChildren(el('tr', {}, headings.map((h) => (typeof h === 'string'
      ? el('th', {}, h) : el('th', { class: h.wide ? 'wide' : null }, h.label)))));
    const body = table.tBodies[0];
    body.replaceChildren(...rows);
    if (!rows.length) body.append(el('tr', {}, el('td', { class: 'empty-list', colspan: headings.length }, emptyText)));
  }

  // ---- talking to /api ----

  class ApiProblem extends Error {
    constructor(status, code, message, item) {
      super(message);
      this.status = status;
      this.code = code;
      this.item = item;
    }
  }

  let busyCount = 0;
  /** body[data-busy] counts actions in flight, so that a person sees "loading" and a test knows when the page is settled. */
  function busy(delta) {
    busyCount += delta;
    document.body.dataset.busy = String(busyCount);
    $('busy').hidden = busyCount === 0;
  }

  async function api(method, path, options) {
    const { body, ifMatch } = options || {};
    const headers = { 'x-api-key': state.key };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (ifMatch) headers['If-Match'] = ifMatch;
    let response;
    try {
      response = await fetch(path, {
        method, headers, cache: 'no-store', credentials: 'omit',
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (e) {
      throw new ApiProblem(0, 'network', 'The server could not be reached (' + e.message + ').');
    }
    const text = await response.text();
    if (!response.ok) {
      let error = null;
      try {
        error = JSON.parse(text);
      } catch (ignored) {
        // not the server's JSON (a proxy's page, say): the status line still says something
      }
      const message = error && typeof error.message === 'string' ? error.message : (response.statusText || 'no explanation given');
      throw new ApiProblem(response.status, (error && error.error) || 'http_' + response.status, message, error && error.item);
    }
    return { text, json: text ? JSON.parse(text) : null, next: response.headers.get('X-Next-Cursor') };
  }

  const seg = encodeURIComponent;
  const collectionsPath = (user) => `/api/user/${seg(user)}/collection`;
  const entriesPath = (user, collection) => `${collectionsPath(user)}/${seg(collection)}/entry`;
  const itemPath = (meta) => meta.entry
    ? `${entriesPath(meta.user, meta.collection)}/${seg(meta.entry)}`
    : `${collectionsPath(meta.user)}/${seg(meta.collection)}`;
  const etagOf = (item) => `"${item.meta.version}"`;

  function listQuery(cursor) {
    const query = new URLSearchParams({ filter: state.filter, limit: String(state.limit) });
    if (cursor) query.set('cursor', cursor);
    return query.toString();
  }

  // ---- messages ----

  function notice(text, kind, action) {
    const box = $('message');
    box.replaceChildren(el('span', {}, text));
    if (action) box.append(' ', el('button', { type: 'button', on: { click: action.run } }, action.label));
    box.className = kind || 'info';
    box.hidden = false;
    box.scrollIntoView({ block: 'nearest' }); // the button that caused it may be far down the page
  }

  function clearNotice() {
    $('message').hidden = true;
    $('message').replaceChildren();
  }

  function describe(problem) {
    if (!(problem instanceof ApiProblem)) return 'The page failed: ' + problem.message;
    return problem.status ? `${problem.status} ${problem.code}: ${problem.message}` : problem.message;
  }

  /** Every user action: counted as busy, and whatever fails is said in the message bar. */
  async function run(action) {
    busy(1);
    try {
      await action();
    } catch (problem) {
      if (problem instanceof ApiProblem && problem.status === 401) {
        signOut(`The server refused the key (${problem.message}). Sign in again.`);
      } else {
        notice(describe(problem), 'error');
      }
    } finally {
      busy(-1);
    }
  }

  // ---- signing in and out ----

  async function signIn(key) {
    if (/[^\x20-\x7e]/.test(key)) {
      // fetch cannot send it; without this the browser's TypeError would read like a network failure
      throw new ApiProblem(0, 'bad_key', 'An API key is sent as an HTTP header, so it can only hold printable ASCII characters.');
    }
    state.key = key;
    let me;
    try {
      me = (await api('GET', '/api/whoami')).json;
    } catch (problem) {
      state.key = null;
      showSignIn();
      throw problem;
    }
    sessionStorage.setItem(KEY_STORE, key);
    state.application = me.application;
    state.canWrite = me.access === 'readwrite';
    $('who').textContent = `${me.application} · ${state.canWrite ? 'read-write' : 'read-only'} key`;
    $('who').hidden = false;
    $('sign-out').hidden = false;
    $('sign-in').hidden = true;
    $('console').hidden = false;
    await showUsers();
  }

  function signOut(why) {
    sessionStorage.removeItem(KEY_STORE);
    Object.assign(state, { key: null, application: null, canWrite: false, detail: null });
    state.listToken++;
    state.detailToken++;
    for (const table of [$('list'), $('timeline')]) {
      table.tHead.replaceChildren();
      table.tBodies[0].replaceChildren();
    }
    $('diff').tBodies[0].replaceChildren();
    $('detail-pane').hidden = true;
    $('console').hidden = true;
    $('who').hidden = true;
    $('sign-out').hidden = true;
    $('sign-in').hidden = false;
    if (why) notice(why, 'error');
    else clearNotice();
    $('key').focus();
  }

  // ---- lists: users, collections, entries ----

  async function showUsers() {
    Object.assign(state, { view: 'users', user: null, collection: null, collectionName: null });
    closeDetail();
    await loadPage([null]);
  }

  async function showCollections(user) {
    Object.assign(state, { view: 'collections', user, collection: null, collectionName: null });
    closeDetail();
    await loadPage([null]);
  }

  async function showEntries(user, collection, name) {
    Object.assign(state, { view: 'entries', user, collection, collectionName: name });
    closeDetail();
    await loadPage([null]);
  }

  /** Shows the last page of {@code pages}; state.pages changes only once it has been read. */
  async function loadPage(pages) {
    const token = ++state.listToken;
    renderCrumbs();
    if (pages.length === 1) state.userPages = [];
    if (state.view === 'users') {
      await loadUsers(token, pages);
      return;
    }
    const path = state.view === 'collections' ? collectionsPath(state.user) : entriesPath(state.user, state.collection);
    const answer = await api('GET', `${path}?${listQuery(pages[pages.length - 1])}`);
    if (token !== state.listToken) return;
    state.pages = pages;
    state.next = answer.next;
    const nodes = parseRaw(answer.text).items;
    if (state.view === 'collections') renderCollections(answer.json);
    else renderEntries(answer.json, nodes);
    renderPager();
  }

  /**
   * There is no list of users: they are read off GET /api/collection, a page of collections at a
   * time, and each page shows the users not seen on the pages before it.
   */
  async function loadUsers(token, pages) {
    const index = pages.length - 1;
    let page = state.userPages[index];
    if (!page) {
      const seen = new Set(state.userPages.slice(0, index).flatMap((p) => p.users));
      const users = [];
      let cursor = pages[index];
      for (let reads = 0; reads < USER_PAGE_READS; reads++) {
        const answer = await api('GET', `/api/collection?${listQuery(cursor)}`);
        if (token !== state.listToken) return;
        for (const collection of answer.json) {
          if (!seen.has(collection.meta.user)) {
            seen.add(collection.meta.user);
            users.push(collection.meta.user);
          }
        }
        cursor = answer.next;
        if (users.length || !cursor) break; // a page of only known users reads on
      }
      page = { users, next: cursor };
      state.userPages[index] = page;
    }
    state.pages = pages;
    state.next = page.next;
    $('list-title').textContent = `Users of ${state.application}`;
    $('list-note').textContent = 'Users are found through the application\'s collections, a page of collections at a time; '
      + 'a user is listed on the page of their first collection. With the latest filter, users whose collections '
      + 'are all deleted are not listed: pick current, or open a user by id.';
    const rows = page.users.map((user) => el('tr', {}, el('td', {},
      button(user, () => showCollections(user), { class: 'link', data: { user } }))));
    fillTable($('list'), ['user'], rows, 'No users on this page.');
    renderPager();
  }

  function stateBadge(meta) {
    return meta.deletedAt ? badge('deleted') : badge('live');
  }

  function renderCollections(collections) {
    $('list-title').textContent = `Collections of ${state.user}`;
    $('list-note').textContent = '';
    const rows = collections.map((c) => el('tr', { data: { collection: c.meta.collection } },
      el('td', {}, button(c.name, () => showEntries(c.meta.user, c.meta.collection, c.name), { class: 'link' })),
      el('td', { class: 'wide' }, el('code', {}, c.meta.collection)),
      el('td', { class: 'num' }, 'v' + c.meta.version),
      el('td', { class: 'wide' }, timeOf(c.meta.updatedAt)),
      el('td', {}, stateBadge(c.meta)),
      el('td', {}, button('History', () => openDetail(c.meta), { class: 'history' }))));
    fillTable($('list'), ['name', WIDE('id'), 'version', WIDE('updated'), 'state', ''], rows, 'No collections on this page.');
  }

  function renderEntries(entries, nodes) {
    $('list-title').textContent = `Entries of ${state.collectionName}`;
    $('list-note').textContent = '';
    const rows = entries.map((e, i) => el('tr', { data: { entry: e.meta.entry } },
      el('td', {}, button(e.name === undefined ? '(no name)' : e.name, () => openDetail(e.meta), { class: 'link' })),
      el('td', { class: 'wide' }, el('code', {}, e.meta.entry)),
      el('td', { class: 'num' }, 'v' + e.meta.version),
      el('td', { class: 'wide' }, timeOf(e.meta.updatedAt)),
      el('td', {}, stateBadge(e.meta)),
      el('td', { class: 'preview wide' }, preview(nodes[i]))));
    fillTable($('list'), ['name', WIDE('id'), 'version', WIDE('updated'), 'state', WIDE('value')], rows, 'No entries on this page.');
  }

  function preview(node) {
    const value = node.pairs.find(([k]) => k === 'value');
    if (!value) return '';
    const text = printJson(value[1], null)[0];
    return text.length > 80 ? text.slice(0, 79) + '…' : text;
  }

  function renderCrumbs() {
    const crumbs = [];
    const at = (label, go) => (go ? button(label, go, { class: 'link' }) : el('span', {}, label));
    crumbs.push(at('Users', state.view === 'users' ? null : showUsers));
    if (state.user !== null) {
      const user = state.user;
      crumbs.push(' › ', at(user, state.view === 'collections' ? null : () => showCollections(user)));
    }
    if (state.collection !== null) crumbs.push(' › ', at(state.collectionName));
    $('crumbs').replaceChildren(...crumbs);
  }

  function renderPager() {
    const index = state.pages.length - 1;
    $('page-number').textContent = `page ${index + 1}`;
    $('first-page').disabled = index === 0;
    $('prev-page').disabled = index === 0;
    $('next-page').disabled = !state.next;
  }

  // ---- one item: timeline, diff, restore, delete ----

  function closeDetail() {
    state.detailToken++;
    state.detail = null;
    $('detail-pane').hidden = true;
  }

  async function openDetail(meta) {
    const token = ++state.detailToken;
    const path = itemPath(meta);
    const answer = await api('GET', `${path}/versions?order=desc&limit=${TIMELINE_PAGE}`);
    if (token !== state.detailToken) return;
    const versions = pairUp(answer);
    if (!versions.length) throw new ApiProblem(404, 'not_found', 'this item has no versions');
    state.detail = {
      meta, path,
      kind: meta.entry ? 'entry' : 'collection',
      versions,
      next: answer.next,
      latest: versions[0].item, // what If-Match sends: the newest version this page has seen
      a: (versions[1] || versions[0]).item.meta.version,
      b: versions[0].item.meta.version,
    };
    renderDetail();
  }

  /** Each version as parsed by JSON.parse (for meta) and as text-faithful nodes (for the diff). */
  function pairUp(answer) {
    const nodes = parseRaw(answer.text).items;
    return answer.json.map((item, i) => ({ item, node: nodes[i] }));
  }

  async function olderVersions() {
    const d = state.detail;
    if (!d || !d.next) return;
    const token = state.detailToken;
    const answer = await api('GET', `${d.path}/versions?order=desc&limit=${TIMELINE_PAGE}&cursor=${seg(d.next)}`);
    if (token !== state.detailToken) return;
    d.versions.push(...pairUp(answer));
    d.next = answer.next;
    renderTimeline();
  }

  function renderDetail() {
    const d = state.detail;
    const latest = d.latest;
    const name = latest.name === undefined ? '(no name)' : latest.name;
    const id = latest.meta.entry || latest.meta.collection;
    $('detail-title').replaceChildren(`${d.kind === 'entry' ? 'Entry' : 'Collection'} ${name} `, el('code', {}, id));
    $('detail-status').replaceChildren(stateBadge(latest.meta), ` latest version ${latest.meta.version}, updated `,
      timeOf(latest.meta.updatedAt), ', created ', timeOf(latest.meta.createdAt),
      ...(latest.meta.deletedAt ? ['; deleted ', timeOf(latest.meta.deletedAt)] : []));
    $('detail-actions').replaceChildren(...[
      latest.meta.deletedAt
        ? writeButton('Undelete', undelete, { id: 'undelete' })
        : writeButton(`Delete ${d.kind}`, deleteItem, { id: 'delete', class: 'danger' }),
      button('Reload', reloadDetail, { id: 'reload' }),
    ].filter(Boolean));
    $('detail-pane').hidden = false;
    renderTimeline();
  }

  function renderTimeline() {
    const d = state.detail;
    const radio = (side, version) => el('input', {
      type: 'radio', name: 'diff-' + side, value: version, 'aria-label': `compare version ${version} as ${side.toUpperCase()}`,
      checked: d[side] === version, on: { change: () => { d[side] = version; renderDiff(); } },
    });
    const rows = d.versions.map(({ item }, i) => {
      const m = item.meta;
      return el('tr', { data: { version: m.version }, class: m.deletedAt ? 'deleted' : null },
        el('td', {}, radio('a', m.version)),
        el('td', {}, radio('b', m.version)),
        el('td', { class: 'num' }, 'v' + m.version),
        el('td', {}, timeOf(m.updatedAt)),
        el('td', {}, m.deletedAt ? badge('deleted') : i === 0 ? badge('latest', 'live') : ''),
        el('td', {}, item.name === undefined ? '' : item.name),
        el('td', {}, i === 0 ? '' : writeButton('Restore', () => restoreVersion(m.version), { class: 'restore' })));
    });
    fillTable($('timeline'), ['A', 'B', 'version', 'time', '', 'name', ''], rows, 'No versions.');
    $('older-versions').hidden = !d.next;
    renderDiff();
  }

  async function reloadDetail() {
    clearNotice();
    if (state.detail) await openDetail(state.detail.meta);
  }

  async function afterWrite() {
    await openDetail(state.detail.meta);
    if (state.view !== 'users') await loadPage(state.pages);
  }

  function showConflict(problem) {
    const d = state.detail;
    const now = problem.item && problem.item.meta ? ` (it is at version ${problem.item.meta.version} now; this page had version ${d.latest.meta.version})` : '';
    notice(`This ${d.kind} changed since you loaded it${now}: reload, look at the change, then try again. Nothing was written.`,
      'error conflict', { label: 'Reload', run: () => run(reloadDetail) });
  }

  /** Every write names the version this page last saw: a change made meanwhile elsewhere is a 412, never overwritten. */
  async function guardedWrite(method, suffix, body, done) {
    const d = state.detail;
    let answer;
    try {
      answer = await api(method, d.path + suffix, { body, ifMatch: etagOf(d.latest) });
    } catch (problem) {
      if (problem instanceof ApiProblem && problem.status === 412) {
        showConflict(problem);
        return;
      }
      throw problem;
    }
    notice(done(answer.json.meta.version), 'ok');
    await afterWrite();
  }

  const restoreVersion = (version) => guardedWrite('POST', '/restore', { version },
    (now) => `Restored version ${version} as version ${now}.`);
  const deleteItem = () => guardedWrite('DELETE', '', undefined,
    (now) => `Deleted (version ${now} marks it deleted); Undelete brings it back.`);
  const undelete = () => guardedWrite('POST', '/restore', undefined, (now) => `Undeleted as version ${now}.`);

  // ---- the diff ----

  function renderDiff() {
    const d = state.detail;
    const find = (v) => d.versions.find((x) => x.item.meta.version === v);
    const a = find(d.a);
    const b = find(d.b);
    const label = (x) => `v${x.item.meta.version}${x.item.meta.deletedAt ? ' (deleted)' : ''}`;
    $('diff-title').textContent = `Compare A: ${label(a)} with B: ${label(b)}`;
    const left = printJson(content(a.node), '  ');
    const right = printJson(content(b.node), '  ');
    const { ops, whole } = diffLines(left, right);
    const removed = ops.filter((o) => o.op === 'del').length;
    const added = ops.filter((o) => o.op === 'add').length;
    $('diff-summary').textContent = (removed || added
      ? `${removed} line${removed === 1 ? '' : 's'} only in A, ${added} only in B.`
      : 'A and B have the same name and value.')
      + (whole ? ' These texts are too long to compare line by line: the region where they differ is marked whole.' : '');
    $('diff').tBodies[0].replaceChildren(
      el('tr', { class: 'heads' }, el('th', { colspan: 2 }, 'A: ', label(a), ' ', timeOf(a.item.meta.updatedAt)),
        el('th', { colspan: 2 }, 'B: ', label(b), ' ', timeOf(b.item.meta.updatedAt))),
      ...foldUnchanged(sideBySide(ops, left, right)));
  }

  /** What a version holds, without its meta (version and times differ between any two). */
  function content(node) {
    return { t: 'obj', pairs: node.pairs.filter(([k]) => k !== 'meta') };
  }

  /** Lines as operations: same (a and b), del (a only), add (b only); an LCS between the common head and tail. */
  function diffLines(a, b) {
    let head = 0;
    while (head < a.length && head < b.length && a[head] === b[head]) head++;
    let endA = a.length;
    let endB = b.length;
    while (endA > head && endB > head && a[endA - 1] === b[endB - 1]) {
      endA--;
      endB--;
    }
    const ops = [];
    for (let k = 0; k < head; k++) ops.push({ op: 'same', a: k, b: k });
    const n = endA - head;
    const m = endB - head;
    const whole = n * m > MAX_DIFF_CELLS;
    if (whole) {
      for (let i = 0; i < n; i++) ops.push({ op: 'del', a: head + i });
      for (let j = 0; j < m; j++) ops.push({ op: 'add', b: head + j });
    } else {
      // lcs[i * (m + 1) + j]: the longest common subsequence of a[head+i..endA) and b[head+j..endB)
      const width = m + 1;
      const lcs = new Uint16Array((n + 1) * width);
      for (let i = n - 1; i >= 0; i--) {
        for (let j = m - 1; j >= 0; j--) {
          lcs[i * width + j] = a[head + i] === b[head + j]
            ? lcs[(i + 1) * width + j + 1] + 1
            : Math.max(lcs[(i + 1) * width + j], lcs[i * width + j + 1]);
        }
      }
      let i = 0;
      let j = 0;
      while (i < n && j < m) {
        if (a[head + i] === b[head + j]) ops.push({ op: 'same', a: head + i++, b: head + j++ });
        else if (lcs[(i + 1) * width + j] >= lcs[i * width + j + 1]) ops.push({ op: 'del', a: head + i++ });
        else ops.push({ op: 'add', b: head + j++ });
      }
      while (i < n) ops.push({ op: 'del', a: head + i++ });
      while (j < m) ops.push({ op: 'add', b: head + j++ });
    }
    for (let k = 0; endA + k < a.length; k++) ops.push({ op: 'same', a: endA + k, b: endB + k });
    return { ops, whole };
  }

  /** Rows of two columns: unchanged lines side by side, and in a changed stretch A's lines beside B's. */
  function sideBySide(ops, a, b) {
    const rows = [];
    let dels = [];
    let adds = [];
    const flush = () => {
      for (let k = 0; k < Math.max(dels.length, adds.length); k++) {
        rows.push({ kind: 'changed', left: dels[k] || null, right: adds[k] || null });
      }
      dels = [];
      adds = [];
    };
    for (const o of ops) {
      if (o.op === 'same') {
        flush();
        rows.push({ kind: 'same', left: { n: o.a + 1, text: a[o.a] }, right: { n: o.b + 1, text: b[o.b] } });
      } else if (o.op === 'del') {
        dels.push({ n: o.a + 1, text: a[o.a] });
      } else {
        adds.push({ n: o.b + 1, text: b[o.b] });
      }
    }
    flush();
    return rows;
  }

  function diffRow(row) {
    const side = (cell, mark) => (cell
      ? [el('td', { class: 'ln' }, String(cell.n)), el('td', { class: 'code ' + mark }, cell.text)]
      : [el('td', { class: 'ln' }), el('td', { class: 'code blank' })]);
    const changed = row.kind === 'changed';
    return el('tr', { class: row.kind }, side(row.left, changed ? 'del' : ''), side(row.right, changed ? 'add' : ''));
  }

  /** Long runs of unchanged lines fold into one row that opens on a click, so a large value stays readable. */
  function foldUnchanged(rows) {
    if (rows.every((r) => r.kind === 'same')) return rows.map(diffRow); // equal versions: the whole text is the point
    const out = [];
    let k = 0;
    while (k < rows.length) {
      if (rows[k].kind !== 'same') {
        out.push(diffRow(rows[k++]));
        continue;
      }
      let end = k;
      while (end < rows.length && rows[end].kind === 'same') end++;
      const keepHead = k === 0 ? 0 : CONTEXT_LINES;
      const keepTail = end === rows.length ? 0 : CONTEXT_LINES;
      if (end - k > keepHead + keepTail + 1) {
        rows.slice(k, k + keepHead).forEach((r) => out.push(diffRow(r)));
        const hidden = rows.slice(k + keepHead, end - keepTail);
        const fold = el('tr', { class: 'fold' }, el('td', { colspan: 4 }, el('button', {
          type: 'button', class: 'link',
          on: { click: () => fold.replaceWith(...hidden.map(diffRow)) },
        }, `⋯ ${hidden.length} unchanged lines`)));
        out.push(fold);
        rows.slice(end - keepTail, end).forEach((r) => out.push(diffRow(r)));
      } else {
        rows.slice(k, end).forEach((r) => out.push(diffRow(r)));
      }
      k = end;
    }
    return out;
  }

  // ---- JSON as written: numbers keep their digits and objects their key order ----

  /**
   * A JSON text as nodes: {t:'obj', pairs}, {t:'arr', items}, {t:'str', v}, {t:'raw', v} (numbers,
   * true, false, null as written). JSON.parse would turn 1.10 into 1.1, round big integers and move
   * integer-like keys first, and the diff would show values other than those stored.
   */
  function parseRaw(text) {
    const SPACE = /[ \t\n\r]*/y;
    const STRING = /"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/y;
    const LITERAL = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null/y;
    let at = 0;
    const skip = () => { SPACE.lastIndex = at; SPACE.exec(text); at = SPACE.lastIndex; };
    const match = (re) => {
      re.lastIndex = at;
      const m = re.exec(text);
      if (!m) throw new Error('unreadable JSON from the server at ' + at);
      at = re.lastIndex;
      return m[0];
    };
    const expect = (c) => {
      skip();
      if (text[at] !== c) throw new Error(`expected ${c} at ${at}`);
      at++;
    };
    const value = () => {
      skip();
      const c = text[at];
      if (c === '{' || c === '[') {
        const object = c === '{';
        const close = object ? '}' : ']';
        const members = [];
        at++;
        skip();
        if (text[at] === close) {
          at++;
        } else {
          for (;;) {
            if (object) {
              skip();
              const key = JSON.parse(match(STRING));
              expect(':');
              members.push([key, value()]);
            } else {
              members.push(value());
            }
            skip();
            if (text[at] === ',') {
              at++;
              continue;
            }
            expect(close);
            break;
          }
        }
        return object ? { t: 'obj', pairs: members } : { t: 'arr', items: members };
      }
      if (c === '"') return { t: 'str', v: JSON.parse(match(STRING)) };
      return { t: 'raw', v: match(LITERAL) };
    };
    const root = value();
    skip();
    if (at !== text.length) throw new Error('unexpected text after the JSON from the server');
    return root;
  }

  /** Lines of the node pretty-printed with {@code indent} (like JSON.stringify's), or one compact line when null. */
  function printJson(node, indent) {
    if (indent === null) return [compact(node)];
    const lines = [];
    const emit = (n, pad, head, tail) => {
      const container = n.t === 'obj' || n.t === 'arr';
      if (!container) {
        lines.push(pad + head + scalar(n) + tail);
        return;
      }
      const members = n.t === 'obj' ? n.pairs : n.items.map((v) => [null, v]);
      const [open, close] = n.t === 'obj' ? ['{', '}'] : ['[', ']'];
      if (!members.length) {
        lines.push(pad + head + open + close + tail);
        return;
      }
      lines.push(pad + head + open);
      members.forEach(([k, v], i) => emit(v, pad + indent, k === null ? '' : JSON.stringify(k) + ': ', i < members.length - 1 ? ',' : ''));
      lines.push(pad + close + tail);
    };
    emit(node, '', '', '');
    return lines;
  }

  function compact(n) {
    if (n.t === 'obj') return '{' + n.pairs.map(([k, v]) => JSON.stringify(k) + ':' + compact(v)).join(',') + '}';
    if (n.t === 'arr') return '[' + n.items.map(compact).join(',') + ']';
    return scalar(n);
  }

  function scalar(n) {
    return n.t === 'str' ? JSON.stringify(n.v) : n.v;
  }

  // ---- wiring ----

  function showSignIn() {
    $('sign-in').hidden = false;
    $('console').hidden = true;
    $('key').focus();
  }

  function init() {
    $('sign-in-form').addEventListener('submit', (event) => {
      event.preventDefault();
      const key = $('key').value.trim();
      $('key').value = '';
      clearNotice();
      run(() => signIn(key));
    });
    $('sign-out').addEventListener('click', () => signOut(null));
    $('filter').addEventListener('change', () => {
      state.filter = $('filter').value;
      run(() => loadPage([null]));
    });
    $('page-size').addEventListener('change', () => {
      state.limit = Number($('page-size').value);
      run(() => loadPage([null]));
    });
    $('open-user').addEventListener('submit', (event) => {
      event.preventDefault();
      const user = $('open-user-id').value.trim();
      if (user) run(() => showCollections(user));
    });
    $('first-page').addEventListener('click', () => run(() => loadPage([null])));
    $('prev-page').addEventListener('click', () => run(() => loadPage(state.pages.slice(0, -1))));
    $('next-page').addEventListener('click', () => run(() => loadPage(state.pages.concat([state.next]))));
    $('older-versions').addEventListener('click', () => run(olderVersions));
    state.filter = $('filter').value;
    state.limit = Number($('page-size').value);

    const key = sessionStorage.getItem(KEY_STORE);
    if (key) run(() => signIn(key));
    else showSignIn();
    document.body.dataset.ready = 'true';
  }

  init();
})();
