/* Vraagbaak on another website: paste
 *   <script src="https://YOUR-VRAAGBAAK-HOST/website/embed.js" defer></script>
 * and a chat button appears at the bottom right; it opens the chat page in an iframe.
 * The embedding site's origin must be listed in `website.allowed_origins` (bot/settings.yml).
 * Text is set with textContent only; styles are set through the style object. */
(function () {
  "use strict";

  var script = document.currentScript;
  if (!script || !script.src) return;
  var origin = new URL(script.src).origin;
  var frame = null;

  var button = document.createElement("button");
  button.type = "button";
  button.textContent = "Chat met Vraagbaak";
  button.setAttribute("aria-expanded", "false");
  Object.assign(button.style, {
    position: "fixed", right: "1rem", bottom: "1rem", zIndex: "2147483000",
    padding: "0.75rem 1.1rem", border: "2px solid #ffffff", borderRadius: "2rem",
    background: "#1d4f91", color: "#ffffff", font: "700 1rem/1.2 system-ui, sans-serif",
    cursor: "pointer", boxShadow: "0 2px 8px rgba(0, 0, 0, 0.35)"
  });

  function makeFrame() {
    frame = document.createElement("iframe");
    frame.src = origin + "/";
    frame.title = "Vraagbaak: chat over mensenhandel en seksueel geweld tegen kinderen";
    frame.id = "vraagbaak-chat";
    frame.setAttribute("referrerpolicy", "no-referrer");
    Object.assign(frame.style, {
      position: "fixed", right: "1rem", bottom: "4.5rem", zIndex: "2147483000",
      width: "min(26rem, calc(100vw - 2rem))", height: "min(40rem, calc(100vh - 6rem))",
      border: "2px solid #1d4f91", borderRadius: "0.75rem", background: "#ffffff",
      boxShadow: "0 4px 16px rgba(0, 0, 0, 0.35)"
    });
    document.body.appendChild(frame);
    button.setAttribute("aria-controls", frame.id);
  }

  button.addEventListener("click", function () {
    var open = button.getAttribute("aria-expanded") === "true";
    if (!frame) makeFrame();
    frame.hidden = open;
    frame.style.display = open ? "none" : "block";
    button.setAttribute("aria-expanded", open ? "false" : "true");
    button.textContent = open ? "Chat met Vraagbaak" : "Sluit de chat";
    if (!open) frame.focus();
  });

  // The chat's quick exit: leave this whole page, not just the iframe.
  window.addEventListener("message", function (event) {
    var data = event.data;
    if (event.origin !== origin || !data || data.vraagbaak !== "exit" || typeof data.url !== "string") return;
    if (/^https?:\/\//i.test(data.url) || data.url === "about:blank") window.location.replace(data.url);
  });

  function start() { document.body.appendChild(button); }
  if (document.body) start(); else document.addEventListener("DOMContentLoaded", start);
})();
