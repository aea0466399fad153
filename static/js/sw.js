// Askel's service worker: her lessons on her own phone for when the network is gone.
// Plain JavaScript, no build step; docs/architecture.md ("Offline") explains the design.
// The server (learn/offline.py) serves it at /sw.js with one line before it:
//   self.ASKEL_STATIC = {files: [the versioned URLs of the static files a learner's page loads]};
"use strict";

var STATIC = "askel-static";   // the static files, under their versioned URLs (they never change)
var PAGES = "askel-pages:";    // + "<learner tag>.<edition>": her kept pages (and the last edition's, while saved again)
var STATE = "askel-state";     // LOCKED in it: the sign-in page was shown; no kept page is served
var LOCKED = "/askel/locked";
var CURRENT = "/askel/current"; // in STATE: the name of her pages cache of this edition
var SAVED = "/askel/saved";    // in the pages cache: the courses she saved, {course id: [URLs]}
var RESAVE = "/askel/resave";  // in the pages cache: the courses she saved that wait to be saved again in this edition
var SHELL = "/askel/shell";    // in the pages cache: the last whole page, to show a kept step fragment in
var PART = "askel-part=1";     // a step's htmx fragment is kept under its URL with this added
var HEADER = "Askel-Offline";  // on every learner page: "<learner tag>.<edition>", or "clear" or "locked"
var STEP = /^\/learn\/[^/]+\/[^/]+\/steps\/[^/]+$/;
var LESSON = /^\/learn\/[^/]+\/[^/]+\/$/;
var DONE = /^\/learn\/[^/]+\/[^/]+\/done$/;
var LESSON_BUNDLE = /^\/learn\/[^/]+\/[^/]+\/offline$/;

// ---- Install: the static files; activate: drop those no page loads any more, and take the open pages.

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(STATIC).then(function (cache) {
    return cache.addAll(self.ASKEL_STATIC.files);
  }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.open(STATIC).then(function (cache) {
    return cache.keys().then(function (requests) {
      return Promise.all(requests.filter(function (request) {
        return self.ASKEL_STATIC.files.indexOf(pathOf(request.url)) < 0;
      }).map(function (request) { return cache.delete(request); }));
    });
  }).then(function () { return self.clients.claim(); }));
});

// ---- Requests. Pages: the network first (so online she always sees the current edition), kept
// when the server marks them hers; the kept copy only when the network fails.

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.method === "POST") {
    if (isPart(request) && STEP.test(url.pathname)) event.respondWith(answer(event));
    return;  // every other form goes to the network as always
  }
  if (request.method !== "GET" || url.pathname === "/sw.js" || url.pathname.indexOf("/app/") === 0) return;
  if (url.pathname.indexOf("/static/") === 0 || url.pathname.indexOf("/media/") === 0) {
    // Static files and pictures of a saved course from the phone; anything else as always (HTTP cache).
    event.respondWith(caches.match(request, {ignoreVary: true}).then(function (found) {
      return found || fetch(request).catch(function (error) {
        if (url.pathname.indexOf("/media/") !== 0) throw error;
        return new Response(NO_PICTURE, {headers: {"Content-Type": "image/svg+xml"}});
      });
    }));
    return;
  }
  event.respondWith(page(event, url));
});

// Offline, a picture that is not on the phone (a practice step's drawing of her own data is never
// saved) shows a cloud crossed out, without words, instead of the browser's broken-image icon.
var NO_PICTURE = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 640 400"><rect width="640" height="400" rx="24" fill="#f1ede6"/>' +
  '<path d="M250 250h150a45 45 0 0 0 0-90 70 70 0 0 0-135-10 50 50 0 0 0-15 100z" fill="none" stroke="#8a8f98" stroke-width="14" stroke-linejoin="round"/>' +
  '<path d="M235 125l170 170" stroke="#8a8f98" stroke-width="14" stroke-linecap="round"/></svg>';

function page(event, url) {
  var part = isPart(event.request);
  return fetch(event.request).then(function (response) {
    var where = response.redirected ? response.url : event.request.url;
    event.waitUntil(keep(part ? partKey(where) : pathOf(where), response.clone(), !part));
    return response;
  }, function () {
    return offline(url, part);
  });
}

// An answer sent while online: the step it leads to is kept too. Offline the request fails, and the
// page (offline.js) keeps the answer and asks this worker to send it later.
function answer(event) {
  return fetch(event.request).then(function (response) {
    if (response.redirected) event.waitUntil(keep(partKey(response.url), response.clone(), false));
    return response;
  });
}

function keep(key, response, whole) {
  var mark = response.headers.get(HEADER);
  if (!mark) return Promise.resolve();
  if (mark === "clear") return serial(forget);
  if (mark === "locked") return serial(lock);
  if (response.status !== 200) return Promise.resolve();
  return serial(function () { return pagesFor(mark); }).then(function (cache) {
    var html = (response.headers.get("Content-Type") || "").indexOf("text/html") === 0;
    if (!whole || !html) return cache.put(key, response);  // only a whole page can be the shell
    var copy = response.clone();
    return Promise.all([cache.put(key, response), cache.put(SHELL, copy)]);
  });
}

// Offline: the kept page, or its fragment shown in the kept shell; a lesson's first kept step; a
// finished lesson's page is her home; else "this page needs the network" (the practice services' own).
function offline(url, part) {
  return current().then(function (cache) {
    if (!cache) return Response.error();
    var practice = url.pathname.indexOf("/practice/") === 0;
    return (practice ? Promise.resolve(null) : kept(cache, url, part)).then(function (found) {
      if (found) return found;
      if (part) return Response.error();  // the page then asks for the whole page (offline.js)
      return cache.match("/offline").then(function (fallback) {
        return fallback ? fallback.text().then(function (html) { return offlinePage(html, practice); }) : Response.error();
      });
    });
  });
}

// While her saved courses are saved again in a new edition, the last edition's cache stays: offline
// meanwhile, a lesson the new one does not hold yet opens from it, whole (all its steps from the one
// edition that holds its saved steps, never some from each), and so does any other page.
function kept(cache, url, part) {
  return previous().then(function (old) {
    if (!old) return find(cache, url, part);
    var lesson = url.pathname.match(/^\/learn\/[^/]+\/[^/]+\//);
    if (!lesson) return find(cache, url, part).then(function (found) { return found || find(old, url, part); });
    return cache.match(lesson[0] + "offline").then(function (here) {
      return here ? null : old.match(lesson[0] + "offline");
    }).then(function (there) { return find(there ? old : cache, url, part); });
  });
}

function find(cache, url, part) {
  var path = url.pathname + url.search;
  if (LESSON.test(url.pathname)) return firstStep(cache, url.pathname);
  if (DONE.test(url.pathname)) {
    return cache.match("/home").then(function (home) { return home && Response.redirect("/home", 303); });
  }
  return Promise.all([cache.match(path), cache.match(partKey(path))]).then(function (found) {
    var whole = found[0], fragment = found[1];
    if (part) {
      if (fragment || !whole || !STEP.test(url.pathname)) return fragment;
      return whole.text().then(function (html) { return fragmentOf(html, path); });
    }
    if (whole || !fragment) return whole;
    return cache.match(SHELL).then(function (shell) { return shell || cache.match("/home"); }).then(function (shell) {
      if (!shell) return null;
      return Promise.all([shell.text(), fragment.text()]).then(function (texts) { return wholeOf(texts[0], texts[1]); });
    });
  });
}

// The offline page says both things; the one that does not fit is taken out.
function offlinePage(html, practice) {
  var other = practice ? "page" : "practice";
  var without = new RegExp('<p data-offline-for="' + other + '">[\\s\\S]*?</p>');
  return htmlResponse(html.replace(without, ""), {});
}

function firstStep(cache, lesson) {
  // A saved lesson knows its steps' order (bundleInto); the cache's keys are in no useful order
  // (they opened the Wi-Fi lesson at its fifth step, "address").
  return cache.match(lesson + "offline").then(function (bundle) {
    return bundle ? bundle.json().catch(function () { return []; }) : [];
  }).then(function (order) {
    var first = order.filter(function (path) { return STEP.test(path); })[0];
    return first ? Response.redirect(first, 303) : anyStep(cache, lesson);
  });
}

function anyStep(cache, lesson) {  // a lesson not saved, only visited: a step of it she has seen
  return cache.keys().then(function (requests) {
    for (var i = 0; i < requests.length; i++) {
      var path = pathOf(requests[i].url).replace("?" + PART, "");
      if (path.indexOf(lesson + "steps/") === 0) return Response.redirect(path, 303);
    }
    return null;
  });
}

// A whole page has its content between <!--askel-main--> and <!--/askel-main--> (base.html); a
// step's fragment is its <title> and the player.
var MAIN = /<!--askel-main-->[\s\S]*<!--\/askel-main-->/;
var TITLE = /<title>[\s\S]*?<\/title>/;

function wholeOf(shell, fragment) {
  var title = (fragment.match(TITLE) || [""])[0];
  var player = fragment.replace(TITLE, "");
  var html = shell.replace(TITLE, function () { return title; })
    .replace(MAIN, function () { return "<!--askel-main-->" + player + "<!--/askel-main-->"; });
  return html === shell ? null : htmlResponse(html, {});
}

function fragmentOf(whole, path) {
  var main = whole.match(MAIN);
  if (!main) return null;
  var title = (whole.match(TITLE) || [""])[0];
  return htmlResponse(title + main[0], {"HX-Push-Url": path});
}

function htmlResponse(html, headers) {
  headers["Content-Type"] = "text/html; charset=utf-8";
  return new Response(html, {status: 200, headers: headers});
}

// ---- Her kept pages: one cache per learner and edition. A page of another edition makes a new
// cache (the courses she saved are saved again from the network); the last edition's stays until
// they all are (offline meanwhile her lessons still open, each whole from one edition), every older
// one is removed. A page of another learner removes every cache and the waiting answers.

function pagesFor(mark) {
  var name = PAGES + mark;
  var learner = mark.split(".")[0];
  return caches.keys().then(function (names) {
    var mine = names.filter(function (n) { return n.indexOf(PAGES) === 0; });
    return caches.open(STATE).then(function (state) { return state.delete(LOCKED); }).then(function () {
      if (mine.indexOf(name) >= 0) return caches.open(name);
      var same = mine.filter(function (n) { return n.slice(PAGES.length).split(".")[0] === learner; });
      var others = mine.length > same.length;
      var last = null;
      return (others ? clearQueue() : Promise.resolve()).then(function () {
        return others || !same.length ? null : currentName();
      }).then(function (was) {
        last = was;
        return last ? toSaveAgain(last) : [];
      }).then(function (courses) {
        if (!courses.length) last = null;  // nothing saved there: nothing to keep it for
        return Promise.all(mine.filter(function (n) { return n !== last; }).map(function (n) {
          return caches.delete(n);
        })).then(function () {
          return Promise.all([caches.open(name), caches.open(STATE)]);
        }).then(function (both) {
          return both[1].put(CURRENT, new Response(name)).then(function () { return both[0]; });
        }).then(function (cache) {
          // Her saved courses are noted at once as waiting to be saved again, so that a saving cut
          // short (the network went, the phone closed the worker) goes on at her next page online.
          return putJSON(cache, RESAVE, courses).then(function () {
            // Not waited for: the page the worker shows offline, and her saved courses in this edition.
            fetchInto(name, "/offline", false).catch(function () {});
            resume();
            return cache;
          });
        });
      });
    });
  });
}

function current() {
  return caches.open(STATE).then(function (state) { return state.match(LOCKED); }).then(function (locked) {
    if (locked) return null;
    return currentName().then(function (name) { return name ? caches.open(name) : null; });
  });
}

function currentName() {  // the one CURRENT names, or (kept before CURRENT was) her only one
  return Promise.all([caches.keys(), caches.open(STATE).then(function (state) { return state.match(CURRENT); })])
    .then(function (both) {
      var names = both[0].filter(function (n) { return n.indexOf(PAGES) === 0; });
      return (both[1] ? both[1].text() : Promise.resolve("")).then(function (name) {
        return names.indexOf(name) >= 0 ? name : names[0] || null;
      });
    });
}

function previous() {  // the last edition's cache, kept while her saved courses are saved again
  return Promise.all([caches.keys(), currentName()]).then(function (both) {
    var old = both[0].filter(function (n) { return n.indexOf(PAGES) === 0 && n !== both[1]; })[0];
    return old ? caches.open(old) : null;
  });
}

// Every course saved again in this edition (`name`, if it is still this edition's): the last
// edition's cache goes. Called inside serial(), as every change of which cache is hers.
function dropPrevious(name) {
  return Promise.all([caches.keys(), currentName()]).then(function (both) {
    if (name !== both[1]) return;
    return Promise.all(both[0].filter(function (n) { return n.indexOf(PAGES) === 0 && n !== name; })
      .map(function (n) { return caches.delete(n); }));
  });
}

function lock() {
  return caches.open(STATE).then(function (state) { return state.put(LOCKED, new Response("")); });
}

function forget() {
  return caches.keys().then(function (names) {
    return Promise.all(names.filter(function (n) { return n.indexOf(PAGES) === 0; }).map(function (n) {
      return caches.delete(n);
    }));
  }).then(clearQueue);
}

// Fetches a learner page into the cache its own mark names (a later edition starts a new cache);
// `part`: the htmx fragment. Resolves to the cache's name, or rejects when it cannot be kept.
function fetchInto(expected, path, part) {
  var init = {credentials: "same-origin"};
  if (part) init.headers = {"HX-Request": "true"};
  return fetch(path, init).then(function (response) {
    var mark = response.headers.get(HEADER);
    if (!response.ok || response.redirected || !mark || mark === "clear" || mark === "locked") throw new Error(path);
    return serial(function () { return pagesFor(mark); }).then(function (cache) {
      return cache.put(part ? partKey(path) : path, response).then(function () { return PAGES + mark; });
    });
  });
}

// A lesson's steps in one response ({"steps": {step URL: its htmx fragment}}): each is kept as if
// the player had asked for it, and the bundle's URL is kept as a note that the lesson is there.
function bundleInto(path) {
  return fetch(path, {credentials: "same-origin"}).then(function (response) {
    var mark = response.headers.get(HEADER);
    if (!response.ok || response.redirected || !mark || mark === "clear" || mark === "locked") throw new Error(path);
    return Promise.all([response.json(), serial(function () { return pagesFor(mark); })]).then(function (both) {
      var steps = both[0].steps, order = both[0].order || Object.keys(steps), cache = both[1];
      return Promise.all(Object.keys(steps).map(function (step) {
        return cache.put(partKey(step), htmlResponse(steps[step], {"HX-Push-Url": step, "Askel-Offline": mark}));
      })).then(function () {
        // the lesson's steps in their order: offline, opening the lesson starts at its first step
        return cache.put(path, new Response(JSON.stringify(order), {headers: {"Askel-Offline": mark}}));
      }).then(function () { return PAGES + mark; });
    });
  });
}

function has(name, path, part) {
  return existing(name).then(function (cache) {
    return cache ? Promise.all([cache.match(path), cache.match(partKey(path))]) : [null, null];
  }).then(function (found) { return Boolean(found[1] || (!part && found[0])); });
}

function existing(name) {  // the cache, or null when it was removed meanwhile (caches.open would make it anew)
  return caches.has(name).then(function (there) { return there ? caches.open(name) : null; });
}

// ---- Saving a course: every step (as the player asks for it), its pictures and her home.

// Her two lists in a pages cache: the courses saved ({course id: [URLs]}) and those waiting to be
// saved again ([course ids]).
function lists(cache) {
  return Promise.all([cache.match(SAVED), cache.match(RESAVE)]).then(function (found) {
    return Promise.all([found[0] ? found[0].json() : {}, found[1] ? found[1].json() : []]);
  }).then(function (both) { return {saved: both[0], waiting: both[1]}; });
}

// Writes both lists of the cache `name`, `course` no longer waiting; once none waits there, the last
// edition's cache is not needed any more.
function putLists(name, cache, saved, waiting, course) {
  var left = waiting.filter(function (other) { return other !== course; });
  return Promise.all([putJSON(cache, SAVED, saved), left.length ? putJSON(cache, RESAVE, left) : cache.delete(RESAVE)])
    .then(function () { return left.length ? null : dropPrevious(name); });
}

function toSaveAgain(name) {  // her saved courses in that cache, and those still waiting there
  return caches.open(name).then(lists).then(function (both) {
    return Object.keys(both.saved).concat(both.waiting.filter(function (course) { return !(course in both.saved); }));
  });
}

var saving = {};  // course id: its saving under way (asked twice, it is done once)
var resaveFailed = {};  // course id: true when its last saving again did not go through

function save(course) {
  if (!saving[course]) {
    saving[course] = saveOnce(course).then(function (result) {
      delete saving[course];
      return result;
    }, function (error) {
      delete saving[course];
      throw error;
    });
  }
  return saving[course];
}

// The courses waiting to be saved again in this edition, each saved (not waited for); a failure
// leaves it waiting for the next page she opens online.
function resume() {
  return current().then(function (cache) {
    return cache ? lists(cache).then(function (both) { return both.waiting; }) : [];
  }).then(function (courses) {
    courses.forEach(function (course) {
      delete resaveFailed[course];
      save(course).then(function () {
        tell({type: "resaved", course: course});
      }, function () {
        resaveFailed[course] = true;
        tell({type: "resave-failed", course: course});
      });
    });
    return courses;
  });
}

function putJSON(cache, key, value) {
  return cache.put(key, new Response(JSON.stringify(value), {headers: {"Content-Type": "application/json"}}));
}

function saveOnce(course) {
  return fetch("/learn/" + encodeURIComponent(course) + "/offline", {credentials: "same-origin"}).then(function (response) {
    var mark = response.headers.get(HEADER);
    if (!response.ok || !mark || mark === "clear" || mark === "locked") throw new Error("plan");
    return Promise.all([response.json(), serial(function () { return pagesFor(mark); })]).then(function (both) {
      var plan = both[0], name = PAGES + mark;
      var items = plan.lessons.concat(["/home"]).concat(plan.pictures);
      return inTurn(items, 3, function (path) {
        return has(name, path, false).then(function (there) {
          if (there) return name;
          if (path.indexOf("/media/") === 0) return picture(name, path);
          return (LESSON_BUNDLE.test(path) ? bundleInto(path) : fetchInto(name, path, false)).then(function (into) {
            if (into !== name) throw new Error("a new edition while saving");
            return name;
          });
        });
      }).then(function () {
        // read and written as one change, one at a time: two courses saved at once would each write
        // over the other's list
        return serial(function () {
          return existing(name).then(function (cache) {
            if (!cache) throw new Error("a new edition while saving");
            return lists(cache).then(function (both) {
              both.saved[course] = plan.lessons.concat(plan.pictures);
              return putLists(name, cache, both.saved, both.waiting, course);
            });
          });
        });
      }).then(function () { return {saved: true, bytes: plan.bytes}; });
    });
  });
}

function picture(name, path) {
  return fetch(path).then(function (response) {
    if (!response.ok) throw new Error(path);
    return existing(name).then(function (cache) {
      if (!cache) throw new Error("a new edition while saving");
      return cache.put(path, response);
    });
  });
}

function remove(course) {  // one change of her lists at a time (see saveOnce)
  return serial(function () { return removeNow(course); });
}

function removeNow(course) {
  var name = null;
  return current().then(function (cache) {
    return currentName().then(function (was) { name = was; return cache; });
  }).then(function (cache) {
    if (!cache) return null;
    return lists(cache).then(function (both) {
      return forgetCourse(cache, course, both.saved).then(function () {
        // and the last edition's copy, kept while her courses are saved again: removed means removed
        return previous().then(function (old) {
          return old && lists(old).then(function (was) {
            return forgetCourse(old, course, was.saved).then(function () { return putJSON(old, SAVED, was.saved); });
          });
        });
      }).then(function () { return putLists(name, cache, both.saved, both.waiting, course); });
    });
  });
}

// Deletes a course's pages from a cache and from `saved` (its list there), but for what another
// saved course uses too.
function forgetCourse(cache, course, saved) {
  var paths = saved[course] || [];
  delete saved[course];
  var stillUsed = {};
  Object.keys(saved).forEach(function (other) { saved[other].forEach(function (p) { stillUsed[p] = true; }); });
  return cache.keys().then(function (requests) {
    return Promise.all(requests.filter(function (request) {
      var bare = pathOf(request.url).replace("?" + PART, "").replace("&" + PART, "");
      if (stillUsed[bare]) return false;
      return bare.indexOf("/learn/" + course + "/") === 0 || paths.indexOf(bare) >= 0;
    }).map(function (request) { return cache.delete(request); }));
  });
}

function inTurn(items, width, work) {  // `width` at a time; after a failure no more are started
  var index = 0, failed = false;
  function next() {
    if (failed || index >= items.length) return Promise.resolve();
    var item = items[index++];
    return work(item).then(next, function (error) { failed = true; throw error; });
  }
  var lanes = [];
  for (var i = 0; i < width; i++) lanes.push(next());
  return Promise.all(lanes);
}

// ---- Answers given offline: kept in IndexedDB under their idempotency key (so the same answer is
// kept once) and sent with it when the network returns; the server counts a resent key once.

function database() {
  return new Promise(function (resolve, reject) {
    var open = indexedDB.open("askel", 1);
    open.onupgradeneeded = function () { open.result.createObjectStore("answers", {keyPath: "key"}); };
    open.onsuccess = function () { resolve(open.result); };
    open.onerror = function () { reject(open.error); };
  });
}

function answers(mode, work) {
  return database().then(function (db) {
    return new Promise(function (resolve, reject) {
      var transaction = db.transaction("answers", mode);
      var request = work(transaction.objectStore("answers"));
      transaction.oncomplete = function () { db.close(); resolve(request ? request.result : undefined); };
      transaction.onerror = transaction.onabort = function () { db.close(); reject(transaction.error); };
    });
  });
}

function clearQueue() {
  return answers("readwrite", function (store) { return store.clear(); });
}

function waiting() {
  return answers("readonly", function (store) { return store.count(); });
}

var sending = null;

function send(token) {
  if (sending) return sending;
  sending = answers("readonly", function (store) { return store.getAll(); }).then(function (list) {
    list.sort(function (a, b) { return a.at - b.at; });  // in the order she answered
    var sent = 0, stopped = false;  // in order: after one that did not go through, the rest wait too
    return list.reduce(function (chain, item) {
      return chain.then(function () {
        if (stopped) return;
        var body = new URLSearchParams();
        body.set("key", item.key);
        if (item.answer !== null && item.answer !== undefined) body.set("answer", item.answer);
        return fetch(item.url, {
          method: "POST", body: body, credentials: "same-origin", redirect: "manual",
          headers: {"X-CSRFToken": token, "Askel-Queued": "1", "HX-Request": "true"}
        }).then(function (response) {
          // 204: stored (or stored before: the same key counts once). 404: that step is gone from the
          // lesson. 409: another learner's answer (her session ended without signing out on this phone),
          // never counted for the one signed in now. Anything else (signed out, a token from another
          // session): kept for the next try.
          if (response.status !== 204 && response.status !== 404 && response.status !== 409) { stopped = true; return; }
          if (response.status === 204) sent += 1;
          return answers("readwrite", function (store) { return store.delete(item.key); });
        }, function () { stopped = true; });
      });
    }, Promise.resolve()).then(function () { return sent; });
  }).then(function (sent) {
    return waiting().then(function (left) { return {type: "sent", sent: sent, waiting: left}; });
  }).then(function (result) {
    sending = null;
    if (result.sent) tell(result);
    return result;
  }, function (error) { sending = null; throw error; });
  return sending;
}

function tell(message) {
  return self.clients.matchAll({type: "window"}).then(function (clients) {
    clients.forEach(function (client) { client.postMessage(message); });
  });
}

// ---- What the pages ask (offline.js), each answered on the port it sends.

self.addEventListener("message", function (event) {
  var data = event.data || {};
  var port = event.ports && event.ports[0];
  var work;
  if (data.type === "status") {  // every page of hers, when it opens: a saving cut short goes on
    if (data.online) resume().catch(function () {});
    work = waiting().then(function (n) { return {waiting: n}; });
  } else if (data.type === "keep") {
    var item = {key: String(data.key), url: pathOf(data.url), answer: data.answer, at: Date.now()};
    work = answers("readwrite", function (store) { return store.put(item); }).then(waiting).then(function (n) {
      return {waiting: n};
    });
  } else if (data.type === "send") {
    work = send(String(data.token || ""));
  } else if (data.type === "saved") {
    work = current().then(function (cache) {
      return cache ? lists(cache) : {saved: {}, waiting: []};
    }).then(function (both) {
      var failed = both.waiting.filter(function (course) { return resaveFailed[course]; });
      return {courses: Object.keys(both.saved), again: both.waiting, failed: failed};
    });
  } else if (data.type === "save") {
    work = save(String(data.course));
  } else if (data.type === "remove") {
    work = remove(String(data.course)).then(function () { return {removed: true}; });
  } else if (data.type === "next") {
    // Her next lessons' steps, text only (no pictures, no narrations), those not kept yet.
    work = currentName().then(function (name) {
      var paths = (data.paths || []).slice(0, 8).filter(function (p) { return LESSON_BUNDLE.test(p); });
      return inTurn(paths, 1, function (path) {
        return (name ? has(name, path, false) : Promise.resolve(false)).then(function (there) {
          return there ? null : bundleInto(path).then(function (into) { name = into; });
        });
      });
    }).then(function () { return {done: true}; });
  } else {
    return;
  }
  event.waitUntil(work.then(function (result) {
    if (port) port.postMessage(result);
  }, function () {
    if (port) port.postMessage({failed: true});
  }));
});

// ---- Small helpers.

var queue = Promise.resolve();

function serial(work) {  // changes to which cache is hers, one at a time
  var result = queue.then(work);
  queue = result.catch(function () {});
  return result;
}

function isPart(request) {
  return request.headers.get("HX-Request") === "true" && !request.headers.get("HX-History-Restore-Request");
}

function partKey(path) {
  var bare = pathOf(path);
  return bare + (bare.indexOf("?") < 0 ? "?" : "&") + PART;
}

function pathOf(url) {
  var parsed = new URL(url, self.location.origin);
  return parsed.pathname + parsed.search;
}
