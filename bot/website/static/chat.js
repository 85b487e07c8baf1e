/* Vraagbaak chat widget. Plain JavaScript, no framework.
 * Privacy: the conversation lives only in this tab's memory (no cookies, no storage).
 * Security: every text from the bot or the user is shown with textContent; links only
 * to https addresses (new tab, rel=noopener noreferrer) and tel: numbers. */
(function () {
  "use strict";

  var API = "/webhooks/website/";
  var EXIT_KEY_WINDOW_MS = 1500;

  var $ = function (id) { return document.getElementById(id); };
  var log = $("log"), form = $("form"), input = $("input"), send = $("send");
  var status = $("status"), hint = $("hint"), exitLink = $("exit"), clearButton = $("clear");
  var root = document.documentElement;

  var config = {
    neutral_url: exitLink.getAttribute("data-neutral-url") || "about:blank",
    notice: $("notice").textContent,
    help_text: "",
    offline_text: "Ik kan de server nu niet bereiken.",
    too_long_text: "Je bericht is te lang. Kun je het korter zeggen?",
    max_message_chars: Number(input.getAttribute("maxlength")) || 1000,
    default_language: "nl",
    languages: null,
    source_prefixes: ["Bron:"],
    phones: []                  /* the directory's numbers: {number, href "tel:..."} */
  };
  /* The page's own texts per language come from the server (config endpoint, from
   * website.page in bot/settings.yml); until then the page shows its Dutch template. */
  var texts = {};
  var pageLang = root.lang || "nl";
  var convLang = null;          /* the conversation's language, as the server last said */
  var pendingLanguage = null;   /* a switch to tell the server before the next message */
  var started = false;          /* has this conversation had a message yet? */
  var sender = newSender();
  var busy = false;
  var lastEscape = 0;

  function t(key) {
    var own = texts[pageLang] || {}, dutch = texts[config.default_language || "nl"] || {};
    if (typeof own[key] === "string") return own[key];
    if (typeof dutch[key] === "string") return dutch[key];
    if (typeof config[key] === "string" && config[key]) return config[key];
    var el = document.querySelector('[data-t="' + key + '"]');
    return el ? el.textContent : (FALLBACK[key] || "");
  }
  var FALLBACK = {
    you: "Jij:", assistant: "Vraagbaak:", new_tab: "(opent in een nieuw tabblad)",
    choose: "Kies een antwoord", typing: "Vraagbaak typt", cleared: "Het gesprek is gewist."
  };

  function newSender() {
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return "web-" + Array.prototype.map.call(bytes, function (b) {
      return ("0" + b.toString(16)).slice(-2);
    }).join("");
  }

  function post(path, body, keepalive) {
    return fetch(API + path, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
      credentials: "omit",
      cache: "no-store",
      keepalive: !!keepalive
    });
  }

  /* ---- rendering: text only, links only for https and tel: ---- */

  function newTabNote(text, lang) {
    var note = document.createElement("span");
    note.className = "sr-only";
    note.lang = lang || pageLang;
    note.textContent = " " + (text || t("new_tab"));
    return note;
  }

  /* An https address (or www.…) as a link that opens in a new tab; anything else is text. */
  function httpsUrl(raw) {
    var url;
    try { url = new URL(/^www\./i.test(raw) ? "https://" + raw : raw); } catch (e) { return null; }
    return url.protocol === "https:" && url.hostname && !url.username && !url.password ? url.href : null;
  }

  function safeLink(raw) {
    var href = httpsUrl(raw);
    if (!href) return document.createTextNode(raw);
    var a = document.createElement("a");
    a.href = href;
    a.target = "_blank";
    a.rel = "noopener noreferrer";
    a.textContent = raw;
    a.appendChild(newTabNote());
    return a;
  }

  function telHref(href) {
    return typeof href === "string" && /^tel:\+?\d{3,15}$/.test(href) ? href : null;
  }

  function phoneLink(number, href) {
    var a = document.createElement("a");
    a.href = href;
    a.className = "tel";
    a.textContent = number;
    return a;
  }

  /* The directory's numbers in `text` at [index, number] (longest first; not inside a
   * longer number, so a short number inside a free-phone number stays part of it). */
  function findPhone(text, from) {
    var best = null;
    (config.phones || []).forEach(function (p) {
      if (!p || typeof p.number !== "string" || !p.number || !telHref(p.href)) return;
      var at = text.indexOf(p.number, from);
      while (at !== -1) {
        var before = text.charAt(at - 1), after = text.charAt(at + p.number.length);
        if (!/[\d-]/.test(before) && !/\d/.test(after)) break;
        at = text.indexOf(p.number, at + 1);
      }
      if (at !== -1 && (!best || at < best.index || (at === best.index && p.number.length > best.number.length))) {
        best = { index: at, number: p.number, href: p.href };
      }
    });
    return best;
  }

  function appendPhones(parent, text) {
    var last = 0, found;
    while ((found = findPhone(text, last)) !== null) {
      parent.appendChild(document.createTextNode(text.slice(last, found.index)));
      parent.appendChild(phoneLink(found.number, found.href));
      last = found.index + found.number.length;
    }
    parent.appendChild(document.createTextNode(text.slice(last)));
  }

  function appendText(parent, text) {
    var pattern = /(https?:\/\/|www\.)[^\s<>"]+/gi;
    var last = 0, match;
    while ((match = pattern.exec(text)) !== null) {
      var raw = match[0].replace(/[.,;:!?)\]]+$/, "");
      appendPhones(parent, text.slice(last, match.index));
      parent.appendChild(safeLink(raw));
      last = match.index + raw.length;
      pattern.lastIndex = last;
    }
    appendPhones(parent, text.slice(last));
  }

  /* An element's text again, with its numbers and https addresses as links. */
  function setLinkedText(el, text) {
    el.textContent = "";
    appendText(el, text);
  }

  function isSourceLine(line) {
    return (config.source_prefixes || ["Bron:"]).some(function (prefix) {
      return line.indexOf(prefix) === 0;
    });
  }

  function speaker(who) {
    var label = document.createElement("span");
    label.className = "sr-only";
    label.lang = pageLang;
    label.textContent = t(who === "user" ? "you" : "assistant") + " ";
    return label;
  }

  /* `lang`: the language of the text (WCAG 3.1.2); the page's language when unknown. */
  function addMessage(who, text, buttons, isError, lang) {
    var item = document.createElement("div");
    item.className = "msg msg-" + who + (isError ? " msg-error" : "");
    item.lang = lang || pageLang;
    item.appendChild(speaker(who));
    String(text || "").split("\n").forEach(function (line) {
      if (!line.trim()) return;
      var p = document.createElement("p");
      if (isSourceLine(line)) p.className = "source";
      appendText(p, line);
      item.appendChild(p);
    });
    if (buttons && buttons.length) item.appendChild(replyButtons(buttons, item.lang));
    log.appendChild(item);
    item.scrollIntoView({ block: "nearest" });
    return item;
  }

  /* A contact card (the server's `card`, see bot/website/cards.py): the name, one line on
   * what the service is for, call and chat buttons; hours, anonymity and the checked date
   * one tap away in <details>. Only tel: and https addresses become links. */
  function addCard(card, lang) {
    var words = card.words || {};
    var item = document.createElement("div");
    item.className = "msg msg-bot msg-card" + (card.emergency ? " card-emergency" : "");
    item.lang = (typeof card.lang === "string" && knownLanguage(card.lang)) ? card.lang : (lang || pageLang);
    item.appendChild(speaker("bot"));
    var name = document.createElement("h3");
    name.className = "card-name";
    name.textContent = String(card.name || "");
    item.appendChild(name);
    if (typeof card.purpose === "string" && card.purpose) {
      var purpose = document.createElement("p");
      purpose.className = "card-purpose";
      appendText(purpose, card.purpose);
      item.appendChild(purpose);
    }
    var actions = document.createElement("div");
    actions.className = "card-actions";
    (Array.isArray(card.phones) ? card.phones : []).forEach(function (p) {
      var href = p && telHref(p.href);
      if (!href || typeof p.number !== "string") return;
      var call = phoneLink(String(words.call || "{phone}").replace("{phone}", p.number), href);
      call.className = "card-button card-call";
      if (typeof card.phone_note === "string" && card.phone_note) {
        var note = document.createElement("span");
        note.className = "card-note";
        note.textContent = " (" + card.phone_note + ")";
        call.appendChild(note);
      }
      actions.appendChild(call);
    });
    [["chat_url", "chat", "card-chat"], ["web_url", "website", "card-web"]].forEach(function (spec) {
      var href = typeof card[spec[0]] === "string" ? httpsUrl(card[spec[0]]) : null;
      if (!href || !words[spec[1]]) return;
      var a = document.createElement("a");
      a.href = href;
      a.target = "_blank";
      a.rel = "noopener noreferrer";
      a.className = "card-button " + spec[2];
      a.textContent = words[spec[1]];
      a.appendChild(newTabNote(words.new_tab, item.lang));
      actions.appendChild(a);
    });
    if (actions.firstChild) item.appendChild(actions);
    var details = (Array.isArray(card.details) ? card.details : []).filter(function (d) {
      return typeof d === "string" && d.trim();
    });
    if (details.length) {
      var more = document.createElement("details");
      more.className = "card-more";
      var summary = document.createElement("summary");
      summary.textContent = words.more || "…";
      more.appendChild(summary);
      var list = document.createElement("ul");
      details.forEach(function (d) {
        var li = document.createElement("li");
        appendText(li, d);
        list.appendChild(li);
      });
      more.appendChild(list);
      item.appendChild(more);
    }
    log.appendChild(item);
    item.scrollIntoView({ block: "nearest" });
    return item;
  }

  function addBotMessage(m, lang) {
    if (m && m.card && typeof m.card === "object" && typeof m.card.name === "string") return addCard(m.card, lang);
    return addMessage("bot", m && m.text, m && m.buttons, false, lang);
  }

  /* Quick replies in the language of their message; a starter with `language` is the
   * language switch. */
  function replyButtons(buttons, lang) {
    var group = document.createElement("div");
    group.className = "replies";
    group.setAttribute("role", "group");
    if (lang === pageLang) group.setAttribute("aria-label", t("choose"));
    buttons.forEach(function (b) {
      if (typeof b.title !== "string" || typeof b.payload !== "string") return;
      var button = document.createElement("button");
      button.type = "button";
      button.textContent = b.title;
      if (typeof b.language === "string") button.lang = b.language;
      button.addEventListener("click", function () {
        if (typeof b.language === "string") switchLanguage(b.language);
        else markLanguage(ask({ payload: b.payload }, b.title), lang);
        input.focus();
      });
      group.appendChild(button);
    });
    return group;
  }

  function setBusy(on) {
    busy = on;
    send.disabled = on;
    status.className = on ? "status typing" : "status";
    status.textContent = on ? t("typing") : "";
    Array.prototype.forEach.call(log.querySelectorAll(".replies button"), function (b) {
      b.disabled = on;
    });
  }

  function offline() {
    addMessage("bot", t("offline_text") + "\n" + (t("help_text") || t("notice")), null, true);
  }

  /* ---- talking to the server ---- */

  /* `what` is { message: typed text } or { payload: a button's payload }: the server
   * reads typed text always as text, and a payload only if it offered that button. */
  /* Typed text gets the language the server detected, once the reply is there; a button's
   * title is marked by the caller (the language of its message). The reply says the
   * conversation's language, and every bot message is marked with it. */
  function ask(what, shown) {
    if (busy) return null;
    var bubble = addMessage("user", shown || what.message);
    started = true;
    setBusy(true);
    var askedAs = sender;
    var body = { sender: askedAs, language: convLang || pageLang };
    if (typeof what.payload === "string") body.payload = what.payload;
    else body.message = what.message;
    tellLanguage(askedAs)
      .then(function () { return post("message", body); })
      .then(readJson)
      .then(function (data) {
        if (askedAs !== sender) return;  /* the conversation was wiped meanwhile */
        if (data && Array.isArray(data.messages)) {
          if (knownLanguage(data.language)) convLang = data.language;
          if (typeof what.message === "string") bubble.lang = convLang || pageLang;
          data.messages.forEach(function (m) { addBotMessage(m, convLang); });
        } else if (data && typeof data.error === "string") {
          addMessage("bot", data.error, null, true, errorLanguage(body.language));
        } else {
          offline();
        }
      }, offline)
      .then(function () { setBusy(false); });
    return bubble;
  }

  function markLanguage(bubble, lang) {
    if (bubble && lang) bubble.lang = lang;
  }

  function readJson(reply) {
    return reply.json().then(function (data) { return data; }, function () { return null; });
  }

  function knownLanguage(lang) {
    return typeof lang === "string" && /^[a-z]{2,3}$/.test(lang);
  }

  /* The server's own error texts exist in the page languages only (else Dutch). */
  function errorLanguage(lang) {
    return texts[lang] ? lang : (config.default_language || "nl");
  }

  /* After a switch on an empty page, the server hears the language just before the
   * first message (its greeting is not shown: the page greeted already). */
  function tellLanguage(askedAs) {
    var lang = pendingLanguage;
    pendingLanguage = null;
    if (!lang || !texts[lang] || lang === convLang) return Promise.resolve();
    return post("message", { sender: askedAs, payload: texts[lang].switch_payload, language: lang })
      .then(readJson)
      .then(function (data) {
        if (askedAs === sender && data && knownLanguage(data.language)) convLang = data.language;
      }, function () { /* the message itself still goes; it reports any problem */ });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = input.value.trim();
    if (!text || busy) return;
    if (text.length > config.max_message_chars) {
      addMessage("bot", t("too_long_text"), null, true);
      return;
    }
    input.value = "";
    showLengthHint();
    ask({ message: text });
  });

  function showLengthHint() {
    var full = input.value.length >= config.max_message_chars;
    hint.textContent = full ? t("too_long_text") : t("hint");
    hint.className = full ? "hint warn" : "hint";
  }
  input.addEventListener("input", showLengthHint);

  /* ---- clearing and leaving ---- */

  function forgetConversation(keepalive) {
    var old = sender;
    sender = newSender();
    log.textContent = "";
    started = false;
    convLang = null;
    pendingLanguage = pageLang !== (config.default_language || "nl") ? pageLang : null;
    post("forget", { sender: old }, keepalive).catch(function () { /* expires on the server anyway */ });
  }

  clearButton.addEventListener("click", function () {
    forgetConversation(false);
    input.value = "";
    showIntro();
    status.textContent = t("cleared");
    input.focus();
  });

  /* ---- languages: the page's own texts, the greeting and the switch ---- */

  /* The first message: a short greeting with starter buttons, from the server. */
  function showIntro() {
    var own = texts[pageLang];
    if (!own || !own.greeting) return;
    var old = log.querySelector(".msg-intro");
    if (old) log.removeChild(old);
    var intro = addMessage("bot", own.greeting, own.starters || [], false, pageLang);
    intro.className += " msg-intro";
    if (log.firstChild !== intro) log.insertBefore(intro, log.firstChild);
  }

  function applyLanguage(lang) {
    pageLang = lang;
    root.lang = lang;
    if (t("title")) document.title = t("title");
    Array.prototype.forEach.call(document.querySelectorAll("[data-t]"), function (el) {
      var text = t(el.getAttribute("data-t"));
      if (!text) return;
      if (el.hasAttribute("data-links")) setLinkedText(el, text);  /* the notice: tappable numbers */
      else el.textContent = text;
    });
    Array.prototype.forEach.call(document.querySelectorAll("#languages button[data-lang]"), function (b) {
      b.setAttribute("aria-pressed", String(b.getAttribute("data-lang") === lang));
    });
    showLengthHint();
  }

  /* Switching changes the page's texts and tells the assistant: at once (its greeting
   * answers) when a conversation is going, else just before the first message. */
  function switchLanguage(lang) {
    if (busy || !texts[lang]) return;
    var changed = lang !== pageLang;
    applyLanguage(lang);
    if (started) {
      if (changed || lang !== convLang) markLanguage(ask({ payload: texts[lang].switch_payload }, texts[lang].language_name), lang);
    } else {
      pendingLanguage = lang !== (config.default_language || "nl") ? lang : null;
      showIntro();
    }
  }

  Array.prototype.forEach.call(document.querySelectorAll("#languages button[data-lang]"), function (b) {
    b.addEventListener("click", function () { switchLanguage(b.getAttribute("data-lang")); });
  });

  function quickExit(event) {
    if (event) event.preventDefault();
    var url = config.neutral_url;
    forgetConversation(true);
    input.value = "";
    document.title = "";
    if (window.top !== window.self) {
      window.parent.postMessage({ vraagbaak: "exit", url: url }, "*");
      try { window.top.location.replace(url); } catch (e) { /* the embedding page does it */ }
    }
    window.location.replace(url);
  }

  exitLink.addEventListener("click", quickExit);
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    var now = Date.now();
    if (now - lastEscape < EXIT_KEY_WINDOW_MS) quickExit(event);
    lastEscape = now;
  });
  window.addEventListener("pagehide", function () {
    if (started) forgetConversation(true);
  });

  /* ---- start ---- */

  if (window.top !== window.self) document.documentElement.className = "embedded";
  input.disabled = false;
  send.disabled = false;

  fetch(API + "config", { credentials: "omit", cache: "no-store" })
    .then(function (reply) { return reply.ok ? reply.json() : null; })
    .then(function (data) {
      if (!data) return;
      Object.keys(config).forEach(function (key) {
        if (data[key] !== undefined && data[key] !== "") config[key] = data[key];
      });
      if (config.languages && typeof config.languages === "object") texts = config.languages;
      if (texts[pageLang]) applyLanguage(pageLang);
      if (!started) showIntro();
    })
    .catch(function () { /* the page's own notice still shows the emergency number */ });
})();
