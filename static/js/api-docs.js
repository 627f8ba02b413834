// Starts Swagger UI (static/vendor/swagger-ui) on the API documentation page, reading the
// document's address from the page: a file of its own because the CSP allows no inline script.
(function () {
  "use strict";
  var target = document.getElementById("swagger-ui");
  if (!target || typeof window.SwaggerUIBundle !== "function") { return; }
  window.SwaggerUIBundle({
    url: target.getAttribute("data-url"),
    domNode: target,
    deepLinking: false,
    // "Try it out" sends the session cookie of the portal; tokens go in Authorize.
    tryItOutEnabled: false,
    validatorUrl: null
  });
}());
