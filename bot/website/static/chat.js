/* Vraagbaak chat widget. Plain JavaScript, no framework.
 * Privacy: the conversation lives only in this tab's memory (no cookies, no storage).
 * Security: every text from the bot or the user is shown with textContent. */
(function () {
  "use strict";

  var API = "/webhooks/website/";
  var EXIT_KEY_WINDOW_MS = 1500;

  var $ = function (id) { return document.getElementById(id); };
  var log = $("log"), form = $("form"), input = $("input"), send = $("send");
  var status = $("status"), hint = $("hint"), exitLink = $("exit"), clearButton = $("clear");
  var hintText = hint.textContent;

  var config = {
    neutral_url: exitLink.getAttribute("data-neutral-url") || "about:blank",
    notice: $("notice").textContent,
    help_text: "",
    offline_text: "Ik kan de server nu niet bereiken.",
    too_long_text: "Je bericht is te lang. Kun je het korter zeggen?",
    max_message_chars: Number(input.getAttribute("maxlength")) || 1000
  };
  var sender = newSender();
  var busy = false;
  var lastEscape = 0;

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

  /* ---- rendering: text only, links only for http(s) ---- */

  function safeLink(raw) {
    var href = /^www\./i.test(raw) ? "https://" + raw : raw;
    var url;
    try { url = new URL(href); } catch (e) { return document.createTextNode(raw); }
    if (url.protocol !== "https:" && url.protocol !== "http:") return document.createTextNode(raw);
    var a = document.createElement("a");
    a.href = url.href;
    a.target = "_blank";
    a.rel = "noopener noreferrer";
    a.textContent = raw;
    var note = document.createElement("span");
    note.className = "sr-only";
    note.textContent = " (opent in een nieuw tabblad)";
    a.appendChild(note);
    return a;
  }

  function appendText(parent, text) {
    var pattern = /(https?:\/\/|www\.)[^\s<>"]+/gi;
    var last = 0, match;
    while ((match = pattern.exec(text)) !== null) {
      var raw = match[0].replace(/[.,;:!?)\]]+$/, "");
      parent.appendChild(document.createTextNode(text.slice(last, match.index)));
      parent.appendChild(safeLink(raw));
      last = match.index + raw.length;
      pattern.lastIndex = last;
    }
    parent.appendChild(document.createTextNode(text.slice(last)));
  }

  function addMessage(who, text, buttons, isError) {
    var item = document.createElement("div");
    item.className = "msg msg-" + who + (isError ? " msg-error" : "");
    var label = document.createElement("span");
    label.className = "sr-only";
    label.textContent = who === "user" ? "Jij: " : "Vraagbaak: ";
    item.appendChild(label);
    String(text || "").split("\n").forEach(function (line) {
      if (!line.trim()) return;
      var p = document.createElement("p");
      if (/^Bron:/.test(line)) p.className = "source";
      appendText(p, line);
      item.appendChild(p);
    });
    if (buttons && buttons.length) item.appendChild(replyButtons(buttons));
    log.appendChild(item);
    item.scrollIntoView({ block: "nearest" });
    return item;
  }

  function replyButtons(buttons) {
    var group = document.createElement("div");
    group.className = "replies";
    group.setAttribute("role", "group");
    group.setAttribute("aria-label", "Kies een antwoord");
    buttons.forEach(function (b) {
      if (typeof b.title !== "string" || typeof b.payload !== "string") return;
      var button = document.createElement("button");
      button.type = "button";
      button.textContent = b.title;
      button.addEventListener("click", function () {
        ask({ payload: b.payload }, b.title);
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
    status.textContent = on ? "Vraagbaak typt" : "";
    Array.prototype.forEach.call(log.querySelectorAll(".replies button"), function (b) {
      b.disabled = on;
    });
  }

  function offline() {
    addMessage("bot", config.offline_text + "\n" + (config.help_text || config.notice), null, true);
  }

  /* ---- talking to the server ---- */

  /* `what` is { message: typed text } or { payload: a button's payload }: the server
   * reads typed text always as text, and a payload only if it offered that button. */
  function ask(what, shown) {
    if (busy) return;
    addMessage("user", shown || what.message);
    setBusy(true);
    var askedAs = sender;
    var body = { sender: askedAs };
    if (typeof what.payload === "string") body.payload = what.payload;
    else body.message = what.message;
    post("message", body)
      .then(function (reply) {
        return reply.json().then(function (data) { return data; }, function () { return null; });
      })
      .then(function (data) {
        if (askedAs !== sender) return;  /* the conversation was wiped meanwhile */
        if (data && Array.isArray(data.messages)) {
          data.messages.forEach(function (m) { addMessage("bot", m.text, m.buttons); });
        } else if (data && typeof data.error === "string") {
          addMessage("bot", data.error, null, true);
        } else {
          offline();
        }
      }, offline)
      .then(function () { setBusy(false); });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = input.value.trim();
    if (!text || busy) return;
    if (text.length > config.max_message_chars) {
      addMessage("bot", config.too_long_text, null, true);
      return;
    }
    input.value = "";
    showLengthHint();
    ask({ message: text });
  });

  function showLengthHint() {
    var full = input.value.length >= config.max_message_chars;
    hint.textContent = full ? config.too_long_text : hintText;
    hint.className = full ? "hint warn" : "hint";
  }
  input.addEventListener("input", showLengthHint);

  /* ---- clearing and leaving ---- */

  function forgetConversation(keepalive) {
    var old = sender;
    sender = newSender();
    log.textContent = "";
    post("forget", { sender: old }, keepalive).catch(function () { /* expires on the server anyway */ });
  }

  clearButton.addEventListener("click", function () {
    forgetConversation(false);
    input.value = "";
    status.textContent = "Het gesprek is gewist.";
    input.focus();
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
    if (log.childNodes.length) forgetConversation(true);
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
    })
    .catch(function () { /* the page's own notice still shows the emergency number */ });
})();
