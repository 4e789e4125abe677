// Starts Swagger UI on /api/docs (xieshang/core/apidocs.py). A static file, so the page needs no inline script under
// the CSP; the settings come from the page's JSON block, and session-authenticated calls carry the CSRF token.
(function () {
  "use strict";
  function start() {
    var block = document.getElementById("swagger-settings");
    if (!block || typeof window.SwaggerUIBundle !== "function") return;
    var settings = JSON.parse(block.textContent);
    var token = document.body.getAttribute("data-csrf-token");
    settings.dom_id = "#swagger-ui";
    settings.presets = [window.SwaggerUIBundle.presets.apis];
    settings.requestInterceptor = function (request) {
      if (token) request.headers["X-CSRFToken"] = token;
      return request;
    };
    window.ui = window.SwaggerUIBundle(settings);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
